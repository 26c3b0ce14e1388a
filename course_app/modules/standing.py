"""Where one user stands in every course, read in one round trip with the content stamp.

Lesson completions, passed quizzes, enrolments and practical results are four small lists
keyed by the user. A UNION ALL of them (plus the content stamp, which tells whether this
process's cached course structure is still current) costs one query instead of five.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, String, bindparam, cast, literal, null, select, union_all
from sqlalchemy.orm import Session

from course_app.db import UTCDateTime, execute_prepared
from course_app.instructor.models import Cohort, CompetencySignoff
from course_app.modules.models import ContentStamp, Enrollment, LessonProgress
from course_app.quizzes.models import Attempt


@dataclass(frozen=True)
class Standing:
    stamp: str | None = None
    completed: frozenset[int] = frozenset()
    passed: frozenset[int] = frozenset()
    enrolled: dict[int, datetime] = field(default_factory=dict)
    #: The latest practical result per competency, by course: {course id: {key: result}}.
    practical: dict[int, dict[str, str]] = field(default_factory=dict)


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
    )


def _latest_results(rows: list) -> dict[int, dict[str, str]]:
    results: dict[int, dict[str, str]] = defaultdict(dict)
    for row in sorted(rows, key=lambda row: (row.at, row.order)):
        results[row.number][row.text] = row.result  # later rows win
    return dict(results)


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
            result=CompetencySignoff.result,
            at=CompetencySignoff.recorded_at,
        )
        .join(Cohort, Cohort.id == CompetencySignoff.cohort_id)
        .where(CompetencySignoff.user_id == user_id)
    )
    return union_all(_stamp_query(), lessons, quizzes, enrolments, practical)


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
