"""Each learner's standing kept as data (``enrolment_standings``), so that staff lists sort,
filter, count and page in SQL instead of running the rule for every learner on each request.

The rule stays single and pure (``requirements.py``, loaded by ``standings.py``): these
functions only run it and store its result. Whatever changes an input of the rule (a lesson
completed, an attempt graded or regraded, a practical result or hours, a cohort seat, the
licence check, an evaluation answered, an enrolment) calls :func:`refresh_standing` in the
same transaction; a change of content (lessons, quizzes, minutes) recomputes the whole course
through the jobs queue (:func:`submit_recompute`); ``flask recompute-standings`` rebuilds any.
Services here never commit.
"""

import uuid
from collections.abc import Iterable

import click
from flask import Flask, url_for
from flask.cli import with_appcontext
from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from course_app.auth.models import User
from course_app.db import get_session, utcnow
from course_app.exceptions import DomainError
from course_app.jobs.kinds import Kind, register_kind
from course_app.jobs.models import Job
from course_app.modules.models import Course, Enrollment, EnrolmentStanding
from course_app.modules.services import course_outline
from course_app.requirements import CourseStanding
from course_app.standings import enrolled, standings

KIND = "standings.recompute"
#: Learners recomputed per round trip when a whole course is rebuilt.
BATCH = 1000


def stored_values(standing: CourseStanding) -> dict:
    """What is kept of a standing: the figures staff lists sort and filter by."""
    progress = standing.progress
    return {
        "lessons_done": progress.lessons_done,
        "quizzes_passed": progress.quizzes_passed,
        "final_passed": progress.final_exam_passed,
        "minutes_done": progress.minutes_done,
        "practical_required": progress.practical_required,
        "practical_done": progress.practical_passed,
        "practical_hours": float(standing.practical.hours),
        "licence_verified": standing.licence_verified,
        "evaluation_done": progress.evaluation_done,
        "complete": progress.is_complete,
        "eligible": standing.eligible,
        "percent": progress.percent,
    }


def refresh_standing(session: Session, user_id: int, course_id: int) -> None:
    """Run the rule for one learner in one course and store its result (nothing kept when
    they are not enrolled): the rule's queries and one upsert. Never commits."""
    course = session.get(Course, course_id)
    if course is None:
        return
    session.flush()  # the rule reads what this transaction just wrote
    found = standings(session, course, enrolled(course).where(User.id == user_id))
    standing = found.get(user_id)
    if standing is None:
        session.execute(
            delete(EnrolmentStanding).where(
                EnrolmentStanding.user_id == user_id, EnrolmentStanding.course_id == course_id
            )
        )
        return
    values = {**stored_values(standing), "updated_at": utcnow()}
    session.execute(_upsert(session, {"user_id": user_id, "course_id": course_id, **values}))


def _upsert(session: Session, values: dict):
    """INSERT … ON CONFLICT DO UPDATE: one statement, and two requests refreshing the same
    learner at once cannot both insert."""
    dialect = session.get_bind().dialect.name
    insert_of = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_of(EnrolmentStanding).values(**values)
    keys = ("user_id", "course_id")
    changed = {name: statement.excluded[name] for name in values if name not in keys}
    return statement.on_conflict_do_update(index_elements=list(keys), set_=changed)


def refresh_learner(session: Session, user_id: int) -> None:
    """Every course the learner is enrolled in (the licence check is in all of them)."""
    for course_id in session.scalars(
        select(Enrollment.course_id).where(Enrollment.user_id == user_id)
    ).all():
        refresh_standing(session, user_id, course_id)


def refresh_learners(session: Session, user_ids: Iterable[int], course_id: int) -> None:
    for user_id in dict.fromkeys(user_ids):
        refresh_standing(session, user_id, course_id)


def recompute_course(session: Session, course: Course, batch: int = BATCH) -> int:
    """Rebuild the stored standing of every learner of the course, ``batch`` at a time (the
    rule's loaders read a batch in a fixed number of queries); returns how many. Never
    commits."""
    session.flush()
    outline = course_outline(session, course)
    session.execute(
        delete(EnrolmentStanding).where(
            EnrolmentStanding.course_id == course.id,
            EnrolmentStanding.user_id.not_in(enrolled(course)),
        )
    )
    after, count = 0, 0
    while chosen := list(
        session.scalars(enrolled(course).where(User.id > after).order_by(User.id).limit(batch))
    ):
        found = standings(session, course, enrolled(course).where(User.id.in_(chosen)), outline)
        session.execute(
            delete(EnrolmentStanding).where(
                EnrolmentStanding.course_id == course.id, EnrolmentStanding.user_id.in_(chosen)
            )
        )
        now = utcnow()
        rows = [
            {"user_id": u, "course_id": course.id, "updated_at": now, **stored_values(s)}
            for u, s in found.items()
        ]
        if rows:
            session.execute(insert(EnrolmentStanding), rows)
        after, count = chosen[-1], count + len(rows)
    session.expire_all()  # ORM copies of the rows just replaced
    return count


def courses_to_recompute(session: Session, everything: bool = False) -> list[int]:
    """The courses with learners: all of them, or (``everything`` false) those whose stored
    standings do not match their enrolments in number."""
    enrolments = (
        select(Enrollment.course_id, func.count().label("n"))
        .group_by(Enrollment.course_id)
        .subquery()
    )
    stored = (
        select(EnrolmentStanding.course_id, func.count().label("n"))
        .group_by(EnrolmentStanding.course_id)
        .subquery()
    )
    query = select(enrolments.c.course_id).outerjoin(
        stored, stored.c.course_id == enrolments.c.course_id
    )
    if not everything:
        query = query.where(func.coalesce(stored.c.n, 0) != enrolments.c.n)
    return list(session.scalars(query.order_by(enrolments.c.course_id)))


def submit_recompute(session: Session, course_ids: Iterable[int], actor_id: int | None) -> Job:
    """Put a recompute of these courses on the jobs queue (a content change moved every
    learner's figures). Commits, as ``jobs.queue.submit`` does: call it after the change's
    own commit."""
    from course_app.jobs import queue  # the queue module imports the app's runner

    return queue.submit(session, KIND, list(course_ids), actor_id, uuid.uuid4().hex)


def _label(session: Session, job: Job, course_id: int) -> str:
    course = session.get(Course, course_id)
    return course.title if course else f"Course #{course_id}"


def _recompute_unit(session: Session, job: Job, course_id: int) -> None:
    course = session.get(Course, course_id)
    if course is None:
        raise DomainError("The course no longer exists.")
    recompute_course(session, course)


def _back(job: Job) -> str:
    return url_for("instructor.index")  # the workspace: whoever changed the content sees it


@click.command("recompute-standings")
@with_appcontext
@click.option("--course", "slug", default=None, help="One course's slug; default: every course.")
def recompute_command(slug: str | None) -> None:
    """Rebuild every learner's stored standing from the rule (after a restore, a bulk import
    or a change made outside the app); one transaction."""
    session = get_session()
    query = select(Course).order_by(Course.id)
    if slug is not None:
        query = query.where(Course.slug == slug)
    courses = session.scalars(query).all()
    if not courses:
        raise click.ClickException(f"No course {slug!r}." if slug else "No course loaded.")
    counts = [(course.slug, recompute_course(session, course)) for course in courses]
    session.commit()
    for course_slug, count in counts:
        click.echo(f"{course_slug}: {count} standings recomputed.")


def init_app(app: Flask) -> None:
    app.cli.add_command(recompute_command)
    register_kind(
        app,
        KIND,
        Kind(
            title="Recompute learners' standings",
            label=_label,
            run_unit=_recompute_unit,
            back=_back,
        ),
    )
