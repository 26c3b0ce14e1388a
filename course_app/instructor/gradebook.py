"""The gradebook: learners × quizzes for one course, in a fixed number of queries.

Filters narrow the learners (cohort, enrolment dates, status); sorting is by name, progress or
one quiz's best score. The same rows feed the page and the CSV export.
"""

import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, Select, case, func, select
from sqlalchemy.orm import Session

from course_app import listing, spreadsheet
from course_app.auth.models import User
from course_app.instructor.candidates import matches
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
    search: str = ""  # part of a name, e-mail or registration number (the cohort search's)
    eligible: bool | None = None  # for a certificate, by the standing rule (or either)


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


def quiz_labels(quizzes: tuple[QuizItem, ...], final_slug: str) -> dict[int, str]:
    """Short column labels (Q1, Q2, … and Final) that keep the table narrow; the page
    gives each quiz's full title to screen readers and in a key below the table."""
    labels, number = {}, 0
    for quiz in quizzes:
        if quiz.slug == final_slug:
            labels[quiz.id] = "Final"
        else:
            number += 1
            labels[quiz.id] = f"Q{number}"
    return labels


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
    """Every matching learner's row, filtered and sorted (the CSV; a sort or filter by the
    standing rule)."""
    outline = course_outline(session, course)
    learners = _learners(session, _matching(select(User, Enrollment.enrolled_at), course, filters))
    ids = _matching(select(User.id), course, filters) if learners else None
    rows = _rows(session, course, outline, learners, ids)
    rows = [row for row in rows if selected(row, filters)]
    return Gradebook(course, outline.quizzes, _sorted(rows, filters))


def selected(row: Row, filters: Filters) -> bool:
    """Whether a built row passes the filters that read the standing rule (status, eligible)."""
    return filters.status in (None, row.status) and filters.eligible in (
        None,
        row.standing.eligible,
    )


#: Sorts that read the standing rule (in Python): every matching learner's row is built.
RULE_SORTS = ("progress", "minutes")


def in_database(filters: Filters) -> bool:
    """Whether the database can order and page these rows (no sort or filter by the rule)."""
    return filters.status is None and filters.eligible is None and filters.sort not in RULE_SORTS


def gradebook_page(
    session: Session, course: Course, filters: Filters, number: int
) -> tuple[Gradebook, Page]:
    """One page of rows: counted, ordered and paged in the database when it can, so only
    the page's learners are loaded; otherwise every row is built and then paged."""
    if not in_database(filters):
        book = gradebook(session, course, filters)
        return book, page_of(book.rows, number)
    matching = _matching(select(User.id), course, filters)
    total = session.scalar(select(func.count()).select_from(matching.subquery()))
    shown = listing.page_of(total, number, PAGE_SIZE)
    outline = course_outline(session, course)
    ordered = _ordered(matching, course, outline, filters)
    chosen = list(session.scalars(ordered.limit(PAGE_SIZE).offset(shown.offset)))
    rows = _rows_of(session, course, outline, chosen)
    book = Gradebook(course, outline.quizzes, rows)
    return book, Page(rows, shown.number, shown.count, shown.offset + 1 if rows else 0, total)


def batches(session: Session, course: Course, filters: Filters, size: int = 1000):
    """The quizzes, then every matching row in order, ``size`` learners at a time when the
    database can order them (a CSV streams them without holding them all)."""
    outline = course_outline(session, course)
    yield outline.quizzes
    if not in_database(filters):
        yield gradebook(session, course, filters).rows
        return
    ordered = _ordered(_matching(select(User.id), course, filters), course, outline, filters)
    offset = 0
    while chosen := list(session.scalars(ordered.limit(size).offset(offset))):
        yield _rows_of(session, course, outline, chosen)
        offset += size


def rows_after(
    session: Session, course: Course, filters: Filters, after: int | None, limit: int
) -> tuple[Gradebook, bool]:
    """Up to ``limit`` matching rows of learners whose id is above ``after``, by id (the API's
    cursor pages), and whether more follow. Paged in the database when it can; a filter by
    the standing rule builds every row, as the page does."""
    outline = course_outline(session, course)
    if in_database(filters):
        matching = _matching(select(User.id), course, filters)
        if after is not None:
            matching = matching.where(User.id > after)
        chosen = list(session.scalars(matching.order_by(User.id).limit(limit + 1)))
        rows = _rows_of(session, course, outline, chosen[:limit])
        return Gradebook(course, outline.quizzes, rows), len(chosen) > limit
    rows = sorted(gradebook(session, course, filters).rows, key=lambda row: row.learner.id)
    rows = [row for row in rows if after is None or row.learner.id > after]
    return Gradebook(course, outline.quizzes, rows[:limit]), len(rows) > limit


def rows_of(session: Session, course: Course, learner_ids: list[int]) -> list[Row]:
    """The rows of these enrolled learners (a page's worth), in the order given."""
    return _rows_of(session, course, course_outline(session, course), learner_ids)


def _rows_of(session: Session, course: Course, outline: CourseOutline, chosen: list[int]):
    """The rows of these learners (ids bound: a page's worth), in the order given."""
    if not chosen:
        return []
    ids = select(User.id).where(User.id.in_(chosen))
    query = (
        select(User, Enrollment.enrolled_at)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.course_id == course.id, User.id.in_(chosen))
    )
    position = {user_id: index for index, user_id in enumerate(chosen)}
    learners = sorted(_learners(session, query), key=lambda pair: position[pair[0].id])
    return _rows(session, course, outline, learners, ids)


def _rows(session, course, outline, learners, ids: Select | None) -> list[Row]:
    cells = _cells(session, outline, ids)
    standing = standings(session, course, ids, outline) if ids is not None else {}
    times = _time_on_task(session, course, ids)
    return [
        Row(
            learner,
            enrolled,
            standing[learner.id],
            cells.get(learner.id, {}),
            times.get(learner.id, 0),
        )
        for learner, enrolled in learners
    ]


def _ordered(matching: Select, course: Course, outline: CourseOutline, filters: Filters):
    """The matching learners' ids in the page's order: by name (natural order), time on
    task or one quiz's best score (no attempt lowest), then name; reversed on request."""
    key = None
    if filters.sort == "time":
        seconds = (
            select(func.sum(LessonTime.active_seconds))
            .join(Lesson, Lesson.id == LessonTime.lesson_id)
            .where(Lesson.course_id == course.id, LessonTime.user_id == User.id)
        )
        key = func.coalesce(seconds.scalar_subquery(), 0)
    quiz = next((q for q in outline.quizzes if q.slug == filters.sort), None)
    if quiz is not None:
        best = select(func.max(Attempt.score)).where(
            Attempt.user_id == User.id, Attempt.quiz_id == quiz.id
        )
        key = func.coalesce(best.scalar_subquery(), -1.0)
    order = [key] if key is not None else []
    order += [User.name_key, User.id]
    return matching.order_by(*(o.desc() if filters.descending else o for o in order))


def _learners(session: Session, query: Select) -> list[tuple[User, datetime]]:
    return [(user, enrolled) for user, enrolled in session.execute(query.order_by(User.name_key))]


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
    if filters.search:
        query = query.where(matches(filters.search))
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
        name = row.learner.name_key
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
    return "".join(csv_lines(book.quizzes, [book.rows]))


def csv_lines(quizzes: tuple[QuizItem, ...], batches_of_rows) -> Iterator[str]:
    """CSV lines, the header first, from batches of rows: a response can stream them."""
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    quiz_headers = [h for q in quizzes for h in (f"{q.title}: best %", f"{q.title}: attempts")]
    writer.writerow([*HEADERS[:7], *quiz_headers, HEADERS[7]])
    for rows in batches_of_rows:
        for row in rows:
            writer.writerow(_csv_row(quizzes, row))
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


HEADERS = (
    "Name",
    "E-mail",
    "Registration",
    "Enrolled",
    "Lessons done",
    "CE minutes",
    "Time on task (minutes)",
    "Status",
)


def _csv_row(quizzes: tuple[QuizItem, ...], row: Row) -> list:
    cells = [row.cells.get(q.id) for q in quizzes]
    quiz_values = [
        v
        for c in cells
        for v in (
            (score_percent(c.best) if c and c.best is not None else ""),
            (c.attempts if c else 0),
        )
    ]
    return [
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
