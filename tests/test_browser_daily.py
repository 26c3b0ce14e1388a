"""Daily use in a real browser, at 1280 px and 360 px, on the real curriculum: the first
administrator must replace the generated password; a learner cancels and books a seat and
downloads the CE transcript; staff move and cancel seats, and the learner is told (the
gradebook at 13 quizzes and 500 learners: test_browser_gradebook.py). Every page is
checked as tests/browser_support.py describes."""

import re
import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from course_app.auth.models import Role
from course_app.db import EXTENSION_KEY
from course_app.instructor.models import CourseStaff
from course_app.modules.models import Course
from tests.browser_support import VIEWPORTS, Visit, log_in_as
from tests.helpers import login, make_user, post

LEVEL_1 = "dry-needling-level-1"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_first_administrator_replaces_the_generated_password(
    real_course_server, browser, tmp_path, viewport
):
    app, url = real_course_server
    printed = app.test_cli_runner().invoke(args=["create-admin", "--email", "root@example.org"])
    password = re.search(r"password: (\S+)", printed.output).group(1)
    page = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True).new_page()
    visit = Visit(page, f"first-admin-{viewport}", tmp_path)
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill("root@example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Choose your own password before going on.").wait_for()
    visit.check("must-change")
    page.goto(url + "/admin/")  # nothing else opens before the change
    page.wait_for_url(re.compile("/auth/password$"))
    page.get_by_label("Current password").fill(password)
    page.get_by_label("New password", exact=True).fill("a passphrase of my own")
    page.get_by_label("Repeat the new password").fill("a passphrase of my own")
    page.get_by_role("button", name="Change password").click()
    page.get_by_text("Your password is changed.").wait_for()
    page.goto(url + "/admin/")
    page.get_by_role("heading", name="Administration").wait_for()
    visit.check("admin-home")
    # The product's own name (not "course_app") and its favicon, on every page.
    assert page.title().endswith("· Dry Needling CE"), page.title()
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    answer = page.context.request.get(icon)
    assert answer.ok and answer.headers["content-type"].startswith("image/svg+xml")
    visit.assert_clean()


def _a_booked_learner_and_two_cohorts(app) -> tuple[int, int]:
    """Tess teaches Level 1 with two cohorts; Ada is enrolled and has booked the first."""
    with app.extensions[EXTENSION_KEY]() as db:
        teacher = make_user(db, email="tess@example.org", role=Role.INSTRUCTOR, full_name="Tess")
        course_id = db.scalar(select(Course.id).where(Course.slug == LEVEL_1))
        db.add(CourseStaff(course_id=course_id, user_id=teacher.id))
        db.commit()
        make_user(db, email="ada@example.org", full_name="Ada Learner")
        staff, learner = app.test_client(), app.test_client()
        login(staff, "tess@example.org")
        login(learner, "ada@example.org")
        post(learner, f"/courses/{LEVEL_1}/enrol")
        first, second = _coming_cohort(staff, "Toronto, autumn"), _coming_cohort(staff, "Halifax")
        assert post(learner, f"/cohorts/{first}/book").status_code == 302
        return first, second


def _coming_cohort(staff, name: str) -> int:
    """A cohort a month away (bookable, and cancellable online until 72 h before)."""
    starts = date.today() + timedelta(days=30)
    form = {
        "name": name,
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=2)).isoformat(),
        "location": name.split(",")[0],
        "capacity": "12",
        "lab_hours": "24",
    }
    response = post(staff, f"/instructor/courses/{LEVEL_1}/cohorts", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_seats_are_cancelled_booked_moved_and_the_transcript_downloaded(
    real_course_server, browser, tmp_path, viewport
):
    app, url = real_course_server
    first, second = _a_booked_learner_and_two_cohorts(app)
    size = VIEWPORTS[viewport]
    learner = browser.new_context(viewport=size, bypass_csp=True, accept_downloads=True).new_page()
    visit = Visit(learner, f"daily-{viewport}", tmp_path)
    log_in_as(learner, url, "ada@example.org")
    learner.goto(url + f"/courses/{LEVEL_1}/practical")
    learner.get_by_role("button", name="Cancel my seat").click()
    learner.get_by_role("button", name="Book a seat in Toronto, autumn").first.wait_for()
    visit.check("seat-cancelled")
    learner.get_by_role("button", name="Book a seat in Toronto, autumn").first.click()
    learner.get_by_text("Your seat is booked", exact=True).wait_for()

    staff = browser.new_context(viewport=size, bypass_csp=True).new_page()
    visit.page = staff
    log_in_as(staff, url, "tess@example.org")
    staff.goto(url + f"/instructor/cohorts/{first}")
    staff.get_by_text("Move or cancel").click()
    staff.get_by_label("Move to").select_option(str(second))
    staff.get_by_role("button", name="Move seat").click()
    staff.get_by_text(re.compile("moved", re.IGNORECASE)).first.wait_for()
    visit.check("seat-moved")
    staff.goto(url + f"/instructor/cohorts/{second}")
    staff.get_by_text("Move or cancel").click()
    staff.get_by_label("Reason (sent to the learner)").fill("The lab room flooded.")
    staff.get_by_role("button", name="Cancel seat").click()
    staff.get_by_text(re.compile("cancelled", re.IGNORECASE)).first.wait_for()

    visit.page = learner
    learner.goto(url + "/notifications")
    learner.get_by_role("heading", name=re.compile("Seat moved: Halifax")).wait_for()
    learner.get_by_role("heading", name=re.compile("Seat cancelled: Halifax")).wait_for()
    visit.check("told")
    _download_the_transcript(learner, url, visit)
    visit.assert_clean()


def _download_the_transcript(page, url: str, visit) -> None:
    page.goto(url + "/certificates")
    visit.check("certificates")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).click()
    path = download.value.path()
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Ada Learner" in text and "PT12345" in text and "Dry Needling Level 1" in text
