"""Where one user stands in every course, read in one round trip with the content stamp.

Lesson completions, passed quizzes, enrolments, practical results, practical hours and
answered evaluations are
small lists keyed by the user. A UNION ALL of them (plus the content stamp, which tells
whether this process's cached course structure is still current) costs one query instead of
seven. The rules that read them are pure (``progress.py``, ``practical.py``).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, String, bindparam, case, cast, literal, null, select, union_all
from sqlalchemy.orm import Session

from course_app.db import UTCDateTime, execute_prepared
from course_app.evaluation.models import EvaluationSubmission
from course_app.instructor.models import Cohort, CohortMember, CompetencySignoff
from course_app.modules.models import ContentStamp, Enrollment, LessonProgress
from course_app.practical import Signoff, latest_results
from course_app.quizzes.models import Attempt

#: Marks a pass a second assessor confirmed, in the union's text result column.
CONFIRMED = "+confirmed"


@dataclass(frozen=True)
class Standing:
    stamp: str | None = None
    completed: frozenset[int] = frozenset()
    passed: frozenset[int] = frozenset()
    enrolled: dict[int, datetime] = field(default_factory=dict)
    #: The latest practical result code per competency, by course: {course id: {key: code}}.
    practical: dict[int, dict[str, str]] = field(default_factory=dict)
    #: Practical hours attended in the latest cohort, by course.
    hours: dict[int, float] = field(default_factory=dict)
    #: The courses whose participant evaluation the user answered.
    evaluated: frozenset[int] = frozenset()


def load_standing(session: Session, user_id: int | None) -> Standing:
    """The user's standing (anonymous: none) and the content stamp, in one query."""
    if user_id is None:
        rows = execute_prepared(session, _stamp_query()).all()
    else:
        rows = execute_prepared(session, _standing_query(), {"user_id": user_id}).all()
    by_kind: dict[str, list] = defaultdict(list)
    for row in rows:
        by_kind[row.kind].append(row)
    stamps = by_kind["stamp"]
    return Standing(
        stamp=stamps[0].text if stamps else None,
        completed=frozenset(row.number for row in by_kind["lesson"]),
        passed=frozenset(row.number for row in by_kind["quiz"]),
        enrolled={row.number: row.at for row in by_kind["enrol"]},
        practical=_latest_results(by_kind["practical"]),
        hours=_latest_hours(by_kind["hours"]),
        evaluated=frozenset(row.number for row in by_kind["evaluated"]),
    )


def _latest_results(rows: list) -> dict[int, dict[str, str]]:
    signoffs: dict[int, list[Signoff]] = defaultdict(list)
    for row in rows:
        confirmed = row.result.endswith(CONFIRMED)
        result = row.result.removesuffix(CONFIRMED)
        signoffs[row.number].append(Signoff(row.text, result, row.at, row.order, confirmed))
    return {course_id: latest_results(found) for course_id, found in signoffs.items()}


def _latest_hours(rows: list) -> dict[int, float]:
    """Hours in the latest cohort per course, by start date (``text``)."""
    ordered = sorted(rows, key=lambda row: (row.text, row.order))
    return {row.number: float(row.result) for row in ordered}


@cache
def _stamp_query():
    return _row("stamp", text=ContentStamp.token).where(ContentStamp.id == 1)


@cache  # built once: constructing this statement costs as much as running it
def _standing_query():
    user_id = bindparam("user_id", type_=Integer)
    lessons = _row("lesson", number=LessonProgress.lesson_id).where(
        LessonProgress.user_id == user_id
    )
    quizzes = (
        _row("quiz", number=Attempt.quiz_id)
        .where(Attempt.user_id == user_id, Attempt.passed)
        .distinct()
    )
    enrolments = _row("enrol", number=Enrollment.course_id, at=Enrollment.enrolled_at).where(
        Enrollment.user_id == user_id
    )
    practical = (
        _row(
            "practical",
            number=Cohort.course_id,
            order=CompetencySignoff.id,
            text=CompetencySignoff.competency_key,
            result=CompetencySignoff.result
            + case((CompetencySignoff.confirmed_pass(), CONFIRMED), else_=""),
            at=CompetencySignoff.recorded_at,
        )
        .join(Cohort, Cohort.id == CompetencySignoff.cohort_id)
        .where(CompetencySignoff.user_id == user_id)
    )
    hours = (
        _row(
            "hours",
            number=Cohort.course_id,
            order=Cohort.id,
            text=cast(Cohort.starts_on, String),  # ISO dates: sorting them sorts by date
            result=cast(CohortMember.practical_hours, String),
        )
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.user_id == user_id)
    )
    evaluated = _row("evaluated", number=EvaluationSubmission.course_id).where(
        EvaluationSubmission.user_id == user_id
    )
    return union_all(_stamp_query(), lessons, quizzes, enrolments, practical, hours, evaluated)


def _row(kind: str, number=None, order=None, text=None, result=None, at=None):
    """One branch of the union; every branch has the same typed columns."""
    return select(
        literal(kind, String).label("kind"),
        _typed(number, Integer).label("number"),
        _typed(order, Integer).label("order"),
        _typed(text, String).label("text"),
        _typed(result, String).label("result"),
        _typed(at, UTCDateTime()).label("at"),
    )


def _typed(column, type_):
    return cast(null(), type_) if column is None else column
