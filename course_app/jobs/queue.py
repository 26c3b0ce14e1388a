"""The queue: Huey on a SQLite file in the instance folder, or on Redis when configured.

The web app puts a job's id on the queue after the job's row is committed; a consumer
(``flask jobs-worker``) takes it and runs it in an app context. Everything a job needs is in
the database, so the queue only carries ids: a message lost with a dead consumer or a Redis
outage costs a delay, never work (``recover`` puts unfinished jobs back).
"""

import logging
import os
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course_app.db import get_session, utcnow
from course_app.jobs import runner, services
from course_app.jobs.models import Job

logger = logging.getLogger(__name__)

HUEY_KEY = "course_app.jobs.huey"
TASKS_KEY = "course_app.jobs.tasks"


def sqlite_file(app: Flask) -> Path:
    configured = app.config["JOBS_SQLITE_FILE"]
    return Path(app.instance_path, configured or "jobs.sqlite")


def make_huey(app: Flask) -> Huey:
    """The queue of this app; nothing is opened until it is first used."""
    immediate = app.config["JOBS_IMMEDIATE"]
    if immediate is None:
        immediate = app.testing
    name = app.config["JOBS_QUEUE_NAME"]
    if app.config["JOBS_REDIS_URL"]:
        return RedisHuey(name, url=app.config["JOBS_REDIS_URL"], results=False, immediate=immediate)
    path = sqlite_file(app)
    if not immediate:
        _create_private(path)
    return SqliteHuey(name, filename=str(path), results=False, immediate=immediate)


def _create_private(path: Path) -> None:
    """The queue file holds who asked for what: readable by the app's user only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))


def init_queue(app: Flask) -> None:
    huey = make_huey(app)
    app.extensions[HUEY_KEY] = huey

    @huey.task(name="jobs.run", retries=10, retry_delay=30)
    def run_job(job_id: int) -> None:
        """Run one job; a database error raises and Huey retries later."""
        with app.app_context():
            runner.run_job(job_id)

    @huey.periodic_task(crontab(minute="*"), name="jobs.recover")
    def recover_jobs() -> None:
        with app.app_context():
            recover(get_session())

    app.extensions[TASKS_KEY] = {"run_job": run_job}


def get_huey(app: Flask | None = None) -> Huey:
    return (app or current_app).extensions[HUEY_KEY]


def enqueue(session: Session, job: Job) -> bool:
    """Put the committed job on the queue; False (logged) when the queue is unreachable:
    the job stays queued and :func:`recover` enqueues it again later."""
    try:
        current_app.extensions[TASKS_KEY]["run_job"](job.id)
    except Exception:  # Redis down, or the queue file unwritable: recover() retries
        logger.exception("Could not put job %s on the queue; it will be retried", job.id)
        return False
    session.execute(update(Job).where(Job.id == job.id).values(enqueued_at=utcnow()))
    session.commit()
    return True


def submit(session: Session, kind: str, subjects: list[int], actor_id, key: str, params=None):
    """Create the job (or find the one this key made before), commit, and enqueue a new one.

    Commits: the consumer must see the job's row before it takes the message.
    """
    try:
        job, new = services.create_job(session, kind, subjects, actor_id, key, params)
        session.commit()
    except IntegrityError:  # the same form posted twice at once: the other request's job
        session.rollback()
        job, new = services.find_by_key(session, kind, actor_id, key), False
    if new:
        enqueue(session, job)
    return job


def recover(session: Session) -> int:
    """Enqueue again every job whose runner died (its lease lapsed) and every queued job
    that never reached the queue or waited too long there; returns how many. Safe to run
    at any time and from several consumers: running a job twice does its units once."""
    now = utcnow()
    stale = now - timedelta(minutes=current_app.config["JOBS_REQUEUE_MINUTES"])
    query = select(Job).where(
        or_(
            (Job.status == "running") & (Job.lease_until < now),
            (Job.status == "queued") & or_(Job.enqueued_at.is_(None), Job.enqueued_at < stale),
        )
    )
    jobs = session.scalars(query.order_by(Job.id)).all()
    session.rollback()
    return sum(enqueue(session, job) for job in jobs)
