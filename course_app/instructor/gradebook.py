"""The gradebook: learners × quizzes for one course, in a fixed number of queries.

Filters narrow the learners (cohort, enrolment dates, status); sorting is by name, progress,
CE minutes, time on task or one quiz's best score. Progress, minutes and status come from
each learner's stored standing (``enrolment_standings``, the rule's result kept by
``course_app.standing_store``), so the database filters, orders, counts and pages every
sort; only the rows shown are built. The same rows feed the page and the CSV export.
"""

import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, load_only

from course_app import listing, spreadsheet
from course_app.auth.models import User
from course_app.instructor.candidates import matches
from course_app.instructor.models import CohortMember
from course_app.modules.models import Course, Enrollment, EnrolmentStanding, Lesson, LessonTime
from course_app.modules.services import CourseOutline, course_outline
from course_app.progress import QuizItem
from course_app.quizzes.grading import score_percent
from course_app.quizzes.models import Attempt

STATUSES = ("not-started", "in-progress", "complete")
#: Rows per page on screen; the CSV export has every row.
PAGE_SIZE = 100
#: Learners per round trip when every row is read (the CSV).
BATCH = 1000
#: What a row shows of a learner.
LEARNER_COLUMNS = (User.id, User.full_name, User.email, User.registration_number, User.name_key)


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
    eligible: bool | None = None  # for a certificate, by the stored standing (or either)


@dataclass(frozen=True)
class Cell:
    best: float | None
    attempts: int
    passed: bool


@dataclass
class Row:
    learner: User
    enrolled_at: datetime
    #: The stored standing (the rule's result when an input last changed).
    standing: EnrolmentStanding
    cells: dict[int, Cell] = field(default_factory=dict)
    #: Time on task recorded on the course's lessons (course_app/modules/lesson_time.py).
    time_seconds: int = 0

    @property
    def progress(self) -> EnrolmentStanding:
        return self.standing

    @property
    def status(self) -> str:
        if self.standing.complete:
            return "complete"
        started = self.standing.lessons_done or self.cells
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
    """Every matching row, filtered and sorted (what the CSV holds), read in batches."""
    parts = batches(session, course, filters)
    quizzes = next(parts)
    return Gradebook(course, quizzes, [row for part in parts for row in part])


def gradebook_page(
    session: Session, course: Course, filters: Filters, number: int
) -> tuple[Gradebook, Page]:
    """One page of rows: counted, filtered, ordered and paged in the database, so only the
    page's learners are loaded."""
    outline = course_outline(session, course)
    matching = _matching(select(User.id), course, outline, filters)
    total = session.scalar(select(func.count()).select_from(matching.subquery()))
    shown = listing.page_of(total, number, PAGE_SIZE)
    listed = _listed(course, outline, filters).limit(PAGE_SIZE).offset(shown.offset)
    rows = _rows(session, course, outline, session.execute(listed).all())
    book = Gradebook(course, outline.quizzes, rows)
    return book, Page(rows, shown.number, shown.count, shown.offset + 1 if rows else 0, total)


def batches(session: Session, course: Course, filters: Filters, size: int = BATCH):
    """The quizzes, then every matching row in order, ``size`` learners at a time, read
    through one query with ``yield_per`` (a CSV streams them without holding them all)."""
    outline = course_outline(session, course)
    yield outline.quizzes
    listed = _listed(course, outline, filters).execution_options(yield_per=size)
    for part in session.execute(listed).partitions():
        rows = _rows(session, course, outline, part)
        yield rows
        for row in rows:  # a streamed CSV keeps no learner it has written
            session.expunge(row.learner)
            if row.standing in session:
                session.expunge(row.standing)


def rows_after(
    session: Session, course: Course, filters: Filters, after: int | None, limit: int
) -> tuple[Gradebook, bool]:
    """Up to ``limit`` matching rows of learners whose id is above ``after``, by id (the API's
    cursor pages), and whether more follow: filtered and paged in the database."""
    outline = course_outline(session, course)
    query = select(User, Enrollment.enrolled_at, EnrolmentStanding).options(
        load_only(*LEARNER_COLUMNS)
    )
    query = _matching(query, course, outline, filters)
    if after is not None:
        query = query.where(User.id > after)
    listed = session.execute(query.order_by(User.id).limit(limit + 1)).all()
    rows = _rows(session, course, outline, listed[:limit])
    return Gradebook(course, outline.quizzes, rows), len(listed) > limit


def rows_of(session: Session, course: Course, learner_ids: list[int]) -> list[Row]:
    """The rows of these enrolled learners (a page's worth), in the order given."""
    if not learner_ids:
        return []
    outline = course_outline(session, course)
    query = select(User, Enrollment.enrolled_at, EnrolmentStanding).options(
        load_only(*LEARNER_COLUMNS)
    )
    query = _matching(query, course, outline, Filters()).where(User.id.in_(learner_ids))
    position = {user_id: index for index, user_id in enumerate(learner_ids)}
    listed = sorted(session.execute(query).all(), key=lambda found: position[found[0].id])
    return _rows(session, course, outline, listed)


def selected(row: Row, filters: Filters) -> bool:
    """Whether a built row passes the status and eligible filters (what ``_matching`` asks
    the database; for rows gathered another way, such as the API's enrolments)."""
    return filters.status in (None, row.status) and filters.eligible in (
        None,
        row.standing.eligible,
    )


def _listed(course: Course, outline: CourseOutline, filters: Filters) -> Select:
    """The matching learners with their enrolment date and stored standing, in order."""
    query = select(User, Enrollment.enrolled_at, EnrolmentStanding).options(
        load_only(*LEARNER_COLUMNS)
    )
    return _ordered(_matching(query, course, outline, filters), course, outline, filters)


def _rows(session: Session, course: Course, outline: CourseOutline, listed) -> list[Row]:
    """The rows of these listed learners (a page's or a batch's worth), in their order."""
    if not listed:
        return []
    chosen = [learner.id for learner, _enrolled, _standing in listed]
    cells = _cells(session, outline, chosen)
    times = _time_on_task(session, course, chosen)
    return [
        Row(
            learner,
            enrolled,
            standing or _not_stored(learner.id, course.id),
            cells.get(learner.id, {}),
            times.get(learner.id, 0),
        )
        for learner, enrolled, standing in listed
    ]


def _not_stored(user_id: int, course_id: int) -> EnrolmentStanding:
    """A learner whose standing is not stored yet (a bulk import before its recompute)."""
    return EnrolmentStanding(
        user_id=user_id,
        course_id=course_id,
        lessons_done=0,
        quizzes_passed=0,
        final_passed=False,
        minutes_done=0,
        practical_required=False,
        practical_done=False,
        practical_hours=0.0,
        licence_verified=False,
        evaluation_done=False,
        complete=False,
        eligible=False,
        percent=0,
    )


def _ordered(query: Select, course: Course, outline: CourseOutline, filters: Filters) -> Select:
    """In the page's order: by name (natural order), progress, CE minutes, time on task or
    one quiz's best score (no attempt lowest), then name; reversed on request."""
    key = None
    if filters.sort == "progress":
        key = func.coalesce(EnrolmentStanding.percent, 0)
    elif filters.sort == "minutes":
        key = func.coalesce(EnrolmentStanding.minutes_done, 0)
    elif filters.sort == "time":
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
    return query.order_by(*(o.desc() if filters.descending else o for o in order))


def _matching(query: Select, course: Course, outline: CourseOutline, filters: Filters) -> Select:
    """Narrow a query over users to the course's learners that the filters select, with
    their stored standing joined (outer: a learner not stored yet still shows)."""
    query = (
        query.join(Enrollment, Enrollment.user_id == User.id)
        .outerjoin(
            EnrolmentStanding,
            and_(
                EnrolmentStanding.user_id == User.id,
                EnrolmentStanding.course_id == Enrollment.course_id,
            ),
        )
        .where(Enrollment.course_id == course.id)
    )
    if filters.learner_id is not None:
        query = query.where(User.id == filters.learner_id)
    if filters.search:
        query = query.where(matches(filters.search))
    if filters.eligible is not None:
        query = query.where(func.coalesce(EnrolmentStanding.eligible, False) == filters.eligible)
    if filters.cohort_id is not None:
        query = query.join(CohortMember, CohortMember.user_id == User.id).where(
            CohortMember.cohort_id == filters.cohort_id
        )
    if filters.enrolled_from:
        query = query.where(Enrollment.enrolled_at >= _start_of(filters.enrolled_from))
    if filters.enrolled_to:
        query = query.where(Enrollment.enrolled_at < _start_of(filters.enrolled_to, next_day=True))
    if filters.status is not None:
        query = query.where(_status_is(filters.status, outline))
    return query


def _status_is(status: str, outline: CourseOutline):
    """Row.status as SQL: complete (stored), else started (a lesson done or any attempt at
    one of the course's quizzes), else not started."""
    complete = func.coalesce(EnrolmentStanding.complete, False)
    if status == "complete":
        return complete
    attempted = exists().where(
        Attempt.user_id == User.id, Attempt.quiz_id.in_([q.id for q in outline.quizzes])
    )
    started = or_(func.coalesce(EnrolmentStanding.lessons_done, 0) > 0, attempted)
    return and_(~complete, started if status == "in-progress" else ~started)


def _start_of(day: date, next_day: bool = False) -> datetime:
    moment = datetime.combine(day, time.min, tzinfo=UTC)
    return moment + timedelta(days=1) if next_day else moment


def _time_on_task(session: Session, course: Course, ids: list[int]) -> dict[int, int]:
    """Seconds of time on task per learner, over the course's lessons (archived ones too:
    the time was spent)."""
    rows = session.connection().execute(  # Core, not ORM rows: see standings.completed_lessons
        select(LessonTime.user_id, func.sum(LessonTime.active_seconds))
        .join(Lesson, Lesson.id == LessonTime.lesson_id)
        .where(Lesson.course_id == course.id, LessonTime.user_id.in_(ids))
        .group_by(LessonTime.user_id)
    )
    return {user_id: int(seconds) for user_id, seconds in rows}


def _cells(session: Session, outline: CourseOutline, ids: list[int]) -> dict[int, dict[int, Cell]]:
    quiz_ids = [quiz.id for quiz in outline.quizzes]
    if not quiz_ids:
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
