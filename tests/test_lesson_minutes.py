"""check-content's estimate of a lesson's minutes from its content (rule ``lesson-minutes``)."""

import math
import re
import shutil
from pathlib import Path

import pytest

from course_app import content_warnings
from course_app.config import REPO_ROOT
from course_app.content_warnings import read_known, triage
from course_app.lesson_minutes import (
    ACTIVITY_MINUTES,
    FIGURE_MINUTES,
    MINUTES_FACTOR,
    READING_WPM,
    RULE,
    TABLE_MINUTES,
    estimate,
    lesson_minutes_warnings,
)
from course_app.modules.content import parse_content
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


def test_the_estimate_explains_itself():
    text = estimate("", (), "| a |\n| - |\n| b |\n\n" + words(298)).describe()
    assert text == "300 words at 150 a minute, 1 table, no figure, no activity"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, target)
    for lesson in target.glob("*/lessons/*.md"):  # long enough for their minutes
        text = lesson.read_text(encoding="utf-8")
        lesson.write_text(text + "\n" + words(30 * READING_WPM) + "\n", encoding="utf-8")
    return target


def set_minutes(tree: Path, minutes: int) -> Path:
    path = tree / "basics/lessons/two.md"
    text = re.sub(r"(?m)^minutes = \d+$", f"minutes = {minutes}", path.read_text("utf-8"))
    path.write_text(text, encoding="utf-8")
    return path


def test_a_lesson_declaring_more_than_the_factor_times_its_estimate_warns(tree):
    courses, _problems = parse_content(tree)
    assert lesson_minutes_warnings(courses) == []  # about 30 minutes of content each
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
    assert "takes about 30" in warning.message and "words at 150 a minute" in warning.message


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


def test_the_shipped_lessons_warn_exactly_as_the_known_list_says():
    """Every shipped lesson declares several times what its text takes: listed as known until
    the curriculum is revised (the list may only shrink)."""
    courses, _problems = parse_content(REPO_ROOT / "content")
    known = set().union(*(read_known(p) for p in (REPO_ROOT / "content").glob("known-*.txt")))
    found = triage(lesson_minutes_warnings(courses), {k for k in known if k[0] == RULE})
    assert found.new == [] and found.stale == []
