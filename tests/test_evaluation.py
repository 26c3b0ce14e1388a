"""The course evaluation: its questions in course.toml (checked like all content), the rule
that makes it part of completing a course (``progress.py``, ``requirements.py``), answering it
over HTTP, and the anonymous report per course and cohort with its CSV."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from course_app.auth.models import Role
from course_app.evaluation.models import EvaluationResponse, EvaluationSubmission
from course_app.evaluation.questions import (
    RATING,
    TEXT,
    AnswersRefused,
    Question,
    clean_answers,
    report,
)
from course_app.instructor.models import Cohort, CohortMember, CourseStaff
from course_app.modules.content import parse_content
from course_app.modules.models import Course
from course_app.modules.sync import sync_content
from course_app.practical import PracticalRecord
from course_app.progress import LessonItem, ModuleOutline, QuizItem, course_progress
from course_app.requirements import EVALUATION, EVALUATION_PAGE, LICENCE, CourseStanding
from course_app.standings import learner_standing
from tests.conftest import TEST_CONTENT
from tests.helpers import answer_evaluation, complete_course, login, make_user, post, text_of
from tests.test_content import MANIFEST, edit, tree  # noqa: F401  (the fixture)

QUESTIONS = (
    Question("met", "The course met its objectives."),
    Question("change", "What would you change?", TEXT, required=False),
)
URL = "/courses/basics/evaluation"
REPORT = "/instructor/courses/basics/evaluation"


# The rules, as plain functions.


def test_answers_are_checked_against_the_questions():
    assert clean_answers(QUESTIONS, {"met": "5", "change": "  More cases. "}) == {
        "met": 5,
        "change": "More cases.",
    }
    assert clean_answers(QUESTIONS, {"met": "1"}) == {"met": 1}  # an optional comment left out
    for bad in ({}, {"met": ""}, {"met": "6"}, {"met": "x"}, {"met": "3", "change": "y" * 2001}):
        with pytest.raises(AnswersRefused) as refused:
            clean_answers(QUESTIONS, bad)
        assert set(refused.value.problems) <= {"met", "change"} and refused.value.problems


def test_a_report_shows_nothing_below_the_minimum_and_sorts_comments():
    answers = [{"met": 5, "change": "b"}, {"met": 4}, {"met": 4, "change": "a"}]
    hidden = report(QUESTIONS, answers[:2], minimum=3)
    assert hidden.responses == 2 and not hidden.shown and hidden.summaries == ()
    shown = report(QUESTIONS, answers, minimum=3)
    rating, comments = shown.summaries
    assert shown.shown and rating.counts == (0, 0, 0, 2, 1) and rating.mean == 4.33
    assert comments.comments == ("a", "b")  # never in the order they came in
    assert not report(QUESTIONS, [], minimum=0).shown  # no answers: nothing to show


LESSONS = (LessonItem(1, "one", "One", 30),)
MODULE = ModuleOutline(1, "m", "Module A", LESSONS, QuizItem(1, "quiz-a", "Quiz A"))


def standing(done: bool, evaluation: tuple[bool, bool]) -> CourseStanding:
    ids = frozenset({1}) if done else frozenset()
    progress = course_progress((MODULE,), ids, ids, None, (False, False), evaluation)
    return CourseStanding(progress, (), PracticalRecord(), 0, True)


def test_the_evaluation_is_part_of_completing_a_course():
    waiting = standing(True, (True, False))
    assert not waiting.progress.is_complete and not waiting.eligible
    [left] = waiting.to_complete
    assert left.label == EVALUATION and left.steps[0].where == EVALUATION_PAGE
    assert "anonymous" in left.steps[0].text
    early = standing(False, (True, False))
    evaluation = next(r for r in early.remaining if r.label == EVALUATION)
    assert "opens once every lesson" in evaluation.detail
    answered = standing(True, (True, True))
    assert answered.progress.is_complete and answered.eligible
    not_asked = standing(True, (False, False))
    assert not_asked.progress.is_complete and EVALUATION not in [
        r.label for r in not_asked.remaining
    ]
    assert [r.label for r in standing(True, (True, True)).requirements][-2:] == [
        EVALUATION,
        LICENCE,
    ]


# The format, through check-content.

BROKEN = [
    ('key = "change"', 'key = "met-objectives"', 24, "key 'met-objectives' is used twice"),
    ('kind = "text"', 'kind = "stars"', 27, "'kind' must be one of: rating, text"),
    ('kind = "text"', 'kind = "text"\ncolour = 1', 28, "unknown key 'colour'"),
    ('prompt = "What would', 'prompt = ""\nx = "What would', 26, "'prompt' must be a non-empty"),
    ('key = "met-objectives"', 'key = "Met objectives"', 21, "lower-case"),
    (
        'prompt = "The course met its stated learning objectives."',
        f'prompt = "{"x" * 301}"',
        22,
        "at most 300 characters",
    ),
    (
        'prompt = "The course met its stated learning objectives."',
        'prompt = "x"\nrequired = false',
        20,
        "at least one required question",
    ),
]


@pytest.mark.parametrize(("old", "new", "line", "message"), BROKEN)
def test_check_content_reports_evaluation_problems(runner, tree, old, new, line, message):  # noqa: F811
    edit(tree / MANIFEST, old, new)
    result = runner.invoke(args=["check-content", "--dir", str(tree)])
    assert result.exit_code == 1, result.output
    assert f"{tree / MANIFEST}:{line}: " in result.output and message in result.output


def test_the_questions_load_with_the_course(db, content):
    stored = db.scalar(select(Course.evaluation).where(Course.slug == "basics"))
    assert [q["key"] for q in stored] == ["met-objectives", "change"]
    assert stored[1] == {
        "key": "change",
        "prompt": "What would you change about the course?",
        "kind": TEXT,
        "required": False,
    }
    assert stored[0]["kind"] == RATING and stored[0]["required"] is True


# Answering, over HTTP.


def test_answering_completes_the_course_and_opens_the_next_level(app, db, learner):
    browser = learner.browser
    early = text_of(browser.get(URL))
    main = early.split("<main")[-1].split("</main>")[0]  # the footer has the language form
    assert "opens once every lesson" in early and "<form" not in main
    assert post(browser, URL, {"met-objectives": "5"}).status_code == 200
    assert db.scalar(select(func.count()).select_from(EvaluationSubmission)) == 0
    complete_course(browser, db, evaluate=False)
    dashboard = text_of(browser.get("/dashboard"))
    assert "Course evaluation answered" in dashboard and f'href="{URL}"' in dashboard
    assert "Complete Basics first" in text_of(browser.get("/courses/advanced"))
    course = db.scalar(select(Course).where(Course.slug == "basics"))
    with app.app_context():
        assert not learner_standing(db, course.id, learner.id).eligible
    refused = post(browser, URL, {"change": "x"})
    assert refused.status_code == 400 and "Please answer this question." in text_of(refused)
    assert db.scalar(select(func.count()).select_from(EvaluationResponse)) == 0
    answer_evaluation(browser, db, "basics", rating=5)
    assert "Course evaluation answered" not in text_of(browser.get("/dashboard"))
    assert "Complete Basics first" not in text_of(browser.get("/courses/advanced"))
    with app.app_context():
        remaining = learner_standing(db, course.id, learner.id).remaining
    assert [r.label for r in remaining] == [LICENCE]
    [response] = db.scalars(select(EvaluationResponse)).all()
    assert response.answers == {"met-objectives": 5, "change": "Clear and useful."}
    assert "user_id" not in EvaluationResponse.__table__.columns  # never who answered
    again = post(browser, URL, {"met-objectives": "1"})
    assert again.status_code == 200 and "You have answered" in text_of(again)
    assert db.scalar(select(func.count()).select_from(EvaluationResponse)) == 1


@pytest.mark.parametrize(
    "form",
    [
        {"met-objectives": "'; DROP TABLE users; --"},
        {"met-objectives": "5" * 5000},
        {"met-objectives": "5", "change": "x" * 5000},
        {"met-objectives": "0"},
    ],
)
def test_bad_answers_are_refused_with_a_message(app, db, learner, form):
    complete_course(learner.browser, db, evaluate=False)
    response = post(learner.browser, URL, form)
    assert response.status_code == 400
    assert db.scalar(select(func.count()).select_from(EvaluationSubmission)) == 0


def test_staff_and_strangers_cannot_answer(app, db, content, instructor):
    assert instructor.browser.get(URL).status_code == 403
    stranger = make_user(db, email="stranger@example.org")
    browser = app.test_client()
    login(browser, stranger.email)
    assert browser.get(URL).status_code == 403  # not enrolled
    assert browser.get("/courses/nothing/evaluation").status_code == 404


# The report: anonymous, per course and cohort, with a minimum.


def learners_answer(app, db, count: int, rating: int, prefix: str = "l") -> list:
    people = []
    for n in range(count):
        person = make_user(db, email=f"{prefix}{n}@example.org", full_name=f"Person {prefix}{n}")
        browser = app.test_client()
        login(browser, person.email)
        complete_course(browser, db, evaluate=False)
        answer_evaluation(browser, db, "basics", rating=rating)
        people.append(person)
    return people


def test_the_report_waits_for_enough_responses(app, db, instructor):
    learners_answer(app, db, 2, rating=4)
    page = text_of(instructor.browser.get(REPORT))
    assert "2 responses" in page and "Shown from 5 responses on" in page
    assert "Clear and useful." not in page and "Person" not in page
    rows = list(csv.reader(io.StringIO(text_of(instructor.browser.get(REPORT + ".csv")))))
    assert rows[1][:2] == ["Basics (all learners)", "2"] and "Fewer than 5" in rows[1][-1]
    assert len(rows) == 2


def test_the_report_per_course_and_cohort_with_csv(make_app, db):
    app = make_app(EVALUATION_MIN_RESPONSES=2)
    sync_content(db, parse_content(TEST_CONTENT)[0])
    course = db.scalar(select(Course).where(Course.slug == "basics"))
    cohort = Cohort(
        course_id=course.id,
        name="Toronto spring",
        starts_on=date(2027, 6, 10),
        ends_on=date(2027, 6, 12),
        location="Toronto",
        capacity=10,
        lab_hours=24,
    )
    db.add(cohort)
    db.flush()
    teacher = make_user(db, email="t@example.org", role=Role.INSTRUCTOR, full_name="Tess")
    db.add(CourseStaff(course_id=course.id, user_id=teacher.id))
    for n in range(2):
        person = make_user(db, email=f"c{n}@example.org")
        db.add(CohortMember(cohort_id=cohort.id, user_id=person.id))
    db.commit()
    for n in range(2):  # the cohort's two learners answer 5, two others 3
        browser = app.test_client()
        login(browser, f"c{n}@example.org")
        complete_course(browser, db, evaluate=False)
        answer_evaluation(browser, db, "basics", rating=5)
    learners_answer(app, db, 1, rating=3)
    browser = app.test_client()
    login(browser, teacher.email)
    page = text_of(browser.get(REPORT))
    assert "3 responses" in page and "Cohort: Toronto spring" in page
    assert "Clear and useful." in page and "c0@example.org" not in page
    rows = list(csv.reader(io.StringIO(text_of(browser.get(REPORT + ".csv")))))
    assert rows[0][:4] == ["Group", "Responses", "Question", "Prompt"]
    overall = [r for r in rows if r[0] == "Basics (all learners)" and r[2] == "met-objectives"]
    assert overall[0][4:10] == ["0", "0", "1", "0", "2", "4.33"]
    cohort_row = [r for r in rows if r[0] == "Cohort: Toronto spring" and r[2] == "met-objectives"]
    assert cohort_row[0][1] == "2" and cohort_row[0][8:10] == ["2", "5.0"]
