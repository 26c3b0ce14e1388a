"""A regrade touching many attempts, as a background job: the key is fixed (and the Regrade
recorded) in the instructor's request; each affected attempt is then one unit, regraded in
its own transaction with its unit row, so a job run twice regrades no attempt twice (and
attempt_regrades is unique per regrade and attempt)."""

from flask import Flask, current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.auth.models import User
from course_app.exceptions import DomainError
from course_app.instructor import regrading
from course_app.jobs.kinds import Kind, register_kind
from course_app.jobs.models import Job
from course_app.quizzes.models import Attempt, Regrade

KIND = "quizzes.regrade"


def runs_as_job(attempt_count: int) -> bool:
    return attempt_count > current_app.config["REGRADE_JOB_ATTEMPTS"]


def _label(session: Session, job: Job, attempt_id: int) -> str:
    row = session.execute(
        select(User.full_name, Attempt.number)
        .join(Attempt, Attempt.user_id == User.id)
        .where(Attempt.id == attempt_id)
    ).first()
    return f"{row.full_name}, attempt {row.number}" if row else f"Attempt #{attempt_id}"


def _regrade_one(session: Session, job: Job, attempt_id: int) -> None:
    regrade = session.get(Regrade, job.params["regrade_id"])
    if regrade is None:
        raise DomainError("The regrade no longer exists.")
    attempt = session.get(Attempt, attempt_id)
    if attempt is None:
        raise DomainError("The attempt no longer exists.")
    regrading.regrade_attempt(session, regrade, attempt, job.created_by_id)


def _back(job: Job) -> str:
    return url_for("instructor.quizzes", course_slug=job.params["course"])


def init_app(app: Flask) -> None:
    register_kind(
        app, KIND, Kind(title="Regrade attempts", label=_label, run_unit=_regrade_one, back=_back)
    )
