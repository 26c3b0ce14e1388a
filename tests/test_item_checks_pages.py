"""The item-writing checks on the instructor's pages, over HTTP: the question editor and its
preview, the quiz list, and item analysis show the warnings check-content prints."""

import re

import pytest
from sqlalchemy import select

from course_app.auth.models import Role
from course_app.instructor.models import CourseStaff
from course_app.modules.models import Course
from tests.helpers import login, make_user, post, take_quiz, text_of

WS = "/instructor/courses/basics"


@pytest.fixture
def instructor(app, db, content):
    user = make_user(db, email="teacher@example.org", role=Role.INSTRUCTOR)
    course_id = db.scalar(select(Course.id).where(Course.slug == "basics"))
    db.add(CourseStaff(course_id=course_id, user_id=user.id))
    db.commit()
    browser = app.test_client()
    login(browser, user.email)
    return browser


@pytest.fixture
def learner(app, db, content):
    user = make_user(db, email="learner@example.org")
    browser = app.test_client()
    login(browser, user.email)
    post(browser, "/courses/basics/enrol")
    return browser


def checks_of(page: str) -> str:
    """The item-writing section of a page (it has its own heading and landmark)."""
    match = re.search(r'<section class="item-checks".*?</section>', page, re.DOTALL)
    assert match, "no item-writing section"
    return match.group(0)


def test_the_editor_shows_the_question_s_warnings_and_its_near_duplicates(instructor):
    section = checks_of(text_of(instructor.get(f"{WS}/questions/x-1/edit")))
    assert 'aria-labelledby="item-checks-title"' in section
    assert "Nearly the same question" in section and "“y-1”" in section
    assert "Keep items independent" in section  # what to do, in plain words
    assert "No item-writing warnings" in checks_of(
        text_of(instructor.get(f"{WS}/questions/q-single/edit"))
    )


def test_after_a_save_the_preview_shows_the_new_version_s_warnings(instructor):
    form = {
        "prompt": "Which colour is not the sky on a clear day?",
        "rationale": "Rayleigh scattering.",
        "source": "S1",
        "objective": "recall",
    }
    for index, text in enumerate(["Blue", "Green", "Red", "None of the above"]):
        form[f"options-{index}-text"] = text
        form[f"options-{index}-correct"] = "y" if index == 0 else ""
    response = post(instructor, f"{WS}/questions/q-single/edit", form, follow_redirects=True)
    section = checks_of(text_of(response))
    assert "Saved as version 2" in text_of(response)
    assert "Negative question" in section and "“not”" in section
    assert "“All/none of the above”" in section and "“None of the above”" in section
    form["prompt"] = "Which colour is NOT the sky on a clear day?"
    form["options-3-text"] = "Yellow"
    post(instructor, f"{WS}/questions/q-single/edit", form)
    preview = checks_of(text_of(instructor.get(f"{WS}/questions/q-single/preview")))
    assert "No item-writing warnings" in preview


def test_the_quiz_list_shows_each_bank_s_warnings(instructor):
    page = text_of(instructor.get(f"{WS}/quizzes"))
    final_row = next(row for row in page.split("<tr>") if "Basics final exam" in row)
    assert "No warnings" in final_row  # its own four statements: three true, one false
    first_row = next(row for row in page.split("<tr>") if "Quiz: First module" in row)
    assert "No warnings" in first_row and "true/false" not in first_row


def test_item_analysis_shows_the_bank_s_warnings_above_the_table_and_each_item_s_beside_it(
    db, instructor, learner
):
    true_statement = {
        "prompt": "x two is true.",
        "answer": "true",
        "rationale": "It is.",
        "source": "S1",
        "objective": "x",
    }
    assert post(instructor, f"{WS}/questions/x-2/edit", true_statement).status_code == 302
    take_quiz(learner, db, "basics", "second")
    page = text_of(instructor.get(f"{WS}/quizzes/second/analysis"))
    bank = checks_of(page)
    assert "4 of 4 true/false statements are true" in bank
    assert page.index("4 of 4 true/false") < page.index('aria-label="Item statistics"')
    y_row = next(row for row in page.split("<tr>") if "y-1 (v1)" in row)
    assert "Nearly the same question" in y_row and "x-1" in y_row
