"""Scheduled work run by hand (``flask run-scheduled NAME``), as the consumer runs it on its
schedule: the nightly backup keeps BACKUP_KEEP, audit checkpoints, expired attempts."""

import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from course_app import scheduled
from course_app.jobs.queue import get_huey
from tests.conftest import move_clock


def run(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["run-scheduled", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_every_task_is_listed_with_its_schedule(app):
    listing = run(app)
    for name in scheduled.TASKS:
        assert name in listing
    assert "backup                   minute=30 hour=2" in listing


def test_an_unknown_task_is_refused(app):
    result = app.test_cli_runner().invoke(args=["run-scheduled", "nope"])
    assert result.exit_code == 2 and "Invalid value" in result.output


def test_the_nightly_backup_keeps_the_newest_and_is_private(make_app, database_url):
    if database_url.startswith("postgresql"):
        pytest.skip("pg_dump's own test is tests/test_backup.py")
    app = make_app(BACKUP_KEEP=2)
    for _ in range(3):
        assert "Backup written" in run(app, "backup")
        move_clock(timedelta(seconds=1))
    folder = Path(app.instance_path, "backups")
    kept = sorted(folder.iterdir())
    assert len(kept) == 2
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in kept)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert "removed 1 older one(s)" in run(app, "backup")


def test_an_audit_checkpoint_is_appended(app):
    run(app, "audit-checkpoint")
    run(app, "audit-checkpoint")
    lines = Path(app.instance_path, "audit-checkpoints.jsonl").read_text().splitlines()
    assert [json.loads(line)["kind"] for line in lines] == ["checkpoint", "checkpoint"]


def test_closing_expired_attempts_runs(app, content):
    assert "Graded 0 attempt(s)" in run(app, "close-expired-attempts")


def test_a_scheduled_run_is_skipped_while_the_previous_one_holds_its_lock(app, caplog):
    """The consumer's periodic task (immediate here) never overlaps a run still going."""
    retry_mail = app.extensions[scheduled.PERIODIC_KEY]["retry-mail"]
    with caplog.at_level("INFO", logger=app.logger.name):
        with get_huey(app).lock_task("scheduled.retry-mail"):
            retry_mail()
        retry_mail()
    messages = [record.getMessage() for record in caplog.records]
    assert "retry-mail: the previous run is still going; skipped" in messages
    assert "retry-mail: MAIL_SERVER is not set; messages stay in the outbox." in messages


def test_a_lock_left_by_a_killed_consumer_is_cleared_when_a_consumer_starts(make_app):
    """``jobs-worker`` starts its consumer with ``flush_locks``: Huey then clears the locks it
    knows of, which must include every scheduled task's (else a task whose consumer was
    SIGKILLed mid-run would be skipped for ever)."""
    killed = get_huey(make_app(JOBS_IMMEDIATE=False))
    killed.lock_task("scheduled.retry-mail").__enter__()  # taken, never released
    # A new consumer process: a new app on the same queue file, which has not run any task.
    # (Asking it whether a lock is taken would make it know of that lock: ask the other.)
    huey = get_huey(make_app(JOBS_IMMEDIATE=False))
    assert killed.is_locked("scheduled.retry-mail")
    huey.create_consumer(workers=1, flush_locks=True)  # what jobs-worker starts
    assert not killed.is_locked("scheduled.retry-mail")
