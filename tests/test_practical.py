"""Cohorts and the practical sign-off, on the real curriculum (whose levels have checklists)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from course_app.auth.models import Role, User
from course_app.instructor.models import CohortInstructor, CompetencySignoff
from course_app.modules.models import Course
from course_app.practical import Competency, PracticalStatus, practical_status
from tests.helpers import complete_course, login, make_user, post, text_of

LEVEL_1 = "dry-needling-level-1"
CHECKLIST = [Competency("a", "A", True), Competency("b", "B", False)]


@pytest.mark.parametrize(
    ("results", "status"),
    [
        ({}, PracticalStatus.NOT_STARTED),
        ({"a": "pass"}, PracticalStatus.IN_PROGRESS),
        ({"a": "pass", "b": "not-yet"}, PracticalStatus.IN_PROGRESS),
        ({"a": "not-yet", "b": "pass"}, PracticalStatus.FAILED),
        ({"a": "pass", "b": "pass"}, PracticalStatus.PASSED),
    ],
)
def test_practical_status_rule(results, status):
    assert practical_status(CHECKLIST, results) is status


def learner_browser(app, db, email: str, **fields):
    user = make_user(db, email=email, **fields)
    browser = app.test_client()
    login(browser, email)
    post(browser, f"/courses/{LEVEL_1}/enrol")
    return user, browser


def cohort_days() -> tuple[date, date]:
    """A three-day cohort that ended yesterday (on the test's clock): sign-offs and hours can
    only be recorded for days that have happened."""
    today = date.today()
    return today - timedelta(days=3), today - timedelta(days=1)


def create_cohort(teacher, capacity: int = 12, instructors: str = "") -> int:
    first, last = cohort_days()
    form = {
        "instructors": instructors,
        "name": "Toronto, spring",
        "starts_on": first.isoformat(),
        "ends_on": last.isoformat(),
        "location": "Toronto",
        "capacity": str(capacity),
        "lab_hours": "24",
    }
    response = post(teacher, f"/instructor/courses/{LEVEL_1}/cohorts", form)
    assert response.status_code == 302, text_of(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def sign_off_everything(teacher, db, cohort_id: int, learner_id: int, result: str = "pass") -> None:
    course = db.scalar(select(Course).where(Course.slug == LEVEL_1))
    for item in course.competencies:
        key = item["key"]
        form = {
            f"{key}-result": result,
            f"{key}-assessed_on": cohort_days()[1].isoformat(),
            f"{key}-notes": "",
        }
        url = f"/instructor/cohorts/{cohort_id}/learners/{learner_id}/competencies/{key}"
        assert post(teacher, url, form).status_code == 302


def test_level_1_needs_the_practical_signed_off_before_level_2_opens(real_app, db, teacher):
    learner, browser = learner_browser(real_app, db, "ada@example.org")
    complete_course(browser, db, LEVEL_1)
    assert "Complete Dry Needling Level 1" in text_of(browser.get("/courses/dry-needling-level-2"))
    cohort_id = create_cohort(teacher)
    assert (
        post(teacher, f"/instructor/cohorts/{cohort_id}", {"email": learner.email}).status_code
        == 302
    )
    sign_off_everything(teacher, db, cohort_id, learner.id)
    assert "Passed" in text_of(
        teacher.get(f"/instructor/cohorts/{cohort_id}/learners/{learner.id}")
    )
    # Signed off, but the course's 20 hours are not attended yet: still locked, and the
    # course page says what remains.
    assert "Complete Dry Needling Level 1" in text_of(browser.get("/courses/dry-needling-level-2"))
    remains = text_of(browser.get(f"/courses/{LEVEL_1}"))
    assert "20 in-person hours (attended 0 of the course&#39;s 20)" in remains
    hours_url = f"/instructor/cohorts/{cohort_id}/learners/{learner.id}/hours"
    assert post(teacher, hours_url, {"hours": "24"}).status_code == 302
    assert "Complete Dry Needling Level 1" not in text_of(
        browser.get("/courses/dry-needling-level-2")
    )


def test_a_critical_item_not_yet_fails_the_practical(real_app, db, teacher):
    learner, _browser = learner_browser(real_app, db, "ada@example.org")
    cohort_id = create_cohort(teacher)
    post(teacher, f"/instructor/cohorts/{cohort_id}", {"email": learner.email})
    sign_off_everything(teacher, db, cohort_id, learner.id)
    key = "sharps-disposal"
    form = {
        f"{key}-result": "not-yet",
        f"{key}-assessed_on": cohort_days()[1].isoformat(),
        f"{key}-notes": "Recapped a needle",
    }
    post(teacher, f"/instructor/cohorts/{cohort_id}/learners/{learner.id}/competencies/{key}", form)
    page = text_of(teacher.get(f"/instructor/cohorts/{cohort_id}/learners/{learner.id}"))
    assert "Practical status: <strong>Failed</strong>" in page and "Recapped a needle" in page
    history = db.scalars(
        select(CompetencySignoff).where(CompetencySignoff.competency_key == key)
    ).all()
    assert len(history) == 1 and history[0].result == "not-yet"


def test_provisional_registrants_cannot_be_signed_off_and_the_page_says_why(real_app, db, teacher):
    learner, _browser = learner_browser(
        real_app, db, "intern@example.org", register_class="provisional"
    )
    cohort_id = create_cohort(teacher)
    post(teacher, f"/instructor/cohorts/{cohort_id}", {"email": learner.email})
    page = text_of(teacher.get(f"/instructor/cohorts/{cohort_id}/learners/{learner.id}"))
    assert "may not needle another person in any context" in page
    key = "hand-hygiene-clean-field"
    form = {f"{key}-result": "pass", f"{key}-assessed_on": cohort_days()[1].isoformat()}
    response = post(
        teacher, f"/instructor/cohorts/{cohort_id}/learners/{learner.id}/competencies/{key}", form
    )
    assert response.status_code == 400
    assert db.scalar(select(CompetencySignoff.id)) is None


def test_adding_members_checks_enrolment_capacity_and_duplicates(real_app, db, teacher):
    cohort_id = create_cohort(teacher, capacity=1)
    first, _ = learner_browser(real_app, db, "first@example.org")
    second, _ = learner_browser(real_app, db, "second@example.org")
    make_user(db, email="stranger@example.org")
    url = f"/instructor/cohorts/{cohort_id}"
    assert "No learner enrolled in this course" in text_of(
        post(teacher, url, {"email": "stranger@example.org"})
    )
    assert post(teacher, url, {"email": first.email}).status_code == 302
    assert "already in this cohort" in text_of(post(teacher, url, {"email": first.email}))
    assert "The cohort is full" in text_of(post(teacher, url, {"email": second.email}))


def test_practical_hours_are_recorded_apart_from_online_minutes(real_app, db, teacher):
    learner, _ = learner_browser(real_app, db, "ada@example.org")
    cohort_id = create_cohort(teacher)
    post(teacher, f"/instructor/cohorts/{cohort_id}", {"email": learner.email})
    url = f"/instructor/cohorts/{cohort_id}/learners/{learner.id}/hours"
    assert post(teacher, url, {"hours": "-3"}).status_code == 400
    assert post(teacher, url, {"hours": "22.5"}).status_code == 302
    assert "22.5" in text_of(teacher.get(f"/instructor/cohorts/{cohort_id}"))


def test_an_instructor_of_another_course_cannot_open_the_cohort(real_app, db, teacher):
    cohort_id = create_cohort(teacher)
    make_user(db, email="other@example.org", role=Role.INSTRUCTOR)
    other = real_app.test_client()
    login(other, "other@example.org")
    assert other.get(f"/instructor/cohorts/{cohort_id}").status_code == 403


@pytest.mark.parametrize(
    "listed", ["", "teacher@example.org", "teacher@example.org, ana@example.org"]
)
def test_the_instructor_who_creates_a_cohort_runs_it_once(real_app, db, teacher, listed):
    """Whether or not they list themselves among the cohort's instructors."""
    make_user(db, email="ana@example.org", role=Role.INSTRUCTOR)
    cohort_id = create_cohort(teacher, instructors=listed)
    query = select(CohortInstructor.user_id).where(CohortInstructor.cohort_id == cohort_id)
    runners = sorted(db.scalars(query))
    expected = {"teacher@example.org"} | {e.strip() for e in listed.split(",") if e.strip()}
    assert len(runners) == len(expected)
    assert teacher_id(db) in runners


def teacher_id(db) -> int:
    return db.scalar(select(User.id).where(User.email == "teacher@example.org"))
