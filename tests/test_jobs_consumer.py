"""The job consumer in its own process (``flask jobs-worker``), on this test's database and
instance folder: killed with SIGKILL halfway through a bulk issue and started again, it
finishes the job and nobody gets two certificates.

Halfway is made exact, not timed: the test holds a write lock on the job's row (on SQLite,
the database's writer lock) and lets it go one moment at a time until some units are done;
the consumer is then blocked inside a unit when it is killed.
"""

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, func, select, text

from course_app.certificates.models import Certificate
from course_app.config import REPO_ROOT
from course_app.jobs.models import Job, JobUnit
from course_app.jobs.queue import get_huey
from tests.job_fixtures import admin_browser, eligible_learners, not_eligible_learner
from tests.test_jobs import _issue, _job_key

DEADLINE_S = 90
COUNT = 8


REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["sqlite", "redis"])
def backend(request, tmp_path) -> dict[str, str]:
    """The queue's settings: the SQLite file in the instance folder, or Redis with a queue
    of this test's own (other test runs may share the Redis)."""
    if request.param == "sqlite":
        return {}
    return {"JOBS_REDIS_URL": REDIS, "JOBS_QUEUE_NAME": f"test-{uuid.uuid4().hex}"}


@pytest.fixture
def queued_app(make_app, backend):
    app = make_app(JOBS_IMMEDIATE=False, **backend)
    yield app
    get_huey(app).flush()  # this test's queue (a Redis one would outlive the test)


def _flask(app, database_url: str, *args: str) -> list[str]:
    factory = f"course_app:create_app(instance_path={app.instance_path!r})"
    return [sys.executable, "-m", "flask", "--app", factory, *args]


def _environment(app) -> dict[str, str]:
    return {
        **os.environ,
        "COURSE_APP_JOBS_REDIS_URL": app.config["JOBS_REDIS_URL"],
        "COURSE_APP_JOBS_QUEUE_NAME": app.config["JOBS_QUEUE_NAME"],
        "COURSE_APP_DATABASE_URL": app.config["DATABASE_URL"],
        "PYTHONPATH": str(REPO_ROOT),
        "COURSE_APP_SECRET_KEY": "test-secret-key",
        "COURSE_APP_PUBLIC_BASE_URL": "http://localhost",  # required outside debug
        "COURSE_APP_JOBS_LEASE_SECONDS": "2",
    }


def _wait_for_requeue(app, database_url: str, log: Path) -> None:
    """Run ``recover-jobs`` until it puts the job back on the queue (its lease has lapsed)."""
    recover = _flask(app, database_url, "recover-jobs")
    _poll(
        lambda: (
            "Requeued 1 "
            in subprocess.run(
                recover, env=_environment(app), capture_output=True, text=True, check=True
            ).stdout
        ),
        "the job's requeue",
        log,
    )


def _start_consumer(app, database_url: str, log: Path) -> subprocess.Popen:
    with log.open("ab") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            _flask(app, database_url, "jobs-worker", "--workers", "1", "--no-schedule"),
            env=_environment(app),
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _poll(condition, what: str, log: Path, deadline_s: float = DEADLINE_S):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)  # a poll interval, not synchronisation: the deadline decides
    pytest.fail(f"{what} not within {deadline_s} s; consumer log:\n{log.read_text()}")


class JobHeld:
    """Blocks the consumer at the start of its next unit, the moment it is taken, and lets
    go with :meth:`release`. On PostgreSQL: ``FOR UPDATE`` on the job's row, which the unit
    row's foreign-key check waits for (PostgreSQL queues lockers fairly). On SQLite: the
    writer lock (course_app/writer_lock.py) every writer of the app takes, waited for in the
    kernel so that the consumer, polling for it, cannot starve the test."""

    def __init__(self, engine, job_id: int) -> None:
        self.engine, self.job_id = engine, job_id
        self.connection = engine.connect()
        if engine.dialect.name == "sqlite":
            lock_file = f"{engine.url.database}.writer-lock"
            self.descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self.descriptor, fcntl.LOCK_EX)
        else:
            query = text("SELECT id FROM jobs WHERE id = :id FOR UPDATE")
            self.connection.execute(query, {"id": job_id})

    def done(self) -> int:
        query = text("SELECT done FROM jobs WHERE id = :id")
        return self.connection.execute(query, {"id": self.job_id}).scalar_one()

    def release(self) -> None:
        self.connection.rollback()
        self.connection.close()
        if self.engine.dialect.name == "sqlite":
            fcntl.flock(self.descriptor, fcntl.LOCK_UN)
            os.close(self.descriptor)


def _units_done_while_holding_the_job(engine, job_id: int, at_least: int) -> JobHeld:
    """Hold the job, letting go briefly until the consumer has finished ``at_least`` units;
    returns the hold, still taken (the consumer is blocked at the start of a unit)."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        held = JobHeld(engine, job_id)
        if held.done() >= at_least:
            return held
        held.release()
        time.sleep(0.005)
    pytest.fail(f"the consumer finished fewer than {at_least} units within {DEADLINE_S} s")


def test_a_consumer_killed_halfway_is_resumed_and_issues_nobody_twice(
    queued_app, content, db, database_url, tmp_path
):
    app = queued_app
    admin = admin_browser(app, db)
    ready = eligible_learners(app, db, COUNT - 1)
    late = not_eligible_learner(app, db)
    job_url = _issue(admin, [*ready, late], _job_key(admin)).headers["Location"]
    job_id = int(job_url.rsplit("/", 1)[1])
    if not app.config["JOBS_REDIS_URL"]:
        assert (Path(app.instance_path) / "jobs.sqlite").stat().st_mode & 0o777 == 0o600
    assert "Waiting for a worker: 0 of 8." in admin.get(job_url).get_data(as_text=True)

    log = tmp_path / "consumer.log"
    engine = create_engine(database_url)
    consumer = _start_consumer(app, database_url, log)
    try:
        holding = _units_done_while_holding_the_job(engine, job_id, at_least=2)
        consumer.send_signal(signal.SIGKILL)
        consumer.wait(timeout=DEADLINE_S)
        done_at_kill = holding.done()
        holding.release()
    finally:
        consumer.kill()
    assert 2 <= done_at_kill < COUNT
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Certificate)) == db.scalar(
        select(func.count()).select_from(JobUnit).where(JobUnit.outcome == "done")
    )

    # Its lease lapses (2 s here); recovery puts the job back on the queue for a new consumer.
    _wait_for_requeue(app, database_url, log)
    consumer = _start_consumer(app, database_url, log)
    try:
        _poll(lambda: _status(db, job_id) == "finished", "the resumed job's end", log)
    finally:
        consumer.send_signal(signal.SIGTERM)
        consumer.wait(timeout=DEADLINE_S)
    holders = db.scalars(select(Certificate.user_id)).all()
    assert sorted(holders) == sorted(learner.id for learner in ready)  # one each, no more
    status = admin.get(f"{job_url}.json").json
    assert (status["done"], status["succeeded"], status["percent"]) == (COUNT, COUNT - 1, 100)
    assert [f["subject"] for f in status["failures"]] == ["Lee Late"]
    engine.dispose()


def _status(db, job_id: int) -> str:
    db.expire_all()
    return db.scalar(select(Job.status).where(Job.id == job_id))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_redis(port: int) -> subprocess.Popen:
    """A Redis of this test's own (the shared one must not go away), empty and unsaved."""
    redis_server = shutil.which("redis-server") or pytest.fail("redis-server missing")
    process = subprocess.Popen(
        [
            redis_server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        try:
            client.ping()
            client.close()
            return process
        except redis.ConnectionError:
            time.sleep(0.02)
    pytest.fail("redis-server did not start")


def test_a_redis_outage_loses_no_job(make_app, content, db, tmp_path):
    port = _free_port()
    server = _start_redis(port)
    app = make_app(JOBS_IMMEDIATE=False, JOBS_REDIS_URL=f"redis://127.0.0.1:{port}/0")
    admin = admin_browser(app, db)
    ready = eligible_learners(app, db, 2)
    log = tmp_path / "consumer.log"
    consumer = _start_consumer(app, app.config["DATABASE_URL"], log)
    try:
        # Started, its start-up requeue done first: otherwise it could requeue the job below
        # itself. Huey's own line comes after the consumer has flushed its locks in Redis; a
        # Redis stopped before that (the requeue's line alone, on a busy machine) would stop
        # the consumer at its start, not test an outage while it runs.
        _poll(lambda: "Huey consumer started" in log.read_text(), "the consumer's start", log)
        server.terminate()  # Redis goes away (and with it whatever was queued)
        server.wait(timeout=DEADLINE_S)
        job_url = _issue(admin, ready, _job_key(admin)).headers["Location"]
        assert "Waiting for a worker" in admin.get(job_url).get_data(as_text=True)
        server = _start_redis(port)  # back, empty
        recover = _flask(app, app.config["DATABASE_URL"], "recover-jobs")
        output = subprocess.run(
            recover, env=_environment(app), capture_output=True, text=True, check=True
        ).stdout
        assert "Requeued 1 " in output
        job_id = int(job_url.rsplit("/", 1)[1])
        _poll(lambda: _status(db, job_id) == "finished", "the job after the outage", log)
        assert consumer.poll() is None  # the consumer lived through it
    finally:
        consumer.send_signal(signal.SIGTERM)
        consumer.wait(timeout=DEADLINE_S)
        server.terminate()
        server.wait(timeout=DEADLINE_S)
    assert len(db.scalars(select(Certificate)).all()) == 2
