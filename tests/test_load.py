"""Load and faults: 200 simulated learners take quizzes for 60 s (locust, headless) against
gunicorn with 2 workers, on the suite's database (SQLite in its first pass, PostgreSQL in its
second). Twice during the run a worker is killed with SIGKILL; clients send the same request
again. Afterwards the database must hold exactly the attempts and answers the clients saw
confirmed: none lost, none duplicated, none half-written, and no request failed.

COURSE_APP_LOAD_USERS and COURSE_APP_LOAD_SECONDS shrink the run for a quick local try.
"""

import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import argon2
import pytest
from sqlalchemy import select, update

from course_app.auth.models import User
from course_app.config import REPO_ROOT
from course_app.modules.models import Course, Enrollment
from course_app.quizzes.models import Attempt, AttemptItem, Quiz
from tests.conftest import TEST_CONTENT
from tests.helpers import make_user
from tests.test_scale_out import free_port, wait_until_up

USERS = int(os.environ.get("COURSE_APP_LOAD_USERS", "200"))
SECONDS = int(os.environ.get("COURSE_APP_LOAD_SECONDS", "60"))
PASSWORD = "load test passphrase"
BIN = Path(sys.executable).parent
QUIZZES = ("first", "second")


@pytest.fixture
def learners(db, content) -> list[str]:
    """USERS learners enrolled in the test course, with a real-cost password hash (one hash,
    shared: computing 200 would take longer than the load)."""
    shared = argon2.PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
    password_hash = shared.hash(PASSWORD)
    course_id = db.scalar(select(Course.id).where(Course.slug == "basics"))
    emails = [f"load-{n:03}@example.org" for n in range(USERS)]
    for email in emails:
        user = make_user(db, email, full_name=f"Load {email[5:8]}", password_hash=password_hash)
        db.add(Enrollment(user_id=user.id, course_id=course_id))
    # Retakes without limit or wait, and a pass mark random answers rarely reach, so every
    # learner keeps taking quizzes for the whole run.
    db.execute(
        update(Quiz)
        .where(Quiz.slug.in_(QUIZZES))
        .values(max_attempts=0, cooldown_minutes=0, pass_mark=100, time_limit_minutes=0)
    )
    db.commit()
    return emails


@pytest.fixture
def server(database_url, tmp_path):
    env = {
        **os.environ,
        "COURSE_APP_DATABASE_URL": database_url,
        "COURSE_APP_SECRET_KEY": "load-test-secret",
        "COURSE_APP_CONTENT_DIR": str(TEST_CONTENT),
        "COURSE_APP_LOGIN_RATE_LIMIT": "100000 per minute",  # all clients share 127.0.0.1
    }
    port = free_port()
    errors = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--no-control-socket",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            f"course_app:create_app(instance_path='{tmp_path / 'instance'}')",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=errors,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url)
        yield process, url
    finally:
        process.terminate()
        process.wait(timeout=20)
        errors.close()


def test_quiz_load_with_killed_workers_loses_and_duplicates_nothing(db, learners, server, tmp_path):
    process, url = server
    log = tmp_path / "confirmed.jsonl"
    emails = tmp_path / "emails.txt"
    emails.write_text("\n".join(learners) + "\n")
    killed: list[int] = []
    killer = threading.Thread(target=_kill_workers, args=(process.pid, killed), daemon=True)
    killer.start()
    locust = _run_locust(url, emails, log, tmp_path / "stats")
    killer.join()
    assert locust.returncode in (0, 1), locust.stderr[-2000:]
    assert len(killed) == 2, "the workers to kill were not found"

    events = [json.loads(line) for line in log.read_text().splitlines()]
    failures = _failures(tmp_path / "stats_stats.csv")
    assert failures == 0, locust.stderr[-3000:]
    assert sum(e["kind"] == "login" for e in events) == USERS
    assert not [e for e in events if e["kind"] == "login-lost"]
    retries = sum(e["kind"] == "retry" for e in events)
    assert retries > 0, "no request was in flight in a killed worker: the fault was not tested"
    _database_matches(db, events, learners)
    print(f"{USERS} learners, {SECONDS} s: {len(events)} confirmed events, {retries} retries")


def _kill_workers(master: int, killed: list[int]) -> None:
    """SIGKILL one worker a third of the way in and another at two thirds."""
    for moment in (SECONDS / 3, SECONDS / 3):
        time.sleep(moment)
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            os.kill(int(children[0]), signal.SIGKILL)
            killed.append(int(children[0]))


def _run_locust(url: str, emails: Path, log: Path, stats: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "LOAD_EMAILS": str(emails),
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_COURSE": "basics",
        "LOAD_QUIZZES": ",".join(QUIZZES),
        "LOAD_LOG": str(log),
    }
    command = [
        str(BIN / "locust"),
        "-f",
        str(REPO_ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "--host",
        url,
        "--users",
        str(USERS),
        "--spawn-rate",
        "50",
        "--run-time",
        f"{SECONDS}s",
        "--stop-timeout",
        "60",  # each learner finishes the quiz in hand, so every start is submitted
        "--csv",
        str(stats),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=SECONDS + 240, cwd=REPO_ROOT
    )


def _failures(stats: Path) -> int:
    with stats.open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    assert int(rows["Aggregated"]["Request Count"]) > USERS  # the load really ran
    return int(rows["Aggregated"]["Failure Count"])


def _database_matches(db, events: list[dict], learners: list[str]) -> None:
    """Exactly the confirmed attempts, each with all its items and the answers last sent."""
    started = {e["attempt"] for e in events if e["kind"] == "start"}
    submitted = {e["attempt"]: e["answers"] for e in events if e["kind"] == "submit"}
    saved = {e["attempt"]: e["answers"] for e in events if e["kind"] == "save"}  # last wins
    stored = {
        attempt.id: attempt
        for attempt in db.scalars(
            select(Attempt).join(User, User.id == Attempt.user_id).where(User.email.in_(learners))
        )
    }
    assert started and set(stored) == started  # none lost, none extra
    assert set(submitted) == started  # every learner finished the quiz in hand
    items = defaultdict(dict)
    for item in db.scalars(select(AttemptItem).where(AttemptItem.attempt_id.in_(started))):
        items[item.attempt_id][item.position] = item.response
    sizes = defaultdict(set)
    for attempt_id, attempt in stored.items():
        sizes[attempt.quiz_id].add(len(items[attempt_id]))
        assert attempt.status != "in-progress" and attempt.score is not None, attempt_id
        assert items[attempt_id] == _encoded(submitted[attempt_id]), attempt_id
        assert attempt_id in saved  # the saves before it were confirmed too
    assert all(len(counts) == 1 and counts != {0} for counts in sizes.values())  # no half-draws


def _encoded(answers: dict[str, list[str]]) -> dict[int, str | None]:
    return {int(name[1:]): ",".join(sorted(set(keys))) or None for name, keys in answers.items()}
