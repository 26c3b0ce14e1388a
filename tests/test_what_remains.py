"""What remains, named thing by thing with where it is done: the pure rule (one standing rule,
``requirements.py``), and the dashboard, course page and Level 2 lock through HTTP."""

from datetime import date

from course_app.practical import CohortFacts, Competency, PracticalRecord, practical_done
from course_app.progress import LessonItem, ModuleOutline, QuizItem, course_progress
from course_app.requirements import (
    FINAL_EXAM,
    HOURS,
    LESSON,
    LICENCE,
    MODULES,
    PRACTICAL,
    PRACTICAL_PAGE,
    QUIZ,
    REGISTRATION,
    RESUME,
    CourseStanding,
)
from course_app.wording import minutes_text, plural
from tests.helpers import complete_course, post, text_of
from tests.test_practical import LEVEL_1, create_cohort, learner_browser, sign_off_everything

CHECKLIST = (
    Competency("clean", "Clean needle technique", critical=True),
    Competency("palpation", "Palpation", critical=False),
)
COHORT = CohortFacts(1, "Toronto", date(2027, 4, 9), date(2027, 4, 11), "Toronto", 24.0)
LESSONS = (LessonItem(1, "one", "One", 30), LessonItem(2, "two", "Two", 30))
MODULE = ModuleOutline(1, "m", "Module A", LESSONS, QuizItem(1, "quiz-a", "Quiz A"))
FINAL = QuizItem(2, "final-exam", "Final")


NONE = PracticalRecord()


def standing(done=frozenset(), passed=frozenset(), record=NONE, licence=False):
    ok = practical_done(CHECKLIST, record, 20)
    progress = course_progress((MODULE,), done, passed, FINAL, (True, ok))
    return CourseStanding(progress, CHECKLIST, record, 20, licence)


def steps(found: CourseStanding) -> dict[str, list[tuple[str, str, str]]]:
    return {r.label: [(s.text, s.where, s.slug) for s in r.steps] for r in found.remaining}


def test_each_thing_left_is_named_with_where_it_is_done():
    left = steps(standing(done=frozenset({1})))
    assert left[MODULES] == [
        ("Module A: 1 lesson to complete, next “Two”", LESSON, "two"),
        ("Module A: pass “Quiz A”", QUIZ, "quiz-a"),
    ]
    assert left[FINAL_EXAM] == [("Pass “Final”", QUIZ, "final-exam")]
    assert left[PRACTICAL] == [
        ("Book a seat in a practical cohort", PRACTICAL_PAGE, ""),
        ("Clean needle technique (automatic fail): not assessed yet", PRACTICAL_PAGE, ""),
        ("Palpation: not assessed yet", PRACTICAL_PAGE, ""),
    ]
    assert left[HOURS][0] == ("30 minutes of online theory (lessons and quizzes)", RESUME, "")
    assert left[HOURS][1][0] == "20 in-person hours (attended 0 of the course's 20)"
    assert left[LICENCE][0][1] == REGISTRATION


def test_a_not_yet_is_named_and_the_licence_is_not_needed_to_complete():
    record = PracticalRecord(COHORT, 24, {"clean": "not-yet", "palpation": "pass"})
    found = standing(frozenset({1, 2}), frozenset({1, 2}), record)
    assert steps(found)[PRACTICAL] == [
        ("Clean needle technique (automatic fail): recorded “not yet”", PRACTICAL_PAGE, "")
    ]
    assert [r.label for r in found.to_complete] == [PRACTICAL]
    passed = PracticalRecord(COHORT, 24, {"clean": "pass", "palpation": "pass"})
    done = standing(frozenset({1, 2}), frozenset({1, 2}), passed)
    assert done.progress.is_complete and done.to_complete == []
    assert [r.label for r in done.remaining] == [LICENCE]


def test_counts_and_durations_read_as_people_say_them():
    assert plural(1, "minute") == "1 minute" and plural(2, "minute") == "2 minutes"
    assert plural(1.5, "hour") == "1.5 hours"
    assert minutes_text(1) == "1 minute" and minutes_text(1440) == "24 hours"
    assert minutes_text(90) == "1 hour 30 minutes" and minutes_text(61) == "1 hour 1 minute"
    assert minutes_text(0) == "0 minutes"


def test_a_learner_at_100_percent_sees_the_practical_is_what_is_missing(real_app, db, teacher):
    learner, browser = learner_browser(real_app, db, "ada@example.org")
    complete_course(browser, db, LEVEL_1)
    dashboard = text_of(browser.get("/dashboard"))
    assert "In progress" in dashboard and "What remains in Dry Needling Level 1" in dashboard
    assert "Book a seat in a practical cohort" in dashboard
    assert "(automatic fail): not assessed yet" in dashboard
    assert "Still to do there:" in dashboard  # Level 2's card names Level 1's remains
    catalog = text_of(browser.get("/courses"))
    assert "Still to do there:" in catalog and "Practical competencies signed off" in catalog
    level_2 = text_of(browser.get("/courses/dry-needling-level-2"))
    assert "What remains in Dry Needling Level 1" in level_2
    assert f'href="/courses/{LEVEL_1}/practical">Book a seat' in level_2
    assert "Registration number verified" not in level_2  # not needed to open Level 2
    course = text_of(browser.get(f"/courses/{LEVEL_1}"))
    assert "Registration number verified by an administrator" in course
    assert 'href="/dashboard#registration"' in course
    # Signed off and the hours attended: complete, and the page says what comes next.
    cohort_id = create_cohort(teacher)
    post(teacher, f"/instructor/cohorts/{cohort_id}", {"email": learner.email})
    sign_off_everything(teacher, db, cohort_id, learner.id)
    hours = f"/instructor/cohorts/{cohort_id}/learners/{learner.id}/hours"
    post(teacher, hours, {"hours": "24"})
    course = text_of(browser.get(f"/courses/{LEVEL_1}"))
    assert "You have completed this course" in course
    assert "Your certificate is issued once the requirements below are met" in course
    assert "advanced techniques</a> is now open to you" in course
    assert "Complete; certificate pending" in text_of(browser.get("/dashboard"))
