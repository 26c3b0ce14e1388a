"""A full practical cohort in a real browser, at 1280 px and 360 px, on the real curriculum:
a learner finds it full and joins its waiting list; staff confirm the seat holder's booking;
the seat holder cancels and the freed seat goes to the first in line, who is told. Every page
is checked as tests/browser_support.py describes."""

import re
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


def _one_seat_taken(app):
    """Tess teaches Level 1 and offers Ottawa (one seat); Ada booked it; Bo is enrolled.
    Returns the cohort's id and Ada's logged-in client."""
    with app.extensions[EXTENSION_KEY]() as db:
        teacher = make_user(db, email="tess@example.org", role=Role.INSTRUCTOR, full_name="Tess")
        course_id = db.scalar(select(Course.id).where(Course.slug == LEVEL_1))
        db.add(CourseStaff(course_id=course_id, user_id=teacher.id))
        db.commit()
        make_user(db, email="ada@example.org", full_name="Ada Learner")
        make_user(db, email="bo@example.org", full_name="Bo Waiting")
    staff, ada, bo = app.test_client(), app.test_client(), app.test_client()
    login(staff, "tess@example.org")
    for client, email in ((ada, "ada@example.org"), (bo, "bo@example.org")):
        login(client, email)
        post(client, f"/courses/{LEVEL_1}/enrol")
    starts = date.today() + timedelta(days=30)  # bookable and cancellable online
    form = {
        "name": "Ottawa, winter",
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=2)).isoformat(),
        "location": "Ottawa",
        "capacity": "1",
        "lab_hours": "24",
    }
    response = post(staff, f"/instructor/courses/{LEVEL_1}/cohorts", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    cohort = int(response.headers["Location"].rsplit("/", 1)[1])
    assert post(ada, f"/cohorts/{cohort}/book").status_code == 302
    return cohort, ada


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_full_cohort_has_a_waiting_list_that_moves_up(
    real_course_server, browser, tmp_path, viewport
):
    app, url = real_course_server
    cohort, ada = _one_seat_taken(app)
    size = VIEWPORTS[viewport]
    bo = browser.new_context(viewport=size, bypass_csp=True).new_page()
    visit = Visit(bo, f"seats-{viewport}", tmp_path)
    log_in_as(bo, url, "bo@example.org")
    bo.goto(url + f"/courses/{LEVEL_1}/practical")
    bo.get_by_text("Full (1 seat)").wait_for()
    bo.get_by_role("button", name="Join the waiting list for Ottawa, winter").click()
    bo.get_by_text("You are on the waiting list", exact=True).wait_for()
    bo.get_by_text("(number 1 in line)").wait_for()
    visit.check("waiting")

    staff = browser.new_context(viewport=size, bypass_csp=True).new_page()
    visit.page = staff
    log_in_as(staff, url, "tess@example.org")
    staff.goto(url + f"/instructor/cohorts/{cohort}")
    staff.get_by_role("button", name="Confirm").click()
    staff.get_by_role("cell", name=re.compile("^Confirmed")).first.wait_for()
    visit.check("confirmed")

    assert post(ada, f"/cohorts/{cohort}/cancel").status_code in (302, 303)
    visit.page = bo
    bo.goto(url + f"/courses/{LEVEL_1}/practical")
    bo.get_by_text("Your seat is booked", exact=True).wait_for()
    visit.check("seat-freed-and-given")
    bo.goto(url + "/notifications")
    bo.get_by_role("heading", name=re.compile("Ottawa, winter")).first.wait_for()
    visit.check("told")
    visit.assert_clean()
