"""The curriculum in the reader's language, over HTTP: the test course 'advanced' is offered in
English and French (tests/data/content/advanced/*.fr.*). A French reader sees its French; an
attempt is graded the same in either language, and item analysis pools both."""

import re

import pytest
from sqlalchemy import select

from course_app.instructor.analysis import analyse
from course_app.quizzes.models import Attempt, AttemptItem, Question, QuestionVersion, Quiz
from tests.helpers import complete_course, login, make_user, post, served_for, start_quiz, text_of


def _reader(app, db, email: str, language: str):
    make_user(db, email=email, language=language)
    browser = app.test_client()
    login(browser, email)
    complete_course(browser, db, "basics")  # advanced's prerequisite
    post(browser, "/courses/advanced/enrol")
    return browser


@pytest.fixture
def french(app, db, content):
    return _reader(app, db, "fr@example.org", "fr")


@pytest.fixture
def english(app, db, content):
    return _reader(app, db, "en@example.org", "en")


def test_the_lesson_page_is_in_french_for_a_french_reader(french):
    page = text_of(french.get("/courses/advanced/lessons/four"))
    assert '<html lang="fr"' in page
    assert "Leçon quatre" in page and "Apprendre quatre" in page
    assert "Corps de la <strong>leçon quatre</strong>" in page
    assert 'alt="Vue de face du genou, le tendon rotulien souligné."' in page
    assert "Le genou vu de face" in page
    assert "Avancé" in page and "Module unique" in page
    assert "Lesson four" not in page and "Front view of the knee" not in page


def test_the_same_lesson_stays_english_for_an_english_reader(english):
    page = text_of(english.get("/courses/advanced/lessons/four"))
    assert "Lesson four" in page and 'alt="Front view of the knee' in page
    assert "Leçon quatre" not in page


def test_a_course_not_offered_in_french_is_shown_in_english(french):
    page = text_of(french.get("/courses/basics/lessons/one"))
    assert '<html lang="fr"' in page and "Lesson one" in page


def test_the_course_page_and_catalog_are_in_french(french):
    page = text_of(french.get("/courses/advanced"))
    assert "Avancé" in page and "S&#39;ouvre après les Notions de base." in page
    assert "Module unique" in page and "Leçon quatre" in page
    assert "Avancé" in text_of(french.get("/"))


def _option_texts_in_page_order(page: str, texts: list[str]) -> list[str]:
    return sorted(texts, key=page.index)


def test_the_quiz_is_in_french_with_the_options_in_the_attempts_order(french, db):
    attempt_id = start_quiz(french, "advanced", "only")
    page = text_of(french.get(f"/attempts/{attempt_id}"))
    assert "Depuis combien de temps le cycliste a-t-il mal?" in page
    assert "Un cycliste qui a mal au genou" in page and "<strong>trois semaines</strong>" in page
    assert "Vrai" in page and "Faux" in page
    french_of = {"a": "Trois semaines", "b": "Trois jours", "c": "Trois mois"}
    order = db.scalar(
        select(AttemptItem.option_order)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(AttemptItem.attempt_id == attempt_id, Question.key == "adv-2")
    )
    shown = _option_texts_in_page_order(page, list(french_of.values()))
    assert shown == [french_of[key] for key in order]
    assert db.get(Attempt, attempt_id).language == "fr"


def _answer(browser, db, attempt_id: int, keys: dict[str, str]) -> float:
    """Submit an attempt choosing ``keys`` = {question key: option key}; returns its score."""
    rows = db.execute(
        select(AttemptItem.position, Question.key)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(AttemptItem.attempt_id == attempt_id)
    ).all()
    data = {f"q{pos}": [served_for(db, attempt_id, pos, keys[key])] for pos, key in rows}
    assert post(browser, f"/attempts/{attempt_id}/submit", data).status_code == 302
    db.expire_all()
    return db.get(Attempt, attempt_id).score


def test_an_attempt_is_graded_the_same_in_french_and_english(french, english, db):
    """The same answers (by option, not by words) give the same score in either language,
    and item analysis counts both languages' answers together."""
    answers = {"adv-1": "false", "adv-2": "a"}  # one wrong, one right
    in_french = start_quiz(french, "advanced", "only")
    in_english = start_quiz(english, "advanced", "only")
    assert _answer(french, db, in_french, answers) == _answer(english, db, in_english, answers)
    assert db.get(Attempt, in_french).score == pytest.approx(0.5)
    assert {db.get(Attempt, in_french).language, db.get(Attempt, in_english).language} == {
        "fr",
        "en",
    }
    result = text_of(french.get(f"/attempts/{in_french}"))
    assert "Le cas dit trois semaines." in result  # the rationale, in French
    quiz = db.scalar(select(Quiz).where(Quiz.slug == "only"))
    stats = analyse(db, quiz)
    assert stats.attempts == 2
    item = next(item for item in stats.items if item.key == "adv-2")
    assert next(o for o in item.options if o.correct).chosen == 2


def test_french_text_belongs_to_the_question_version(db, content):
    """The French is stored with the version an attempt shows, never with the question."""
    version = db.scalar(select(QuestionVersion).join(Question).where(Question.key == "adv-2"))
    fr = version.translations["fr"]
    assert fr["options"] == ["Trois semaines", "Trois jours", "Trois mois"]
    assert re.search(r"<strong>trois semaines</strong>", fr["case_html"])
    assert [o["correct"] for o in version.options] == [True, False, False]


def test_a_translated_document_is_linked_and_served_in_french(make_app, db, tmp_path):
    import hashlib
    import shutil

    from course_app.modules.models import Lesson
    from tests.conftest import TEST_CONTENT

    tree = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, tree)
    media = tree / "advanced" / "media"
    english = media / "aftercare.md"
    english.write_text("# Aftercare\n\nSoreness may last a day [S1].\n")
    (media / "documents.toml").write_text(
        '[[documents]]\nkey = "aftercare"\nfile = "aftercare.md"\ntitle = "Aftercare sheet"\n'
        'description = "What to tell the patient after a session."\n'
    )
    digest = hashlib.sha256((media / "documents.toml").read_bytes()).hexdigest()
    (media / "documents.fr.toml").write_text(
        f'translation_of = "{digest}"\n[[documents]]\nkey = "aftercare"\n'
        'title = "Feuille de conseils après traitement"\n'
        'description = "Ce qu\'il faut dire au patient après une séance."\n'
    )
    digest = hashlib.sha256(english.read_bytes()).hexdigest()
    (media / "aftercare.fr.md").write_text(
        f'+++\ntranslation_of = "{digest}"\n+++\n# Après le traitement\n\n'
        "La douleur peut durer une journée [S1].\n"
    )
    for name in ("four.md", "four.fr.md"):
        lesson = tree / "advanced" / "lessons" / name
        lesson.write_text(lesson.read_text() + "\n{{ document aftercare }}\n")
    lesson_fr = tree / "advanced" / "lessons" / "four.fr.md"
    digest = hashlib.sha256((tree / "advanced" / "lessons" / "four.md").read_bytes()).hexdigest()
    lesson_fr.write_text(re.sub(r'translation_of = "\w+"', f'translation_of = "{digest}"',
                                lesson_fr.read_text()))  # fmt: skip
    app = make_app(CONTENT_DIR=str(tree))
    loaded = app.test_cli_runner().invoke(args=["load-content"])
    assert loaded.exit_code == 0, loaded.output
    html = db.scalar(select(Lesson.translations).where(Lesson.slug == "four"))["fr"]["body_html"]
    assert "Feuille de conseils après traitement</a>" in html
    link = next(part for part in html.split('"') if part.startswith("/media/advanced/aftercare"))
    assert link.startswith("/media/advanced/aftercare.fr.md?v=")
    served = app.test_client().get(link)
    assert served.status_code == 200
    assert served.headers["Content-Disposition"] == 'attachment; filename="aftercare.fr.md"'
    assert "La douleur peut durer une journée" in served.get_data(as_text=True)
    assert app.test_client().get("/media/advanced/nothing.fr.md").status_code == 404


def test_a_changed_translation_makes_a_new_version_and_keeps_the_old_words(make_app, db, tmp_path):
    """Past results never change: the version an attempt showed keeps its French."""
    import shutil

    from tests.conftest import TEST_CONTENT

    tree = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, tree)
    app = make_app(CONTENT_DIR=str(tree))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["load-content"]).exit_code == 0
    first = db.scalar(select(QuestionVersion).join(Question).where(Question.key == "adv-2"))
    french = tree / "advanced" / "quizzes" / "only.fr.toml"
    french.write_text(french.read_text().replace("a-t-il mal?", "a-t-il de la douleur?"))
    result = runner.invoke(args=["load-content"])
    assert "updated  question advanced/adv-2" in result.output
    db.expire_all()
    versions = db.scalars(
        select(QuestionVersion).join(Question).where(Question.key == "adv-2")
    ).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].id == first.id and versions[0].translations["fr"]["prompt"].endswith("mal?")
    assert versions[1].translations["fr"]["prompt"].endswith("de la douleur?")
    assert versions[0].options == versions[1].options
    assert "nothing changed" in runner.invoke(args=["load-content"]).output
