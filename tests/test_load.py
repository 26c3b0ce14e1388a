"""Load and faults: 200 simulated learners take quizzes for 60 s (locust, headless) against
gunicorn with 2 workers, on the suite's database (SQLite in its first pass, PostgreSQL in its
second). Twice during the run a worker is killed with SIGKILL; clients send the same request
again. No request may fail, and the database must keep the promise of tests/load_journal.py:
everything a client saw confirmed is there exactly as confirmed, nothing is duplicated, and an
attempt no client saw confirmed exists only where that learner's start was cut off, and the
learner resumes it on their next visit. Every request is in the journal; a failure prints the
evidence.

COURSE_APP_LOAD_USERS and COURSE_APP_LOAD_SECONDS shrink the run for a quick local try.
"""

import csv
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import argon2
import pytest
import requests
from sqlalchemy import select, update

from course_app.auth.models import User
from course_app.config import REPO_ROOT
from course_app.modules.models import Course, Enrollment
from course_app.quizzes.models import Attempt, AttemptItem, Quiz
from tests.conftest import TEST_CONTENT
from tests.helpers import make_user, served
from tests.load_journal import Journal, StoredAttempt, problems, unconfirmed
from tests.test_scale_out import free_port, wait_until_up

#: The servers run in other processes, on the real clock; nothing here compares dates.
pytestmark = pytest.mark.real_clock

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
    env["COURSE_APP_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
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
    log = tmp_path / "journal.jsonl"
    emails = tmp_path / "emails.txt"
    emails.write_text("\n".join(learners) + "\n")
    killed: list[int] = []
    killer = threading.Thread(target=_kill_workers, args=(process.pid, killed), daemon=True)
    killer.start()
    locust = _run_locust(url, emails, log, tmp_path / "stats")
    killer.join()
    assert locust.returncode in (0, 1), locust.stderr[-2000:]
    assert len(killed) == 2, "the workers to kill were not found"

    journal = Journal([json.loads(line) for line in log.read_text().splitlines()])
    failures = _failures(tmp_path / "stats_stats.csv")
    assert failures == 0, locust.stderr[-3000:]
    assert "Traceback" not in locust.stderr, locust.stderr[-3000:]
    assert len(journal.confirmed("login")) == USERS
    assert not journal.confirmed("login-lost")
    assert journal.retries > 0, (
        "no request was in flight in a killed worker: the fault was not tested"
    )
    assert journal.confirmed("submit"), "no quiz was taken"
    stored = _stored_attempts(db, learners)
    found = problems(journal, stored)
    assert found == [], "\n".join(found[:20]) + f"\n(journal: {log})"
    for attempt in unconfirmed(journal, stored):
        assert _resumed_attempt(url, attempt.email, attempt.quiz) == attempt.id, attempt
    print(
        f"{USERS} learners, {SECONDS} s: {len(journal.requests)} requests, "
        f"{journal.retries} cut off and resent, {len(stored)} attempts, "
        f"{len(unconfirmed(journal, stored))} started by a request cut off at the end"
    )


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


def _stored_attempts(db, learners: list[str]) -> list[StoredAttempt]:
    """Every attempt of the load's learners, with its answers by position."""
    rows = db.execute(
        select(Attempt, User.email, Quiz.slug)
        .join(User, User.id == Attempt.user_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(User.email.in_(learners))
    ).all()
    answers: dict[int, dict[int, str | None]] = {row.Attempt.id: {} for row in rows}
    for item in db.scalars(select(AttemptItem).where(AttemptItem.attempt_id.in_(answers))):
        answers[item.attempt_id][item.position] = _as_served(item.option_order, item.response)
    return [
        StoredAttempt(
            attempt.id,
            email,
            slug,
            attempt.status,
            attempt.status != "in-progress" and attempt.score is not None,
            answers[attempt.id],
        )
        for attempt, email, slug in rows
    ]


def _as_served(option_order: list[str], response: str | None) -> str | None:
    """A stored answer (option keys) as the page sent it (places on the page), to compare."""
    if response is None:
        return None
    return ",".join(sorted(served(option_order, key) for key in response.split(",")))


def _resumed_attempt(url: str, email: str, quiz: str) -> int | None:
    """Log in as the learner and press the quiz's start button: the attempt it leads to."""
    token = re.compile(r'name="csrf-token" content="([^"]+)"')
    browser = requests.Session()
    page = browser.get(f"{url}/auth/login", timeout=30).text
    form = {"email": email, "password": PASSWORD, "csrf_token": token.search(page).group(1)}
    browser.post(f"{url}/auth/login", data=form, timeout=30)
    page = browser.get(f"{url}/courses/basics/quizzes/{quiz}", timeout=30).text
    started = browser.post(
        f"{url}/courses/basics/quizzes/{quiz}/start",
        data={"csrf_token": token.search(page).group(1)},
        allow_redirects=False,
        timeout=30,
    )
    found = re.search(r"/attempts/(\d+)$", started.headers.get("Location", ""))
    return int(found.group(1)) if found else None
