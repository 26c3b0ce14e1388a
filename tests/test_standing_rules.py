"""The practical's rules and a learner's standing, as plain functions: the latest sign-off
wins, a second assessor confirms where the course asks, the course's minimum hours count
whatever the cohort offered, dates stay within the cohort and out of the future, and every
requirement says what is left."""

from datetime import UTC, date, datetime, timedelta

import pytest

from course_app.practical import (
    CONFIRMED_PASS,
    CohortFacts,
    Competency,
    PracticalRecord,
    PracticalStatus,
    Signoff,
    hours_problem,
    latest_results,
    practical_done,
    practical_status,
    signoff_date_problem,
)
from course_app.progress import LessonItem, ModuleOutline, QuizItem, course_progress
from course_app.requirements import HOURS, LICENCE, PRACTICAL, CourseStanding

T0 = datetime(2027, 4, 9, 9, 0, tzinfo=UTC)
CHECKLIST = (
    Competency("clean", "Clean needle technique", critical=True),
    Competency("thorax", "Safe insertion over the thorax", critical=True, second_assessor=True),
    Competency("palpation", "Palpation", critical=False),
)
COHORT = CohortFacts(1, "Toronto", date(2027, 4, 9), date(2027, 4, 11), "Toronto", 24.0)


def signoff(key, result, minutes, confirmed=False, order=0):
    return Signoff(key, result, T0 + timedelta(minutes=minutes), order, confirmed)


def test_the_latest_sign_off_wins_whatever_order_they_come_in():
    rows = [signoff("clean", "not-yet", 10), signoff("clean", "pass", 30), signoff("b", "pass", 5)]
    assert latest_results(reversed(rows)) == {"clean": "pass", "b": "pass"}
    tie = [signoff("clean", "pass", 0, order=2), signoff("clean", "not-yet", 0, order=1)]
    assert latest_results(tie) == {"clean": "pass"}  # same time: the later row


def test_a_competency_that_needs_a_second_assessor_passes_only_when_confirmed():
    first_only = {"clean": "pass", "thorax": "pass", "palpation": "pass"}
    assert practical_status(CHECKLIST, first_only) is PracticalStatus.IN_PROGRESS
    confirmed = first_only | {"thorax": CONFIRMED_PASS}
    assert practical_status(CHECKLIST, confirmed) is PracticalStatus.PASSED
    assert latest_results([signoff("thorax", "pass", 0, confirmed=True)]) == {
        "thorax": CONFIRMED_PASS
    }


def test_a_critical_not_yet_fails_and_a_later_pass_lifts_it():
    failed = latest_results([signoff("clean", "not-yet", 0)])
    assert practical_status(CHECKLIST, failed) is PracticalStatus.FAILED
    again = latest_results([signoff("clean", "not-yet", 0), signoff("clean", "pass", 5)])
    assert practical_status(CHECKLIST, again) is PracticalStatus.IN_PROGRESS


PASSED = {"clean": "pass", "thorax": CONFIRMED_PASS, "palpation": "pass"}


@pytest.mark.parametrize(
    ("hours", "minimum", "done"),
    [(24, 20, True), (20, 20, True), (1, 20, False), (0, 20, False)],
)
def test_the_course_minimum_counts_not_what_the_cohort_offered(hours, minimum, done):
    record = PracticalRecord(COHORT, hours, PASSED)
    assert practical_done(CHECKLIST, record, minimum) is done


def test_no_cohort_no_practical_and_a_course_without_one_needs_none():
    assert not practical_done(CHECKLIST, None, 20)
    assert practical_done((), None, 0)


@pytest.mark.parametrize(
    ("day", "today", "problem"),
    [
        (date(2027, 4, 10), date(2027, 5, 31), None),
        (date(2027, 4, 11), date(2027, 4, 11), None),  # the last day, on the day
        (date(2027, 4, 12), date(2027, 5, 31), "within the cohort's days"),
        (date(2027, 4, 8), date(2027, 5, 31), "within the cohort's days"),
        (date(2027, 4, 10), date(2027, 4, 9), "in the future"),
    ],
)
def test_sign_off_dates_stay_within_the_cohort_and_out_of_the_future(day, today, problem):
    found = signoff_date_problem(day, COHORT, today)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    ("hours", "today", "problem"),
    [
        (24, date(2027, 4, 11), None),
        (25, date(2027, 4, 11), "from 0 to the cohort's 24 lab hours"),
        (-1, date(2027, 4, 11), "from 0 to the cohort's 24 lab hours"),
        (8, date(2027, 4, 1), "starts on 2027-04-09"),
    ],
)
def test_hours_never_exceed_the_cohort_and_wait_for_it_to_start(hours, today, problem):
    found = hours_problem(hours, COHORT, today)
    assert (found is None) if problem is None else (problem in found)


def standing(record: PracticalRecord, licence=True, lessons_done=True) -> CourseStanding:
    lesson = LessonItem(1, "one", "One", 30)
    module = ModuleOutline(1, "m", "Module", (lesson,), QuizItem(1, "m", "Quiz"))
    final = QuizItem(2, "final-exam", "Final")
    done = practical_done(CHECKLIST, record, 20)
    progress = course_progress(
        (module,), frozenset({1}) if lessons_done else frozenset(), frozenset({1, 2}), final,
        (True, done),
    )  # fmt: skip
    return CourseStanding(progress, CHECKLIST, record, 20, licence)


def test_the_standing_names_exactly_what_remains():
    complete = standing(PracticalRecord(COHORT, 24, PASSED))
    assert complete.eligible and complete.remaining == []
    no_cohort = standing(PracticalRecord())
    left = {r.label: r.detail for r in no_cohort.remaining}
    assert left[PRACTICAL] == "Join a practical cohort."
    assert "20 in-person hours (attended 0 of the course's 20)" in left[HOURS]
    short = standing(PracticalRecord(COHORT, 1, PASSED), licence=False)
    left = {r.label: r.detail for r in short.remaining}
    assert set(left) == {HOURS, LICENCE} and "19 in-person hours" in left[HOURS]
    unconfirmed = standing(PracticalRecord(COHORT, 24, PASSED | {"thorax": "pass"}))
    assert [r.label for r in unconfirmed.remaining] == [PRACTICAL]
    assert "Safe insertion over the thorax" in unconfirmed.remaining[0].detail
    unread = standing(PracticalRecord(COHORT, 24, PASSED), lessons_done=False)
    assert "30 online minutes" in {r.label: r.detail for r in unread.remaining}[HOURS]
