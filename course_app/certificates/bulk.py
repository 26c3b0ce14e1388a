"""Issuing certificates to many learners as a background job (course_app/jobs): each learner
is one unit, issued in its own transaction with the unit's row, so a job killed halfway and
run again issues nobody twice (and the database's one-valid-certificate index stands behind
that). A learner who cannot have one (not eligible, already certified) is a failure with the
reason; the job goes on with the others."""

from flask import Flask, current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.auth.models import User
from course_app.certificates import services
from course_app.certificates.keys import load_keys
from course_app.exceptions import DomainError
from course_app.jobs.kinds import Kind, register_kind
from course_app.jobs.models import Job
from course_app.modules.models import Course

KIND = "certificates.issue"


def _label(session: Session, job: Job, learner_id: int) -> str:
    learner = session.get(User, learner_id)
    return learner.full_name if learner else f"Learner #{learner_id}"


def _issue_one(session: Session, job: Job, learner_id: int) -> None:
    course = session.scalar(select(Course).where(Course.slug == job.params["course"]))
    if course is None or course.is_archived:
        raise DomainError("The course no longer issues certificates.")
    # The address the admin used when starting the job: QR codes and credential ids then
    # match a synchronous issue's, with or without PUBLIC_BASE_URL.
    issuer = services.Issuer(
        current_app.config["ISSUER_NAME"],
        job.params["base_url"],
        load_keys(current_app.instance_path),
    )
    services.issue(session, course, learner_id, issuer, job.created_by_id)


def _back(job: Job) -> str:
    return url_for("certificates.queue")


def init_app(app: Flask) -> None:
    register_kind(
        app,
        KIND,
        Kind(title="Issue certificates", label=_label, run_unit=_issue_one, back=_back),
    )
