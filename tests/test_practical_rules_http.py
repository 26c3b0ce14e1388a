"""The practical held to the course, through HTTP: sign-off dates within the cohort and never
in the future, hours within what the cohort offered and not before it starts, a second
assessor where the course asks, the course's minimum hours in the certificate queue, and the
learner's own view of their cohort and results."""

from datetime import date, timedelta

from sqlalchemy import func, select

from course_app.auth.models import Role
from course_app.instructor.models import CohortMember, CompetencySignoff, CourseStaff
from course_app.modules.models import Course
from tests.helpers import login, make_user, post, text_of
from tests.test_practical import (
    LEVEL_1,
    cohort_days,
    create_cohort,
    learner_browser,
    sign_off_everything,
)

KEY = "hand-hygiene-clean-field"


def member(real_app, db, teacher, email="ada@example.org"):
    learner, browser = learner_browser(real_app, db, email)
    cohort_id = create_cohort(teacher)
    assert (
        post(teacher, f"/instructor/cohorts/{cohort_id}", {"email": learner.email}).status_code
        == 302
    )
    return learner, browser, cohort_id


def sign(teacher, cohort_id, learner_id, day: date, key=KEY, result="pass"):
    url = f"/instructor/cohorts/{cohort_id}/learners/{learner_id}/competencies/{key}"
    form = {f"{key}-result": result, f"{key}-assessed_on": day.isoformat(), f"{key}-notes": ""}
    return post(teacher, url, form)


def test_a_sign_off_outside_the_cohort_or_in_the_future_is_refused(real_app, db, teacher):
    learner, _browser, cohort_id = member(real_app, db, teacher)
    first, last = cohort_days()
    future = sign(teacher, cohort_id, learner.id, date.today() + timedelta(days=1))
    assert future.status_code == 400
    assert "cannot be signed off in the future" in text_of(future)
    before = sign(teacher, cohort_id, learner.id, first - timedelta(days=1))
    assert before.status_code == 400 and "within the cohort&#39;s days" in text_of(before)
    assert db.scalar(select(func.count()).select_from(CompetencySignoff)) == 0
    assert sign(teacher, cohort_id, learner.id, last).status_code == 302


def test_hours_never_exceed_the_cohort_nor_come_before_it(real_app, db, teacher):
    learner, _browser, cohort_id = member(real_app, db, teacher)
    url = f"/instructor/cohorts/{cohort_id}/learners/{learner.id}/hours"
    too_many = post(teacher, url, {"hours": "30"})  # the cohort offers 24
    assert too_many.status_code == 400 and "the cohort&#39;s 24 lab hours" in text_of(too_many)
    assert db.scalar(select(CohortMember.practical_hours)) == 0
    later = date.today() + timedelta(days=30)
    form = {
        "instructors": "",
        "name": "Autumn",
        "starts_on": later.isoformat(),
        "ends_on": (later + timedelta(days=2)).isoformat(),
        "location": "Halifax",
        "capacity": "12",
        "lab_hours": "24",
    }
    response = post(teacher, f"/instructor/courses/{LEVEL_1}/cohorts", form)
    future_cohort = int(response.headers["Location"].rsplit("/", 1)[1])
    post(teacher, f"/instructor/cohorts/{future_cohort}", {"email": learner.email})
    early = post(
        teacher, f"/instructor/cohorts/{future_cohort}/learners/{learner.id}/hours", {"hours": "8"}
    )
    assert early.status_code == 400 and f"starts on {later.isoformat()}" in text_of(early)


def test_a_competency_needing_a_second_assessor_passes_once_another_confirms(real_app, db, teacher):
    course = db.scalar(select(Course).where(Course.slug == LEVEL_1))
    course.competencies = [{**c, "second_assessor": c["key"] == KEY} for c in course.competencies]
    ana = make_user(db, email="ana@example.org", role=Role.INSTRUCTOR, full_name="Ana Second")
    db.add(CourseStaff(course_id=course.id, user_id=ana.id))
    db.commit()
    learner, browser, cohort_id = member(real_app, db, teacher)
    sign_off_everything(teacher, db, cohort_id, learner.id)
    post(teacher, f"/instructor/cohorts/{cohort_id}/learners/{learner.id}/hours", {"hours": "24"})
    page = text_of(teacher.get(f"/instructor/cohorts/{cohort_id}/learners/{learner.id}"))
    assert "awaiting a second assessor" in page
    assert "Passed, awaiting a second assessor" in text_of(browser.get(f"/courses/{LEVEL_1}"))
    confirm = f"/instructor/cohorts/{cohort_id}/learners/{learner.id}/competencies/{KEY}/confirm"
    day = {f"confirm-{KEY}-assessed_on": cohort_days()[1].isoformat()}
    same = post(teacher, confirm, day)
    assert same.status_code == 400
    assert "someone other than the first" in text_of(same)
    second = real_app.test_client()  # Ana teaches the course: she may run its cohorts
    login(second, "ana@example.org")
    assert post(second, confirm, day).status_code == 302
    practical_page = f"/instructor/cohorts/{cohort_id}/learners/{learner.id}"
    assert "confirmed by Ana Second" in text_of(second.get(practical_page))
    assert "Passed, awaiting" not in text_of(browser.get(f"/courses/{LEVEL_1}"))
    # Recording the result again clears the confirmation: it was of the earlier result.
    assert sign(teacher, cohort_id, learner.id, cohort_days()[1]).status_code == 302
    db.expire_all()
    row = db.scalar(select(CompetencySignoff).where(CompetencySignoff.competency_key == KEY))
    assert row.second_assessor_id is None


def test_the_queue_holds_the_course_minimum_not_the_cohorts(real_app, db, teacher):
    make_user(db, email="admin@example.org", role=Role.ADMIN)
    admin = real_app.test_client()
    login(admin, "admin@example.org")
    learner, browser, cohort_id = member(real_app, db, teacher)
    sign_off_everything(teacher, db, cohort_id, learner.id)
    url = f"/instructor/cohorts/{cohort_id}/learners/{learner.id}/hours"
    assert post(teacher, url, {"hours": "1"}).status_code == 302
    course_page = text_of(browser.get(f"/courses/{LEVEL_1}"))
    assert "Your cohort:</strong> Toronto, spring" in course_page
    assert "hours attended 1 of the 20 required" in course_page
    assert "19 in-person hours (attended 1 of the course&#39;s 20)" in course_page
    refused = post(admin, f"/admin/certificates/{LEVEL_1}/issue", {"learner": str(learner.id)})
    assert refused.status_code == 303
    assert "in-person practical hours met" in text_of(admin.get("/admin/certificates"))
