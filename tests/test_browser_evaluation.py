"""The course evaluation in a real browser, at 360 px and 1280 px: a learner who has done
everything else is told the evaluation remains, is refused an empty form with a clear message,
answers, and sees the course complete; the instructor reads the anonymous report. Every page
passes axe and the HTML checker and none scrolls sideways (tests/browser_support.py)."""

import re

import pytest

from course_app.auth.models import Role
from course_app.db import EXTENSION_KEY
from course_app.instructor.models import CourseStaff
from course_app.modules.models import Course
from tests.browser_support import VIEWPORTS, Visit
from tests.helpers import complete_course, login, make_user

PASSWORD = "a long enough passphrase"


def _people(app) -> None:
    """A learner who completed Basics but its evaluation, and Basics' instructor."""
    from sqlalchemy import select

    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="eve@example.org", full_name="Eve Evaluator")
        client = app.test_client()
        login(client, "eve@example.org")
        complete_course(client, db, evaluate=False)
        teacher = make_user(db, email="tess@example.org", role=Role.INSTRUCTOR)
        course_id = db.scalar(select(Course.id).where(Course.slug == "basics"))
        db.add(CourseStaff(course_id=course_id, user_id=teacher.id))
        db.commit()


def _log_in(page, url: str, email: str) -> None:
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _fits(page) -> None:
    """Nothing scrolls sideways (checked on the evaluation's own pages)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_evaluation_journey(test_course_server, browser, tmp_path, viewport):
    app, url = test_course_server
    app.config["EVALUATION_MIN_RESPONSES"] = 1
    _people(app)
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    visit = Visit(page, f"evaluation-{viewport}", tmp_path)
    _log_in(page, url, "eve@example.org")
    page.wait_for_url(re.compile("/dashboard$"))
    link = page.get_by_role("link", name="Answer the short course evaluation (anonymous)")
    link.first.wait_for()
    visit.check("dashboard-evaluation-left")  # its width is the "pages that fit" work's
    link.first.click()
    page.get_by_role("heading", name="Course evaluation", level=1).wait_for()
    visit.check("evaluation-form")
    _fits(page)
    page.get_by_role("button", name="Send my evaluation").click()
    page.get_by_role("alert").wait_for()
    assert "Please answer this question." in page.get_by_role("alert").inner_text()
    visit.check("evaluation-refused")
    _fits(page)
    question = page.get_by_role("group", name="The course met its stated learning objectives.")
    question.get_by_label("Strongly agree").check()
    page.get_by_label("What would you change about the course?").fill("More <b>cases</b>.")
    page.get_by_role("button", name="Send my evaluation").click()
    page.get_by_text("Thank you: your evaluation was recorded").wait_for()
    page.get_by_role("link", name="My learning").click()
    page.get_by_role("cell", name=re.compile("^Complete; certificate pending")).wait_for()
    visit.check("dashboard-complete")
    context.close()

    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    visit.page = page
    _log_in(page, url, "tess@example.org")
    page.goto(url + "/instructor")
    page.get_by_role("link", name="Evaluation", exact=True).click()
    page.get_by_role("heading", name="Evaluation: Basics").wait_for()
    page.get_by_text("More <b>cases</b>.").wait_for()  # shown as text, never markup
    assert "Eve" not in page.content()
    visit.check("evaluation-report")
    with page.expect_download() as download:  # the report as CSV, still without names
        page.get_by_role("link", name="Download as CSV").first.click()
    csv_text = download.value.path().read_text(encoding="utf-8-sig")
    assert "More <b>cases</b>." in csv_text and "Eve" not in csv_text
    _fits(page)
    visit.assert_clean()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_search_journey(test_course_server, browser, tmp_path, viewport):
    """The header's search box finds the learner's open lessons, with the words marked, and
    not the locked Level 2; engine syntax typed in is plain text."""
    app, url = test_course_server
    from course_app.db import EXTENSION_KEY as DB

    with app.extensions[DB]() as db:
        make_user(db, email="sam@example.org", full_name="Sam Searcher")
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    visit = Visit(page, f"search-{viewport}", tmp_path)
    _log_in(page, url, "sam@example.org")
    page.goto(url + "/courses/basics")
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_text("You are enrolled").wait_for()
    box = page.get_by_role("search").get_by_label("Search the lessons")
    box.fill("body")
    box.press("Enter")
    page.get_by_role("heading", name="3 lessons found").wait_for()
    assert page.locator(".search-results mark").count() >= 3
    assert page.get_by_role("link", name="Lesson four").count() == 0  # Level 2 is locked
    visit.check("results")
    _fits(page)
    page.get_by_role("link", name="Lesson one").click()
    page.get_by_role("heading", name="Lesson one", level=1).wait_for()
    page.goto(url + '/search?q="(body*" OR')
    page.get_by_role("heading", name="0 lessons found").wait_for()  # "or" is a word here
    page.goto(url + "/search?q=" + "%22" * 300)
    page.get_by_role("heading", name="Search the lessons", level=1).wait_for()
    visit.check("no-words")
    _fits(page)
    visit.assert_clean()
