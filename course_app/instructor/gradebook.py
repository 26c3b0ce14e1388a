"""The gradebook: learners × quizzes for one course, in a fixed number of queries.

Filters narrow the learners (cohort, enrolment dates, status); sorting is by name, progress or
one quiz's best score. The same rows feed the page and the CSV export.
"""

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, Select, case, func, select
from sqlalchemy.orm import Session

from course_app import spreadsheet
from course_app.auth.models import User
from course_app.instructor.models import CohortMember
from course_app.modules.models import Course, Enrollment, Lesson, LessonTime
from course_app.modules.services import CourseOutline, course_outline
from course_app.progress import CourseProgress, QuizItem
from course_app.quizzes.grading import score_percent
from course_app.quizzes.models import Attempt
from course_app.requirements import CourseStanding
from course_app.standings import standings

STATUSES = ("not-started", "in-progress", "complete")
#: Rows per page on screen; the CSV export has every row.
PAGE_SIZE = 100


@dataclass(frozen=True)
class Filters:
    cohort_id: int | None = None
    status: str | None = None
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    sort: str = "name"  # "name", "progress", "minutes", "time" or a quiz slug
    descending: bool = False
    learner_id: int | None = None  # one learner's row only (e.g. when issuing a certificate)


@dataclass(frozen=True)
class Cell:
    best: float | None
    attempts: int
    passed: bool


@dataclass
class Row:
    learner: User
    enrolled_at: datetime
    standing: CourseStanding
    cells: dict[int, Cell] = field(default_factory=dict)
    #: Time on task recorded on the course's lessons (course_app/modules/lesson_time.py).
    time_seconds: int = 0

    @property
    def progress(self) -> CourseProgress:
        return self.standing.progress

    @property
    def status(self) -> str:
        if self.progress.is_complete:
            return "complete"
        started = self.progress.lessons_done or self.cells
        return "in-progress" if started else "not-started"


@dataclass(frozen=True)
class Gradebook:
    course: Course
    quizzes: tuple[QuizItem, ...]
    rows: list[Row]


@dataclass(frozen=True)
class Page:
    """One page of gradebook rows: filters and sorting apply to all rows first."""

    rows: list[Row]
    number: int
    count: int
    first: int  # 1-based position of the first row shown (0 when there are none)
    total: int


def page_of(rows: list[Row], number: int, size: int = PAGE_SIZE) -> Page:
    """Page ``number`` (1-based; out-of-range numbers give the nearest page)."""
    count = max(1, -(-len(rows) // size))
    number = min(max(number, 1), count)
    start = (number - 1) * size
    shown = rows[start : start + size]
    return Page(shown, number, count, start + 1 if shown else 0, len(rows))


def gradebook(session: Session, course: Course, filters: Filters) -> Gradebook:
    outline = course_outline(session, course)
    learners = _learners(session, course, filters)
    ids = _matching(select(User.id), course, filters) if learners else None
    cells = _cells(session, outline, ids)
    standing = standings(session, course, ids, outline) if ids is not None else {}
    times = _time_on_task(session, course, ids)
    rows = [
        Row(
            learner,
            enrolled,
            standing[learner.id],
            cells.get(learner.id, {}),
            times.get(learner.id, 0),
        )
        for learner, enrolled in learners
    ]
    rows = [row for row in rows if filters.status in (None, row.status)]
    return Gradebook(course, outline.quizzes, _sorted(rows, filters))


def _learners(session: Session, course: Course, filters: Filters) -> list[tuple[User, datetime]]:
    query = _matching(select(User, Enrollment.enrolled_at), course, filters)
    return [(user, enrolled) for user, enrolled in session.execute(query.order_by(User.full_name))]


def _matching(query: Select, course: Course, filters: Filters) -> Select:
    """Narrow a query over users to the course's learners that the filters select.

    The other gradebook queries use it as a subquery rather than binding a list of ids: a
    thousand bound ids cost more than the query itself.
    """
    query = query.join(Enrollment, Enrollment.user_id == User.id).where(
        Enrollment.course_id == course.id
    )
    if filters.learner_id is not None:
        query = query.where(User.id == filters.learner_id)
    if filters.cohort_id is not None:
        query = query.join(CohortMember, CohortMember.user_id == User.id).where(
            CohortMember.cohort_id == filters.cohort_id
        )
    if filters.enrolled_from:
        query = query.where(Enrollment.enrolled_at >= _start_of(filters.enrolled_from))
    if filters.enrolled_to:
        query = query.where(Enrollment.enrolled_at < _start_of(filters.enrolled_to, next_day=True))
    return query


def _start_of(day: date, next_day: bool = False) -> datetime:
    moment = datetime.combine(day, time.min, tzinfo=UTC)
    return moment + timedelta(days=1) if next_day else moment


def _time_on_task(session: Session, course: Course, ids: Select | None) -> dict[int, int]:
    """Seconds of time on task per learner, over the course's lessons (archived ones too:
    the time was spent)."""
    if ids is None:
        return {}
    rows = session.connection().execute(  # Core, not ORM rows: see standings.completed_lessons
        select(LessonTime.user_id, func.sum(LessonTime.active_seconds))
        .join(Lesson, Lesson.id == LessonTime.lesson_id)
        .where(Lesson.course_id == course.id, LessonTime.user_id.in_(ids))
        .group_by(LessonTime.user_id)
    )
    return {user_id: int(seconds) for user_id, seconds in rows}


def _cells(
    session: Session, outline: CourseOutline, ids: Select | None
) -> dict[int, dict[int, Cell]]:
    quiz_ids = [quiz.id for quiz in outline.quizzes]
    if ids is None or not quiz_ids:
        return {}
    passed = func.max(case((Attempt.passed, 1), else_=0)).cast(Integer)
    rows = session.connection().execute(  # Core, not ORM rows: see standings.completed_lessons
        select(Attempt.user_id, Attempt.quiz_id, func.max(Attempt.score), func.count(), passed)
        .where(Attempt.user_id.in_(ids), Attempt.quiz_id.in_(quiz_ids))
        .group_by(Attempt.user_id, Attempt.quiz_id)
    )
    cells: dict[int, dict[int, Cell]] = defaultdict(dict)
    for user_id, quiz_id, best, count, was_passed in rows:
        cells[user_id][quiz_id] = Cell(best, count, bool(was_passed))
    return cells


def _sorted(rows: list[Row], filters: Filters) -> list[Row]:
    """Sort by name, progress, CE minutes, time on task or one quiz's best score (no attempt
    sorts lowest)."""

    def key(row: Row) -> tuple[float, str]:
        name = row.learner.full_name.casefold()
        if filters.sort == "progress":
            return (row.progress.percent, name)
        if filters.sort == "minutes":
            return (row.progress.minutes_done, name)
        if filters.sort == "time":
            return (row.time_seconds, name)
        quiz = next((q for q in row.progress.quizzes if q.slug == filters.sort), None)
        if quiz is not None:
            cell = row.cells.get(quiz.id)
            return (cell.best if cell and cell.best is not None else -1.0, name)
        return (0, name)

    return sorted(rows, key=key, reverse=filters.descending)


def as_csv(book: Gradebook) -> str:
    """The gradebook as CSV (one row per learner), for spreadsheets."""
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    quiz_headers = [h for q in book.quizzes for h in (f"{q.title}: best %", f"{q.title}: attempts")]
    writer.writerow(
        [
            "Name",
            "E-mail",
            "Registration",
            "Enrolled",
            "Lessons done",
            "CE minutes",
            "Time on task (minutes)",
            *quiz_headers,
            "Status",
        ]
    )
    for row in book.rows:
        cells = [row.cells.get(q.id) for q in book.quizzes]
        quiz_values = [
            v
            for c in cells
            for v in (
                (score_percent(c.best) if c and c.best is not None else ""),
                (c.attempts if c else 0),
            )
        ]
        writer.writerow(
            [
                row.learner.full_name,
                row.learner.email,
                row.learner.registration_number or "",
                row.enrolled_at.date().isoformat(),
                row.progress.lessons_done,
                row.progress.minutes_done,
                f"{round(row.time_seconds / 60, 1):g}",
                *quiz_values,
                row.status,
            ]
        )
    return out.getvalue()
