"""Sign-off on one page per learner: every competency in one form, "all passed" with
per-item overrides, dates from the cohort's days only (proposing the cohort's day, not today),
all or nothing, and the earlier results of each competency shown."""

from datetime import date, timedelta

from sqlalchemy import func, select

from course_app.instructor.models import CompetencySignoff
from course_app.modules.models import Course
from course_app.practical import CohortFacts, sheet_results, signoff_days
from tests.helpers import post, text_of
from tests.test_practical import LEVEL_1, cohort_days
from tests.test_practical_rules_http import member

COHORT = CohortFacts(1, "Toronto", date(2027, 4, 9), date(2027, 4, 11), "Toronto", 24.0)


def test_the_days_a_sign_off_may_carry():
    assert signoff_days(COHORT, date(2027, 4, 8)) == []
    assert signoff_days(COHORT, date(2027, 4, 10)) == [date(2027, 4, 9), date(2027, 4, 10)]
    assert len(signoff_days(COHORT, date(2027, 5, 1))) == 3


def test_all_passed_fills_the_blanks_that_are_not_passed_and_choices_override():
    choices = {"a": "", "b": "not-yet", "c": "", "d": ""}
    current = {"c": "pass", "d": "not-yet"}
    assert sheet_results(choices, current, all_passed=True) == {
        "a": "pass",
        "b": "not-yet",
        "d": "pass",
    }  # "c" is already a pass: recording it again would clear a second assessor's check
    assert sheet_results(choices, current, all_passed=False) == {"b": "not-yet"}


def keys(db) -> list[str]:
    course = db.scalar(select(Course).where(Course.slug == LEVEL_1))
    return [c["key"] for c in course.competencies]


def sheet(teacher, cohort_id, learner_id, lines: dict, all_passed=False, day=None):
    day = (day or cohort_days()[1]).isoformat()
    form = {"all_passed": "1"} if all_passed else {}
    for key, result in lines.items():
        form |= {f"result-{key}": result, f"day-{key}": day, f"notes-{key}": ""}
    url = f"/instructor/cohorts/{cohort_id}/learners/{learner_id}/signoffs"
    return post(teacher, url, form)


def results(db, learner_id) -> dict[str, str]:
    db.expire_all()
    rows = db.execute(
        select(CompetencySignoff.competency_key, CompetencySignoff.result).where(
            CompetencySignoff.user_id == learner_id
        )
    )
    return dict(rows.all())


def test_one_form_records_every_competency_with_overrides(real_app, db, teacher):
    learner, _browser, cohort_id = member(real_app, db, teacher)
    page = text_of(teacher.get(f"/instructor/cohorts/{cohort_id}/learners/{learner.id}"))
    assert page.count('name="result-') == len(keys(db)) and "All passed" in page
    first, last = cohort_days()
    assert f'<option value="{last.isoformat()}" selected>' in page  # the cohort's day
    assert (date.today()).isoformat() not in page.split("Competencies", 1)[1]  # not today
    assert f'<option value="{first.isoformat()}"' in page
    everything = dict.fromkeys(keys(db), "")
    everything[keys(db)[1]] = "not-yet"
    response = sheet(teacher, cohort_id, learner.id, everything, all_passed=True)
    assert response.status_code == 302, text_of(response)
    recorded = results(db, learner.id)
    assert recorded.pop(keys(db)[1]) == "not-yet"
    assert set(recorded.values()) == {"pass"} and len(recorded) == len(keys(db)) - 1


def test_a_day_outside_the_cohort_refuses_the_whole_sheet(real_app, db, teacher):
    learner, _browser, cohort_id = member(real_app, db, teacher)
    lines = dict.fromkeys(keys(db)[:2], "pass")
    before = cohort_days()[0] - timedelta(days=1)
    response = sheet(teacher, cohort_id, learner.id, lines, day=before)
    assert response.status_code == 400
    assert "Nothing was recorded" in text_of(response)
    assert "Choose one of the cohort&#39;s days" in text_of(response)
    assert db.scalar(select(func.count()).select_from(CompetencySignoff)) == 0
    bad = sheet(teacher, cohort_id, learner.id, {keys(db)[0]: "maybe"})
    assert bad.status_code == 400 and "Choose Pass or Not yet." in text_of(bad)


def test_earlier_not_yet_results_are_shown(real_app, db, teacher):
    learner, _browser, cohort_id = member(real_app, db, teacher)
    key = keys(db)[0]
    first, last = cohort_days()
    assert sheet(teacher, cohort_id, learner.id, {key: "not-yet"}, day=first).status_code == 302
    assert sheet(teacher, cohort_id, learner.id, {key: "pass"}, day=last).status_code == 302
    page = text_of(teacher.get(f"/instructor/cohorts/{cohort_id}/learners/{learner.id}"))
    assert f"Earlier: Not yet on {first.isoformat()} (Toronto, spring)" in page
    assert f"Recorded: Pass on {last.isoformat()}" in page
