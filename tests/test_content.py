"""The content pipeline: check-content, load-content, and the real curriculum."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course_app.config import REPO_ROOT
from course_app.modules.content import parse_content
from course_app.modules.models import Course, CourseModule, Lesson, LessonProgress
from tests.conftest import TEST_CONTENT
from tests.helpers import make_user


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A writable copy of the test content."""
    target = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_curriculum_is_valid():
    courses, problems = parse_content(REPO_ROOT / "content")
    assert problems == []
    by_slug = {course.slug: course for course in courses}
    assert by_slug["dry-needling-level-2"].prerequisite == "dry-needling-level-1"
    first_module = by_slug["dry-needling-level-1"].modules[0].slug
    lessons = [ls for ls in by_slug["dry-needling-level-1"].lessons if ls.module == first_module]
    assert len(lessons) >= 3
    assert all(lesson.sources and lesson.objectives for lesson in lessons)


LESSON = "basics/lessons/one.md"
TWO = "basics/lessons/two.md"
MANIFEST = "basics/course.toml"

BROKEN = [
    # (file, old text, new text, expected line, words in the message)
    (LESSON, "+++\nslug", "slug", 1, "front matter"),
    (LESSON, "minutes = 10", 'minutes = "ten"', 6, "'minutes' must be a whole number"),
    (LESSON, "minutes = 10", "minutes = 0", 6, "'minutes'"),
    (LESSON, 'module = "first"', 'module = "nowhere"', 4, "module 'nowhere' is not listed"),
    (LESSON, 'sources = ["S1"]', 'sources = ["S9"]', 9, "source 'S9' is not in"),
    (LESSON, 'claims = ["A1"]', 'claims = ["A9"]', 8, "unknown article claim 'A9'"),
    (LESSON, 'objectives = ["Learn one"]', "objectives = []", 7, "'objectives' must be"),
    (LESSON, 'slug = "one"', 'slug = "One Lesson"', 2, "lower-case"),
    (TWO, 'slug = "two"', 'slug = "one"', 2, "lesson slug 'one' is also used by"),
    (TWO, "order = 2", "order = 1", 5, "order 1 in module 'first' is also used by"),
    (
        LESSON,
        'title = "Lesson one"',
        'title = "Lesson one"\ncolour = "red"',
        4,
        "unknown key 'colour'",
    ),
    (LESSON, 'title = "Lesson one"', 'title = "Lesson one', 3, "invalid TOML"),
    (LESSON, "Body of **one**.", "", 2, "no text after its front matter"),
    (MANIFEST, "level = 1", "level = 3", 3, "'level' must be a whole number from 1 to 2"),
    (MANIFEST, "position = 1", "position = 1\nce_hours = -1", 5, "'ce_hours'"),
    (MANIFEST, "position = 1", "position = 1\nce_hours = 9", 5, "add up to 1.17 h"),
    (MANIFEST, 'slug = "second"', 'slug = "first"', 11, "module slug 'first' is used twice"),
    (
        "advanced/course.toml",
        'prerequisite = "basics"',
        'prerequisite = "nothing"',
        5,
        "prerequisite 'nothing' is not a course",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "line", "message"), BROKEN)
def test_check_content_reports_file_and_line(runner, tree, file, old, new, line, message):
    edit(tree / file, old, new)
    result = runner.invoke(args=["check-content", "--dir", str(tree)])
    assert result.exit_code == 1
    assert f"{tree / file}:{line}: " in result.output
    assert message in result.output


def test_a_french_quiz_translation_is_not_read_as_a_quiz(runner, tree):
    # A translation sits beside its English quiz and holds text only (translation-format spec)
    quizzes = tree / "basics" / "quizzes"
    (quizzes / "first.fr.toml").write_text('translation_of = "0"\ntitle = "Premier"\n')
    result = runner.invoke(args=["check-content", "--dir", str(tree)])
    assert result.exit_code == 0, result.output
    # Read as a translation (of a language the course does not declare), not as a quiz with
    # unknown keys and no questions.
    [line] = [line for line in result.output.splitlines() if "first.fr.toml" in line]
    assert "warning [translation-undeclared]" in line


def test_check_content_detects_prerequisite_cycles(runner, tree):
    edit(tree / MANIFEST, "position = 1", 'position = 1\nprerequisite = "advanced"')
    result = runner.invoke(args=["check-content", "--dir", str(tree)])
    assert result.exit_code == 1
    assert "prerequisites form a cycle" in result.output


def test_check_content_accepts_valid_content(runner, tree):
    result = runner.invoke(args=["check-content", "--dir", str(tree)])
    assert result.exit_code == 0, result.output
    assert "2 course(s), 4 lesson(s)" in result.output


def test_load_content_loads_then_changes_nothing_the_second_time(runner, db):
    first = runner.invoke(args=["load-content"])
    assert first.exit_code == 0, first.output
    assert "created  lesson basics/one" in first.output
    assert db.scalar(select(func.count()).select_from(Lesson)) == 4
    second = runner.invoke(args=["load-content"])
    assert second.exit_code == 0
    assert "nothing changed" in second.output
    assert "created" not in second.output and "updated" not in second.output


def test_load_content_shows_a_progress_bar(runner):
    result = runner.invoke(args=["load-content"])
    assert "Loading lessons" in result.stderr


def test_a_broken_file_loads_nothing(runner, db, tree):
    edit(tree / LESSON, "minutes = 10", "minutes = -5")
    result = runner.invoke(args=["load-content", "--dir", str(tree)])
    assert result.exit_code == 1
    assert "nothing was loaded" in result.output
    assert db.scalar(select(func.count()).select_from(Course)) == 0
    assert db.scalar(select(func.count()).select_from(Lesson)) == 0


def test_a_broken_file_leaves_previous_content_untouched(runner, db, tree):
    assert runner.invoke(args=["load-content", "--dir", str(tree)]).exit_code == 0
    edit(tree / "basics/lessons/two.md", "Body of", "Changed body of")
    edit(tree / LESSON, 'module = "first"', 'module = "nowhere"')
    assert runner.invoke(args=["load-content", "--dir", str(tree)]).exit_code == 1
    db.expire_all()
    two = db.scalar(select(Lesson).where(Lesson.slug == "two"))
    assert two.body_markdown.startswith("Body of")


def test_changed_lesson_is_updated_and_rerendered(runner, db, tree):
    runner.invoke(args=["load-content", "--dir", str(tree)])
    edit(tree / LESSON, "Body of **one**.", "New *text*.")
    result = runner.invoke(args=["load-content", "--dir", str(tree)])
    assert "updated  lesson basics/one" in result.output
    db.expire_all()
    lesson = db.scalar(select(Lesson).where(Lesson.slug == "one"))
    assert lesson.body_html.strip() == "<p>New <em>text</em>.</p>"


def test_removed_lesson_is_archived_and_progress_survives(runner, db, tree):
    runner.invoke(args=["load-content", "--dir", str(tree)])
    learner = make_user(db)
    lesson = db.scalar(select(Lesson).where(Lesson.slug == "two"))
    db.add(LessonProgress(user_id=learner.id, lesson_id=lesson.id))
    db.commit()
    (tree / "basics/lessons/two.md").unlink()
    result = runner.invoke(args=["load-content", "--dir", str(tree)])
    assert "archived lesson basics/two" in result.output
    db.expire_all()
    assert db.get(Lesson, lesson.id).is_archived
    assert db.scalar(select(func.count()).select_from(LessonProgress)) == 1


def test_restored_lesson_comes_back_with_its_id(runner, db, tree):
    runner.invoke(args=["load-content", "--dir", str(tree)])
    original = (tree / "basics/lessons/two.md").read_text()
    lesson_id = db.scalar(select(Lesson.id).where(Lesson.slug == "two"))
    (tree / "basics/lessons/two.md").unlink()
    runner.invoke(args=["load-content", "--dir", str(tree)])
    (tree / "basics/lessons/two.md").write_text(original)
    runner.invoke(args=["load-content", "--dir", str(tree)])
    db.expire_all()
    lesson = db.get(Lesson, lesson_id)
    assert lesson.slug == "two" and not lesson.is_archived


def test_removed_module_and_course_are_archived(runner, db, tree):
    runner.invoke(args=["load-content", "--dir", str(tree)])
    shutil.rmtree(tree / "advanced")
    result = runner.invoke(args=["load-content", "--dir", str(tree)])
    assert "archived course advanced" in result.output
    db.expire_all()
    assert db.scalar(select(Course.is_archived).where(Course.slug == "advanced"))
    edit(tree / MANIFEST, '[[modules]]\nslug = "second"\ntitle = "Second module"\n', "")
    (tree / "basics/lessons/three.md").unlink()
    for quiz in ("second", "final-exam"):
        (tree / f"basics/quizzes/{quiz}.toml").unlink()
    result = runner.invoke(args=["load-content", "--dir", str(tree)])
    assert "archived module basics/second" in result.output
    assert "archived quiz basics/second" in result.output
    assert "archived question basics/x-1" in result.output
    assert db.scalar(select(CourseModule.is_archived).where(CourseModule.slug == "second"))


def test_lesson_moved_to_another_module_keeps_its_id(runner, db, tree):
    runner.invoke(args=["load-content", "--dir", str(tree)])
    lesson_id = db.scalar(select(Lesson.id).where(Lesson.slug == "two"))
    edit(tree / "basics/lessons/two.md", 'module = "first"', 'module = "second"')
    edit(tree / "basics/lessons/two.md", "order = 2", "order = 5")
    runner.invoke(args=["load-content", "--dir", str(tree)])
    db.expire_all()
    moved = db.get(Lesson, lesson_id)
    assert moved.module.slug == "second"


def test_the_real_curriculum_loads(runner, db):
    result = runner.invoke(args=["load-content", "--dir", str(REPO_ROOT / "content")])
    assert result.exit_code == 0, result.output
    titles = set(db.scalars(select(Course.title)))
    assert any("Level 1" in title for title in titles)
    assert any("Level 2" in title for title in titles)
