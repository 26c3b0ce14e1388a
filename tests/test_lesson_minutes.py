"""check-content's estimate of a lesson's minutes from its content (rule ``lesson-minutes``)."""

import math
import re
import shutil
from pathlib import Path

import pytest

from course_app import content_warnings
from course_app.config import REPO_ROOT
from course_app.lesson_minutes import (
    ACTIVITY_MINUTES,
    DOCUMENT_MINUTES,
    FIGURE_MINUTES,
    MINUTES_FACTOR,
    READING_WPM,
    RULE,
    TABLE_MINUTES,
    estimate,
    lesson_minutes_warnings,
)
from course_app.modules.content import parse_content
from course_app.modules.translation_files import digest, is_translation, translation_path
from tests.conftest import TEST_CONTENT


def words(count: int) -> str:
    return " ".join(["needle"] * count)


def test_words_are_read_at_the_stated_speed():
    found = estimate("", (), words(READING_WPM * 2))
    assert found.words == READING_WPM * 2 and found.minutes == pytest.approx(2)


def test_title_and_objectives_are_read_too_but_citations_and_markup_are_not():
    body = "## A heading here\n\nSome **bold** text [S2][X9], and a [link](https://e.org).\n"
    found = estimate("Two words", ("Three more words",), body)
    assert found.words == 2 + 3 + 3 + 6


def test_tables_figures_and_activities_add_their_time():
    body = (
        "| Region | Depth |\n| --- | --- |\n| Calf | 2 cm |\n\n"
        "![A diagram of the calf](calf.png)\n\n"
        '<figure><img src="x.png" alt="Ultrasound"></figure>\n\n'
        "## Activity: write the plan\n\nWrite one.\n\n"
        "## Reflection\n\nThink.\n\n"
        "## What activity means\n\nNot an activity: the heading does not start with the word.\n"
    )
    found = estimate("", (), body)
    assert (found.tables, found.figures, found.activities) == (1, 2, 2)
    extras = TABLE_MINUTES + 2 * FIGURE_MINUTES + 2 * ACTIVITY_MINUTES
    assert found.minutes == pytest.approx(found.words / READING_WPM + extras)


def test_placed_figures_and_documents_add_their_time_but_not_their_directive_words():
    body = (
        "Read this.\n\n{{ figure calf-gastrocnemius }}\n\n{{figure soleus}}\n\n"
        "{{ document consent-form }}\n\nInline {{ figure soleus }} is text, not a placement.\n"
    )
    found = estimate("", (), body)
    assert (found.figures, found.documents) == (2, 1)
    assert found.words == 2 + 8
    extras = 2 * FIGURE_MINUTES + DOCUMENT_MINUTES
    assert found.minutes == pytest.approx(found.words / READING_WPM + extras)


def test_the_estimate_explains_itself():
    text = estimate("", (), "| a |\n| - |\n| b |\n\n" + words(298)).describe()
    assert text == "300 words at 150 a minute, 1 table, no figure, no activity"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, target)
    for lesson in target.glob("*/lessons/*.md"):  # 90 % of their minutes in words
        if is_translation(lesson):
            continue
        text = lesson.read_text(encoding="utf-8")
        minutes = int(re.search(r"(?m)^minutes = (\d+)$", text).group(1))
        filler = words(int(minutes * READING_WPM * 0.9))
        lesson.write_text(text + "\n" + filler + "\n", encoding="utf-8")
        _mark_translation_reviewed(lesson)
    return target


def _mark_translation_reviewed(english: Path) -> None:
    """The French beside an edited lesson records the new English digest, as a translator
    does once the change is reviewed (the filler is not prose to translate)."""
    french = translation_path(english, "fr")
    if french.exists():
        text = re.sub(
            r'(?m)^translation_of = "[0-9a-f]+"$',
            f'translation_of = "{digest(english)}"',
            french.read_text(encoding="utf-8"),
        )
        french.write_text(text, encoding="utf-8")


def set_minutes(tree: Path, minutes: int) -> Path:
    path = tree / "basics/lessons/two.md"
    text = re.sub(r"(?m)^minutes = \d+$", f"minutes = {minutes}", path.read_text("utf-8"))
    path.write_text(text, encoding="utf-8")
    return path


def test_a_lesson_declaring_more_than_the_factor_times_its_estimate_warns(tree):
    courses, _problems = parse_content(tree)
    assert lesson_minutes_warnings(courses) == []  # each declares about its content
    two = next(lesson for course in courses for lesson in course.lessons if lesson.slug == "two")
    took = estimate(two.title, two.objectives, two.body).minutes
    allowed = math.floor(took * MINUTES_FACTOR)
    set_minutes(tree, allowed)
    assert lesson_minutes_warnings(parse_content(tree)[0]) == []
    path = set_minutes(tree, allowed + 1)
    (warning,) = lesson_minutes_warnings(parse_content(tree)[0])
    assert (warning.path, warning.line, warning.rule, warning.subject) == (
        str(path),
        6,  # the front matter's minutes line
        RULE,
        "two",
    )
    assert f"declares {allowed + 1} minutes" in warning.message
    assert f"takes about {round(took)}" in warning.message
    assert "words at 150 a minute" in warning.message


def test_a_lesson_declaring_fewer_minutes_than_its_content_takes_warns(tree):
    """Credit short of the material is as untrue as credit beyond it."""
    courses, _problems = parse_content(tree)
    two = next(lesson for course in courses for lesson in course.lessons if lesson.slug == "two")
    took = estimate(two.title, two.objectives, two.body).minutes
    set_minutes(tree, math.floor(took))
    assert lesson_minutes_warnings(parse_content(tree)[0]) == []
    set_minutes(tree, math.floor(took) - 1)
    (warning,) = lesson_minutes_warnings(parse_content(tree)[0])
    assert (warning.rule, warning.subject) == (RULE, "two")
    assert f"declares {math.floor(took) - 1} minutes but its content takes about" in warning.message
    assert "fewer than the estimate" in warning.message


def test_check_content_prints_the_warning_and_strict_fails_on_it(runner, tree, monkeypatch):
    from course_app import content_warnings
    from course_app.lesson_minutes import lesson_minutes_warnings

    # This rule only: the tiny test banks have item-writing cues of their own.
    monkeypatch.setattr(content_warnings, "CHECKS", (lesson_minutes_warnings,))
    path = set_minutes(tree, 200)
    result = runner.invoke(args=["check-content", "--dir", str(tree)])
    assert result.exit_code == 0
    assert f"{path}:6: warning [lesson-minutes] the lesson declares 200 minutes" in result.output
    strict = runner.invoke(args=["check-content", "--dir", str(tree), "--strict"])
    assert strict.exit_code == 1 and "1 new error(s)" in strict.output
    known = tree / "known.txt"
    known.write_text("lesson-minutes two\n")
    args = ["check-content", "--dir", str(tree), "--strict", "--known", str(known)]
    assert runner.invoke(args=args).exit_code == 0


def test_the_check_is_registered():
    assert lesson_minutes_warnings in content_warnings.CHECKS


def test_no_shipped_lesson_declares_minutes_its_content_does_not_take():
    courses, _problems = parse_content(REPO_ROOT / "content")
    assert [(w.subject, w.message) for w in lesson_minutes_warnings(courses)] == []
