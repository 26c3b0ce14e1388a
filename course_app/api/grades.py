"""Staff reads: a course's gradebook, enrolments, one learner's standing. The rows come from
the gradebook's own service (course_app/instructor/gradebook.py) and the standing rule; who
may read them from course_app/permissions.py, as on the pages."""

from flask import abort
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from course_app import permissions
from course_app.api.auth import SECURITY, has_scope, require_scope, token_user, with_scope
from course_app.api.filters import GradebookArgs, RuleArgs, filters_of
from course_app.api.learners import standing_item
from course_app.api.schemas import (
    EnrolmentPageSchema,
    GradebookPageSchema,
    LearnerStandingSchema,
)
from course_app.api.slugs import course_or_404
from course_app.auth.models import User
from course_app.bounded import MAX_ID
from course_app.db import get_session
from course_app.instructor import gradebook
from course_app.instructor.candidates import matches
from course_app.modules.models import SLUG_LENGTH, Course, Enrollment
from course_app.quizzes.content import FINAL_EXAM_SLUG
from course_app.requirements import CourseStanding
from course_app.standings import learner_standing, standings
from course_app.toml_source import SLUG_PATTERN

blp = Blueprint("api_grades", __name__, description="Gradebooks, enrolments and standing (staff)")

GRADEBOOK = "read:gradebook"


def _learner(user: User) -> dict:
    return {
        "id": user.id,
        "full_name": user.full_name,
        "email": user.email,
        "registration_number": user.registration_number,
    }


def _cell(quiz, cell) -> dict:
    return {
        "quiz": quiz.slug,
        "title": quiz.title,
        "best": cell.best if cell else None,
        "attempts": cell.attempts if cell else 0,
        "passed": bool(cell and cell.passed),
    }


def _row(quizzes, row: gradebook.Row, standing: CourseStanding) -> dict:
    """A gradebook row with the learner's live standing (the rule, for its requirements'
    details; the stored one chose and ordered the rows)."""
    progress = standing.progress
    cells = {q.slug: _cell(q, row.cells.get(q.id)) for q in quizzes}
    cohort = standing.practical.cohort
    return {
        "learner": _learner(row.learner),
        "enrolled_at": row.enrolled_at,
        "status": row.status,
        "percent": progress.percent,
        "lessons_done": progress.lessons_done,
        "lessons_total": progress.lessons_total,
        "minutes_done": progress.minutes_done,
        "quizzes": [cell for slug, cell in cells.items() if slug != FINAL_EXAM_SLUG],
        "final_exam": cells.get(FINAL_EXAM_SLUG),
        "practical": {
            "required": bool(standing.checklist),
            "status": str(standing.practical_status),
            "hours": standing.practical.hours,
            "minimum_hours": standing.minimum_hours,
            "cohort": cohort.name if cohort else None,
        },
        "eligible": standing.eligible,
        "requirements": [
            {"label": r.label, "met": r.met, "detail": r.detail} for r in standing.requirements
        ],
    }


def _ids(rows: list[gradebook.Row]) -> list[int]:
    return [row.learner.id for row in rows]


def _cursor(args: dict) -> int | None:
    return min(int(args["cursor"]), MAX_ID) if "cursor" in args else None


@blp.route("/courses/<course_slug>/gradebook")
@blp.doc(security=SECURITY)
@with_scope(None)  # the token first (401), then its parameters (422); scopes below
@blp.arguments(GradebookArgs, location="query", as_kwargs=True)
@blp.response(200, GradebookPageSchema)
def course_gradebook(course_slug: str, user, **args):
    """The course's gradebook rows, by learner id, filtered as on the gradebook page: for
    the course's instructors and administrators."""
    require_scope(GRADEBOOK)
    course = course_or_404(course_slug)
    permissions.require(permissions.can_teach(user, course.id), "You do not teach this course.")
    session = get_session()
    book, more = gradebook.rows_after(
        session, course, filters_of(args), _cursor(args), args["limit"]
    )
    rows = book.rows
    live = standings(session, course, select(User.id).where(User.id.in_(_ids(rows))))
    return {
        "course": course.slug,
        "items": [_row(book.quizzes, row, live[row.learner.id]) for row in rows],
        "next_cursor": str(rows[-1].learner.id) if more else None,
    }


class EnrolmentArgs(RuleArgs):
    course = fields.String(
        validate=[validate.Length(max=SLUG_LENGTH), validate.Regexp(SLUG_PATTERN.pattern)],
        metadata={"description": "A course's slug"},
    )


#: Enrolments read per round when a status or eligible filter is checked on the built rows.
CHUNK = 500


@blp.route("/enrolments")
@blp.doc(security=SECURITY)
@with_scope(None)  # the token first (401), then its parameters (422); scopes below
@blp.arguments(EnrolmentArgs, location="query", as_kwargs=True)
@blp.response(200, EnrolmentPageSchema)
def enrolments(user, **args):
    """Enrolments by id: your own (read:self), or with read:gradebook those of the courses
    you teach (every course's for an administrator); filtered as the gradebook is."""
    query = _visible_enrolments(user, args.get("course"))
    if args.get("search", "").strip():
        query = query.join(User, User.id == Enrollment.user_id).where(
            matches(args["search"].strip())
        )
    filters = filters_of(args)
    found, more = _selected(get_session(), query, filters, _cursor(args), args["limit"])
    return {
        "items": [_enrolment(enrolment, slug, row) for enrolment, slug, row in found],
        "next_cursor": str(found[-1][0].id) if more else None,
    }


def _visible_enrolments(user: User, course_slug: str | None):
    """The enrolments this token may list: the course's instructors' and administrators'
    (read:gradebook, the gradebook's permission), else the owner's own (read:self)."""
    query = select(Enrollment, Course.slug).join(Course, Course.id == Enrollment.course_id)
    course = course_or_404(course_slug) if course_slug else None
    if course is not None:
        query = query.where(Enrollment.course_id == course.id)
    if permissions.is_staff(user) and has_scope(GRADEBOOK):
        if course is not None:
            allowed = permissions.can_teach(user, course.id)
            permissions.require(allowed, "You do not teach this course.")
        taught = permissions.gradebook_course_ids(user)
        return query if taught is None else query.where(Enrollment.course_id.in_(taught))
    require_scope("read:self")
    return query.where(Enrollment.user_id == user.id)


def _selected(session, query, filters, after: int | None, limit: int):
    """Up to ``limit`` enrolments after the cursor whose gradebook row passes the filters
    (gradebook.selected: the stored standing), and whether more follow."""
    by_standing = filters.status is not None or filters.eligible is not None
    chunk = CHUNK if by_standing else limit + 1
    found = []
    while len(found) <= limit:
        page = query.where(Enrollment.id > after) if after is not None else query
        batch = session.execute(page.order_by(Enrollment.id).limit(chunk)).all()
        rows = _rows(session, [enrolment for enrolment, _slug in batch])
        for enrolment, slug in batch:
            row = rows[enrolment.course_id, enrolment.user_id]
            if gradebook.selected(row, filters):
                found.append((enrolment, slug, row))
        if len(batch) < chunk:
            break
        after = batch[-1][0].id
    return found[:limit], len(found) > limit


def _rows(session, batch: list[Enrollment]) -> dict[tuple[int, int], gradebook.Row]:
    """The gradebook's row of each enrolment, built per course (a fixed number of queries
    per course in the batch)."""
    by_course: dict[int, list[int]] = {}
    for enrolment in batch:
        by_course.setdefault(enrolment.course_id, []).append(enrolment.user_id)
    rows = {}
    for course_id, learner_ids in by_course.items():
        course = session.get(Course, course_id)
        for row in gradebook.rows_of(session, course, learner_ids):
            rows[course_id, row.learner.id] = row
    return rows


def _enrolment(enrolment: Enrollment, slug: str, row: gradebook.Row) -> dict:
    return {
        "id": enrolment.id,
        "course": slug,
        "learner": _learner(row.learner),
        "enrolled_at": enrolment.enrolled_at,
        "status": row.status,
        "percent": row.progress.percent,
        "eligible": row.standing.eligible,
    }


@blp.route("/users/<int:user_id>/standing")
@blp.doc(security=SECURITY)
@blp.response(200, LearnerStandingSchema)
def user_standing(user_id: int):
    """A learner's standing in each of their courses: yours (read:self), or with
    read:gradebook a learner of a course you teach (its courses you teach; every course for
    an administrator). Any other learner does not exist for the token (404)."""
    user = token_user(None)
    session = get_session()
    learner = session.get(User, user_id) or abort(404, "No such learner.")
    courses = session.execute(
        select(Course.id, Course.slug)
        .join(Enrollment, Enrollment.course_id == Course.id)
        .where(Enrollment.user_id == learner.id)
        .order_by(Course.position, Course.id)
    ).all()
    if learner.id == user.id and has_scope("read:self"):
        shown = courses
    else:
        require_scope(GRADEBOOK)
        if not permissions.can_see_learner(user, frozenset(c for c, _slug in courses)):
            abort(404, "No such learner.")
        shown = [(c, slug) for c, slug in courses if permissions.can_teach(user, c)]
    items = []
    for course_id, slug in shown:
        standing = learner_standing(session, course_id, learner.id)
        if standing is not None:
            items.append(standing_item(slug, standing))
    return {"learner": _learner(learner), "items": items}
