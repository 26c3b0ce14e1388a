"""Running a job: claim it, do each unfinished unit in its own transaction, finish.

Why it is safe to run a job twice, at once or after a crash: a unit's work and its
``job_units`` row commit together, and (job, subject) is unique, so a unit that committed is
skipped and a unit that did not left nothing behind. A lease (``lease_until``, renewed after
each unit) keeps a second runner away while the first is alive; when the first dies, the
lease lapses and the job is claimed again (see :func:`run_job` and ``recover`` in tasks.py).
"""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from course_app.db import get_session, utcnow
from course_app.exceptions import DomainError
from course_app.jobs.kinds import Kind, kind_of
from course_app.jobs.models import Job, JobUnit

logger = logging.getLogger(__name__)

UNEXPECTED = "Unexpected error; the server log has the details."


def _lease(now):
    return now + timedelta(seconds=current_app.config["JOBS_LEASE_SECONDS"])


def claim(session: Session, job_id: int) -> bool:
    """Take the job if it is unfinished and nobody holds a live lease on it (committed)."""
    now = utcnow()
    claimed = session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            Job.status != "finished",
            (Job.lease_until.is_(None)) | (Job.lease_until < now),
        )
        .values(
            status="running",
            lease_until=_lease(now),
            started_at=func.coalesce(Job.started_at, now),
        )
    )
    session.commit()
    return claimed.rowcount == 1


def run_job(job_id: int) -> float | None:
    """Run the job to its end. Returns None when it is finished (or unknown), or the seconds
    after which to try again when another runner holds it."""
    session = get_session()
    job = session.get(Job, job_id)
    if job is None or job.status == "finished":
        return None
    if not claim(session, job_id):
        session.refresh(job)
        if job.status == "finished":
            return None
        return max((job.lease_until - utcnow()).total_seconds(), 0) + 1
    kind = kind_of(job)
    finished = set(session.scalars(select(JobUnit.subject_id).where(JobUnit.job_id == job_id)))
    for subject in job.subjects:
        if subject not in finished:
            _run_unit(session, job, kind, subject)
    job.result = kind.finish(session, job) if kind.finish else {}
    job.status, job.finished_at, job.lease_until = "finished", utcnow(), None
    session.commit()
    return None


def _run_unit(session: Session, job: Job, kind: Kind, subject: int) -> None:
    label = ""
    try:
        label = kind.label(session, job, subject)
        # The unit's row first: its INSERT opens the transaction, so everything the unit
        # writes commits with it. On SQLite, pysqlite opens a transaction only at a write; a
        # SAVEPOINT (certificates' _store uses one) opening it instead would be committed by
        # its RELEASE, before the unit's audit entry and row.
        unit = JobUnit(job_id=job.id, subject_id=subject, outcome="done", label=label[:200])
        session.add(unit)
        session.flush()
        kind.run_unit(session, job, subject)
        _count_and_commit(session, job)
    except IntegrityError:
        # Another runner finished this unit first: its row stands, ours is rolled back.
        session.rollback()
    except DomainError as error:
        session.rollback()
        _record_failure(session, job, subject, label, error.message)
    except DBAPIError:
        session.rollback()
        raise  # the database went away: retry the job later, nothing of this unit is stored
    except Exception:
        logger.exception("Job %s failed on subject %s", job.id, subject)
        session.rollback()
        _record_failure(session, job, subject, label, UNEXPECTED)


def _record_failure(session: Session, job: Job, subject: int, label: str, message: str) -> None:
    failed = JobUnit(
        job_id=job.id, subject_id=subject, outcome="failed", label=label[:200], message=message
    )
    try:
        session.add(failed)
        session.flush()
        _count_and_commit(session, job)
    except IntegrityError:
        session.rollback()


def _count_and_commit(session: Session, job: Job) -> None:
    """Count the job's finished units and renew its lease, in the unit's commit."""
    units = select(func.count()).where(JobUnit.job_id == job.id).scalar_subquery()
    session.execute(
        update(Job).where(Job.id == job.id).values(done=units, lease_until=_lease(utcnow()))
    )
    session.commit()
    session.refresh(job)
