"""A course's gradebook as CSV, written by a background job: with thousands of learners it
takes longer to read and format than a request should."""

from dataclasses import asdict
from datetime import date

from flask import Flask, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.exceptions import DomainError
from course_app.instructor import gradebook
from course_app.jobs.files import write_export
from course_app.jobs.kinds import Kind, register_kind
from course_app.jobs.models import Job
from course_app.modules.models import Course

KIND = "export.gradebook_csv"


def filter_params(course: Course, filters: gradebook.Filters) -> dict:
    """The course and the filters as plain data for the job's row."""
    params = asdict(filters)
    for key in ("enrolled_from", "enrolled_to"):
        params[key] = params[key].isoformat() if params[key] else None
    return {"course": course.slug, "filters": params}


def _filters(params: dict) -> gradebook.Filters:
    values = dict(params)
    for key in ("enrolled_from", "enrolled_to"):
        values[key] = date.fromisoformat(values[key]) if values[key] else None
    return gradebook.Filters(**values)


def _export(session: Session, job: Job, _subject: int) -> None:
    course = session.scalar(select(Course).where(Course.slug == job.params["course"]))
    if course is None:
        raise DomainError("The course no longer exists.")
    batches = gradebook.batches(session, course, _filters(job.params["filters"]))
    quizzes = next(batches)
    write_export(job.id, gradebook.csv_lines(quizzes, batches))


def _finish(session: Session, job: Job) -> dict:
    return {"filename": f"gradebook-{job.params['course']}-{job.created_at:%Y-%m-%d}.csv"}


def init_app(app: Flask) -> None:
    register_kind(
        app,
        KIND,
        Kind(
            title="Export the gradebook",
            label=lambda _session, job, _subject: f"The gradebook of {job.params['course']}",
            run_unit=_export,
            finish=_finish,
            back=lambda job: url_for("instructor.gradebook", course_slug=job.params["course"]),
        ),
    )
