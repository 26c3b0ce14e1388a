"""The instructor's journey in a real browser with the real curriculum: edit a lesson with
live preview and publish; gradebook; a learner's attempt; item analysis with its charts; fix a
key and regrade; run a cohort (hours, one-page sign-off, incident log); then the learner's view
of the practical, at 360 px, and an administrator reading and exporting the incident log. Item
analysis that flags an item only once it has ITEM_ANALYSIS_MIN_ANSWERS answers. See
tests/browser_support.py for the checks every visited page gets."""

import re

import pytest

from tests.browser_support import (
    VIEWPORTS,
    Visit,
    log_in_as,
    scrolls_sideways,
)

LEVEL_1_STAFF = "/instructor/courses/dry-needling-level-1"


def _arrange_teaching(app) -> None:
    """An instructor of Level 1 and a learner who has taken its first quiz."""
    from sqlalchemy import select

    from course_app.auth.models import Role
    from course_app.db import EXTENSION_KEY
    from course_app.instructor.models import CourseStaff
    from course_app.modules.models import Course
    from tests.helpers import login, make_user, post, take_quiz

    with app.extensions[EXTENSION_KEY]() as db:
        teacher = make_user(
            db, email="tess@example.org", role=Role.INSTRUCTOR, full_name="Tess Teacher"
        )
        course_id = db.scalar(select(Course.id).where(Course.slug == "dry-needling-level-1"))
        db.add(CourseStaff(course_id=course_id, user_id=teacher.id))
        db.commit()
        make_user(db, email="ada@example.org", full_name="Ada Learner")
        make_user(db, email="root@example.org", role=Role.ADMIN, full_name="Root Admin")
        client = app.test_client()
        login(client, "ada@example.org")
        post(client, "/courses/dry-needling-level-1/enrol")
        take_quiz(client, db, "dry-needling-level-1", "what-dry-needling-is", right=False)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_instructor_journey(real_course_server, browser, tmp_path, viewport):
    app, url = real_course_server
    _arrange_teaching(app)
    page = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True).new_page()
    visit = Visit(page, f"instructor-{viewport}", tmp_path)
    log_in_as(page, url, "tess@example.org")
    page.get_by_role("link", name="Teaching").click()
    visit.check("workspace")

    _edit_and_publish_a_lesson(page, visit)
    _review_grades_and_items(page, url, visit)
    _fix_a_key_and_regrade(page, url, visit)
    _run_a_cohort(page, url, visit)
    _record_an_incident_and_offer_a_cohort(page, visit)
    _learner_sees_the_practical(browser, url, visit)
    _admin_reads_and_exports_the_incidents(browser, url, visit, viewport)
    page.set_viewport_size(VIEWPORTS["mobile"])
    assert not scrolls_sideways(page)  # the one-page sign-off, at 360 px
    page.goto(url + "/instructor/cohorts/1/incidents")
    assert not scrolls_sideways(page)
    visit.assert_clean()


def _edit_and_publish_a_lesson(page, visit) -> None:
    page.get_by_role("link", name="Lessons").first.click()
    page.get_by_role("link", name="Edit Defining dry needling").click()
    page.wait_for_load_state("load")  # the live preview's script listens from here on
    editor = page.get_by_label("Text (Markdown)")
    editor.fill(
        editor.input_value() + "\n\n## A note added in the browser\n\nLive **preview** works."
    )
    page.locator("#preview-body").get_by_role(
        "heading", name="A note added in the browser"
    ).wait_for()
    visit.check("lesson-editor")
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published as revision 2").wait_for()


def _review_grades_and_items(page, url: str, visit) -> None:
    page.goto(url + LEVEL_1_STAFF + "/gradebook")
    page.get_by_role("link", name="Ada Learner").wait_for()
    visit.check("gradebook")
    page.get_by_role("link", name="Ada Learner").click()
    page.get_by_role("link", name="Attempt 1").click()
    page.get_by_role("heading", name="Answers").wait_for()
    visit.check("attempt-review")

    page.goto(url + LEVEL_1_STAFF + "/quizzes")
    visit.check("quizzes")
    page.get_by_role("link", name=re.compile(r"^Item analysis\s*: Module 1 ")).click()
    page.get_by_role("img", name="Histogram of attempt scores").wait_for()
    visit.check("item-analysis")


def _fix_a_key_and_regrade(page, url: str, visit) -> None:
    page.goto(url + LEVEL_1_STAFF + "/quizzes")
    page.get_by_role("link", name="Fix key and regrade m1-long-term").click()
    page.get_by_label("True", exact=True).check()
    page.get_by_label(re.compile("^False")).uncheck()
    page.get_by_role("button", name="Preview the regrade").click()
    visit.check("regrade-preview")
    page.get_by_label(re.compile("^Why the key changes")).fill("Testing the regrade journey.")
    page.get_by_role("button", name="Apply the regrade").click()
    page.get_by_text("Regraded:").wait_for()


def _fill_cohort(page, name: str, days: tuple[str, str], location: str, places: str) -> None:
    page.get_by_label("Name").fill(name)
    page.get_by_label("First day").fill(days[0])
    page.get_by_label("Last day").fill(days[1])
    page.get_by_label("Location").fill(location)
    page.get_by_label("Places").fill(places)
    page.get_by_label("In-person lab hours").fill("24")
    page.get_by_role("button", name="Create cohort").click()


def _run_a_cohort(page, url: str, visit) -> None:
    """Create a cohort, add Ada, refuse hours beyond the cohort's, then sign off every
    competency on one page: "all passed" with one override."""
    page.goto(url + LEVEL_1_STAFF + "/cohorts")
    _fill_cohort(page, "Toronto, spring 2027", ("2027-04-09", "2027-04-11"), "Toronto", "12")
    page.get_by_label("Learner's e-mail address").fill("ada@example.org")
    page.get_by_role("button", name="Add to cohort").click()
    visit.check("cohort")
    page.get_by_role("link", name="Ada Learner").click()
    page.get_by_label("Practical hours attended").fill("30")  # the cohort offers 24
    page.get_by_role("button", name="Save hours").click()
    page.get_by_text("from 0 to the cohort's 24 lab hours").wait_for()
    visit.check("practical-hours-refused")
    page.get_by_label("Practical hours attended").fill("24")
    page.get_by_role("button", name="Save hours").click()
    page.get_by_text("Practical hours recorded.").wait_for()
    # One form for every competency; its dates are the cohort's days only, never the future.
    first = page.locator(".competency-list > li").first
    days = first.get_by_label("Assessed on").locator("option").all_inner_texts()
    assert days == ["2027-04-11", "2027-04-10", "2027-04-09"]
    first.get_by_label("Result").select_option("pass")
    first.get_by_label("Assessed on").select_option("2027-04-10")
    page.get_by_label(re.compile("^All passed")).check()
    second = page.locator(".competency-list > li").nth(1)
    second.get_by_label("Result").select_option("not-yet")  # overrides "all passed"
    page.get_by_role("button", name=re.compile("^Record results")).click()
    page.get_by_text("Results recorded.").wait_for()
    page.locator(".competency-list > li").nth(1).get_by_text("Recorded: Not yet").wait_for()
    visit.check("practical")


def _record_an_incident_and_offer_a_cohort(page, visit) -> None:
    """The cohort's incident log takes a needlestick; then a coming cohort with one seat."""
    page.get_by_role("link", name="Toronto, spring 2027").click()
    page.get_by_role("link", name="Incident log").click()
    page.get_by_label("Needlestick injury").check()
    page.get_by_label("Day", exact=True).select_option("2027-04-10")
    page.get_by_label("Who was involved").fill("Ada Learner (needling), Bo Partner (needled)")
    page.get_by_label("What happened").fill("The needle passed through the glove.")
    page.get_by_label("Action taken").fill("Let it bleed; soap and water; covered.")
    page.get_by_label("Follow-up").fill("Same-day post-exposure assessment.")
    page.get_by_label("Reported to").fill("Course lead")
    page.get_by_role("button", name="Record incident").click()
    page.get_by_text("Incident #1 recorded.").wait_for()
    visit.check("incident-log")
    page.goto(page.url.split("/instructor/")[0] + LEVEL_1_STAFF + "/cohorts")
    _fill_cohort(page, "Halifax, autumn 2027", ("2027-09-10", "2027-09-12"), "Halifax", "1")
    page.get_by_role("heading", name="Halifax, autumn 2027").wait_for()
    page.goto(page.url.rsplit("/", 1)[0] + "/1/learners/2")


def _learner_sees_the_practical(browser, url: str, visit) -> None:
    """Ada sees her cohort and results on the course page, then books the one Halifax seat
    from the practical page on a phone."""
    learner = browser.new_context(bypass_csp=True).new_page()  # axe is injected
    visit.page = learner
    log_in_as(learner, url, "ada@example.org")
    learner.goto(url + "/courses/dry-needling-level-1")
    learner.get_by_text("Your cohort:").wait_for()
    learner.get_by_role("table", name="Your practical competencies").get_by_text(
        "Passed"
    ).first.wait_for()
    learner.get_by_text("What remains for your certificate").wait_for()
    visit.check("course-practical-learner")
    learner.set_viewport_size(VIEWPORTS["mobile"])
    learner.get_by_role("link", name=re.compile("^Practical cohorts")).click()
    learner.get_by_role("heading", name="Your practical results").wait_for()
    learner.get_by_text("Toronto, spring 2027").first.wait_for()
    assert not scrolls_sideways(learner)
    learner.get_by_role("button", name="Book a seat in Halifax, autumn 2027").click()
    learner.get_by_text("Your seat is booked", exact=True).wait_for()
    visit.check("practical-offerings-learner")


def _admin_reads_and_exports_the_incidents(browser, url: str, visit, viewport: str) -> None:
    admin = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True).new_page()
    visit.page = admin
    log_in_as(admin, url, "root@example.org")
    admin.goto(url + "/admin/incidents")
    admin.get_by_text("The needle passed through the glove.").wait_for()
    visit.check("incidents-admin")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Download as CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert "The needle passed through the glove." in text and "Course lead" in text


def _teach_basics(app) -> None:
    from sqlalchemy import select

    from course_app.auth.models import Role
    from course_app.db import EXTENSION_KEY
    from course_app.instructor.models import CourseStaff
    from course_app.modules.models import Course
    from tests.helpers import make_user

    with app.extensions[EXTENSION_KEY]() as db:
        teacher = make_user(
            db, email="tess@example.org", role=Role.INSTRUCTOR, full_name="Tess Teacher"
        )
        course_id = db.scalar(select(Course.id).where(Course.slug == "basics"))
        db.add(CourseStaff(course_id=course_id, user_id=teacher.id))
        db.commit()


def _graded_attempts(app, first: int, count: int) -> None:
    """``count`` more learners' graded attempts at 'first', inserted directly: everyone right
    on its first item (the "nearly everyone gets this right" flag), mixed on the others."""
    from course_app.db import EXTENSION_KEY
    from tests.helpers import make_user
    from tests.test_item_analysis import _seed

    pattern = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (1, 1, 0), (1, 0, 0)]
    with app.extensions[EXTENSION_KEY]() as db:
        # They never log in: one unusable hash spares hashing a password per learner.
        users = [
            make_user(db, email=f"l{first + n}@example.org", password_hash="!")
            for n in range(count)
        ]
        _seed(db, users, [pattern[n % len(pattern)] for n in range(count)])


def _item_row(page, key: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=key))


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_item_analysis_flags_only_with_enough_answers(
    test_course_server, browser, tmp_path, viewport
):
    """Five answers: no flag, and the page says an item needs ITEM_ANALYSIS_MIN_ANSWERS
    (20) first; twenty-five: the item everyone gets right is flagged."""
    app, url = test_course_server
    assert app.config["ITEM_ANALYSIS_MIN_ANSWERS"] == 20
    _teach_basics(app)
    _graded_attempts(app, 0, 5)
    page = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True).new_page()
    visit = Visit(page, f"item-flags-{viewport}", tmp_path)
    log_in_as(page, url, "tess@example.org")
    page.goto(url + "/instructor/courses/basics/quizzes/first/analysis")
    page.get_by_text("An item is flagged only once it has 20 answers or more.").wait_for()
    page.get_by_text("With fewer than 20 graded attempts").wait_for()
    row = _item_row(page, re.compile("^q-single"))
    assert row.get_by_role("cell").nth(0).inner_text() == "5"
    assert "Nearly everyone gets this right" not in page.get_by_role("main").inner_text()
    visit.check("item-analysis-few-answers")

    _graded_attempts(app, 5, 20)
    page.reload()
    row = _item_row(page, re.compile("^q-single"))
    assert row.get_by_role("cell").nth(0).inner_text() == "25"
    row.get_by_text("Nearly everyone gets this right").wait_for()
    assert page.get_by_text("With fewer than 20 graded attempts").count() == 0
    visit.check("item-analysis-enough-answers")
    visit.assert_clean()
