"""The curriculum in two languages: check-content's refusals and translation-status.

tests/data/content/advanced declares ``languages = ["en", "fr"]`` and carries a French file
beside each English one; each test breaks one thing in a copy and expects its message.
"""

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.conftest import TEST_CONTENT


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def restamp(translation: Path, english: Path) -> None:
    """Record the English file's current digest, as a translator does after review."""
    text = translation.read_text(encoding="utf-8")
    start = text.index('translation_of = "') + len('translation_of = "')
    digest = hashlib.sha256(english.read_bytes()).hexdigest()
    translation.write_text(text[:start] + digest + text[start + 64 :], encoding="utf-8")


def check(runner, tree: Path, *extra: str):
    return runner.invoke(args=["check-content", "--dir", str(tree), *extra])


def test_the_test_content_with_its_french_is_valid(runner, tree):
    result = check(runner, tree)
    assert result.exit_code == 0, result.output
    assert "translation-undeclared" not in result.output


LESSON_FR = "advanced/lessons/four.fr.md"
QUIZ_FR = "advanced/quizzes/only.fr.toml"
MANIFEST_FR = "advanced/course.fr.toml"
FIGURES_FR = "advanced/media/figures.fr.toml"

REFUSED = [
    # (file, old, new, file reported, line, words in the message)
    (LESSON_FR, 'claims = ["A1"]', 'claims = ["A2"]', LESSON_FR, 6, "'claims' must be the English"),
    (LESSON_FR, 'sources = ["S1"]', "sources = []", LESSON_FR, 7, "'sources' must be the English"),
    (LESSON_FR, '["Apprendre quatre"]', '["Un", "Deux"]', LESSON_FR, 5,
     "'objectives' must translate"),
    (LESSON_FR, 'slug = "four"', 'slug = "quatre"', LESSON_FR, 3, "'slug' must be the English"),
    (LESSON_FR, "[S1]", "[S2]", LESSON_FR, 9, "(missing: [S1]; not in the English: [S2])"),
    (LESSON_FR, "{{ figure knee }}", "{{ figure calf }}", LESSON_FR, 9,
     "(missing: {{ figure knee }}; not in the English: {{ figure calf }})"),
    (LESSON_FR, 'title = "Leçon quatre"', 'title = "Leçon quatre"\nminutes = 5', LESSON_FR, 5,
     "unknown key 'minutes'"),
    (QUIZ_FR, '"Trois semaines", "Trois jours", "Trois mois"', '"Trois semaines", "Trois jours"',
     QUIZ_FR, 19, "'adv-2' has 3 options in English"),
    (QUIZ_FR, 'key = "adv-1"', 'key = "adv-9"', QUIZ_FR, 11, "'adv-9' is not in the English"),
    (QUIZ_FR, 'key = "adv-1"', 'key = "adv-9"', QUIZ_FR, 1, "'adv-1' of the English file is "
     "not translated"),
    (QUIZ_FR, 'rationale = "Le cas dit trois semaines."', 'rationale = "Le cas."\ncorrect = 1',
     QUIZ_FR, 21, "unknown key 'correct'"),
    (QUIZ_FR, 'know = "', 'savoir = "', QUIZ_FR, 3, "[objectives] must translate exactly the "
     "English keys (know)"),
    (QUIZ_FR, 'key = "knee-case"', 'key = "case-two"', QUIZ_FR, 6, "'case-two' is not in the"),
    (QUIZ_FR, 'prompt = "Le cours avancé', 'options = ["V", "F"]\nprompt = "Le cours avancé',
     QUIZ_FR, 13, "true-false: its options are not translated"),
    (MANIFEST_FR, 'slug = "only"', 'slug = "seul"', MANIFEST_FR, 5, "modules slug 'seul'"),
    (MANIFEST_FR, 'title = "Avancé"\n', "", MANIFEST_FR, 1, "'title' must be a non-empty"),
    (FIGURES_FR, 'key = "knee"', 'key = "genou"', FIGURES_FR, 3, "figures key 'genou' is not"),
    (FIGURES_FR, 'alt = "', 'texte = "', FIGURES_FR, 6, "unknown key 'texte'"),
]  # fmt: skip


@pytest.mark.parametrize(("file", "old", "new", "reported", "line", "message"), REFUSED)
def test_check_content_refuses_a_translation_that_differs(
    runner, tree, file, old, new, reported, line, message
):
    edit(tree / file, old, new)
    result = check(runner, tree)
    assert result.exit_code == 1
    assert f"{tree / reported}:{line}: " in result.output, result.output
    assert message in result.output


@pytest.mark.parametrize("file", [LESSON_FR, QUIZ_FR, MANIFEST_FR, FIGURES_FR])
def test_check_content_refuses_a_missing_translation(runner, tree, file):
    (tree / file).unlink()
    english = str(tree / file).replace(".fr.", ".")
    result = check(runner, tree)
    assert result.exit_code == 1
    assert f"{english}:1: no 'fr' translation: add {Path(file).name} beside it" in result.output


def test_a_changed_english_file_marks_its_translation_as_needing_review(runner, tree):
    edit(tree / "advanced/lessons/four.md", "Body of", "New body of")
    result = check(runner, tree)
    assert result.exit_code == 1
    assert f"{tree / LESSON_FR}:1: needs review: the English changed" in result.output
    restamp(tree / LESSON_FR, tree / "advanced/lessons/four.md")
    assert check(runner, tree).exit_code == 0


def test_a_changed_correct_answer_needs_review_too(runner, tree):
    quiz = tree / "advanced/quizzes/only.toml"
    edit(quiz, '{ text = "Three weeks", correct = true }', '{ text = "Three weeks" }')
    edit(quiz, '{ text = "Three days" }', '{ text = "Three days", correct = true }')
    result = check(runner, tree)
    assert result.exit_code == 1
    assert f"{tree / QUIZ_FR}:1: needs review" in result.output


def test_french_files_in_a_course_not_offered_in_french_are_a_warning(runner, tree):
    (tree / "basics/lessons/one.fr.md").write_text('+++\ntranslation_of = "x"\n+++\nTexte.\n')
    result = check(runner, tree)
    assert result.exit_code == 0, result.output
    assert "warning [translation-undeclared]" in result.output
    assert "one.fr.md" in result.output


def test_languages_must_start_with_english(runner, tree):
    edit(tree / "advanced/course.toml", 'languages = ["en", "fr"]', 'languages = ["fr"]')
    result = check(runner, tree)
    assert result.exit_code == 1
    assert f"{tree / 'advanced/course.toml'}:7: 'languages' must list" in result.output


def test_a_course_without_languages_ignores_nothing_it_should_check(runner, tree):
    """Without ``languages`` the French files are not checked (only warned about)."""
    edit(tree / "advanced/course.toml", 'languages = ["en", "fr"]\n', "")
    edit(tree / QUIZ_FR, '"Trois semaines", "Trois jours", "Trois mois"', '"Trois"')
    result = check(runner, tree)
    assert result.exit_code == 0, result.output
    assert "translation-undeclared" in result.output


def status(runner, tree: Path, *extra: str):
    return runner.invoke(args=["translation-status", "--dir", str(tree), *extra])


def test_translation_status_lists_every_file_as_current(runner, tree):
    result = status(runner, tree, "--course", "advanced")
    assert result.exit_code == 0, result.output
    assert "current  fr advanced/course.fr.toml" in result.output
    assert "current  fr advanced/lessons/four.fr.md" in result.output
    assert "current  fr advanced/quizzes/only.fr.toml" in result.output
    assert "current  fr advanced/media/figures.fr.toml" in result.output
    assert "Translations: 4 current, 0 stale, 0 missing." in result.output


def test_translation_status_shows_stale_and_missing_and_fails(runner, tree):
    edit(tree / "advanced/quizzes/only.toml", "How long", "For how long")
    (tree / LESSON_FR).unlink()
    result = status(runner, tree)
    assert result.exit_code == 1
    assert "stale    fr advanced/quizzes/only.fr.toml" in result.output
    assert "missing  fr advanced/lessons/four.fr.md" in result.output
    assert "basics: offered in English only" in result.output
    assert "Translations: 2 current, 1 stale, 1 missing." in result.output


def test_translation_status_of_an_unknown_course(runner, tree):
    result = status(runner, tree, "--course", "nothing")
    assert result.exit_code == 2
    assert "No course 'nothing'" in result.output
