"""Time issuing certificates through the job queue, as an administrator's bulk issue does.

    .venv/bin/python benchmarks/issue_queue.py --count 1000 [--workers 2]

Builds a fresh database (SQLite in a temporary folder, or PostgreSQL when
COURSE_APP_BENCH_DATABASE_URL is set: that database is dropped and created again), loads the
curriculum, and inserts COUNT learners who meet every requirement of Level 1
(benchmarks/eligible.py). Starts a real consumer (``flask jobs-worker --no-schedule``) on
the embedded SQLite queue, then submits one job of the kind the bulk-issue form submits
(``certificates.issue``, through ``jobs.queue.submit``): each learner is a unit that runs
the full service path (the eligibility check, signing, PDF, embedded credential, audit
entry, the learner's notice). Prints JSON: seconds from submit to the job's end, the
consumer's CPU ms per certificate, and how many were issued and failed.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.eligible import seed_eligible  # noqa: E402
from benchmarks.run import _environment  # noqa: E402

COURSE = "dry-needling-level-1"
ADMIN = "bench-admin@example.org"
#: Give up on a run after this long (1,000 take about a minute on two cores).
DEADLINE_S = 1800


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates to issue")
    parser.add_argument("--workers", type=int, default=2, help="the consumer's threads")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="course-app-issue-queue-"))
    factory = f"course_app:create_app(instance_path={str(workdir / 'instance')!r})"
    # run.py's environment (as benchmarks/staff.py uses it), with jobs left to the consumer.
    env = {**_environment(workdir), "COURSE_APP_JOBS_IMMEDIATE": "false"}
    for command in (["init-db"], ["load-content"], ["create-admin", "--email", ADMIN]):
        _flask(env, factory, *command)
    os.environ.update(env)
    from course_app import create_app

    app = create_app(instance_path=str(workdir / "instance"))
    with app.app_context():
        learner_ids, admin_id = _seed(args.count)
        consumer, log = _start_consumer(env, factory, args.workers, workdir)
        try:
            result = _run_job(app, learner_ids, admin_id, consumer, log)
        finally:
            consumer.terminate()
            consumer.wait(timeout=60)
    print(json.dumps({**result, "workers": args.workers, "database": _dialect(env)}))
    if result["failed"] or result["issued"] != args.count:  # it would time refusals
        raise SystemExit(f"not every learner got a certificate: {result['first_failures']}")


def _dialect(env) -> str:
    return env["COURSE_APP_DATABASE_URL"].split(":", 1)[0].split("+", 1)[0]


def _flask(env, factory: str, *args: str) -> str:
    command = [sys.executable, "-m", "flask", "--app", factory, *args]
    return subprocess.run(
        command, env=env, check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout


def _seed(count: int) -> tuple[list[int], int]:
    from sqlalchemy import select

    from course_app.auth.models import User
    from course_app.db import get_session

    db = get_session()
    started = time.monotonic()
    ids = seed_eligible(db, count, COURSE)
    db.commit()
    seconds = time.monotonic() - started
    print(f"seeded {count} eligible learners in {seconds:.1f} s", file=sys.stderr)
    return ids, db.scalar(select(User.id).where(User.email == ADMIN))


def _start_consumer(env, factory: str, workers: int, workdir: Path):
    log = workdir / "consumer.log"
    command = [sys.executable, "-m", "flask", "--app", factory, "jobs-worker"]
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*command, "--workers", str(workers), "--no-schedule"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    _wait(lambda: "Requeued" in log.read_text(), "the consumer's start", log)
    return process, log


def _run_job(app, learner_ids: list[int], admin_id: int, consumer, log: Path) -> dict:
    from sqlalchemy import func, select

    from course_app.certificates import bulk
    from course_app.certificates.models import Certificate
    from course_app.db import get_session
    from course_app.jobs.models import Job, JobUnit
    from course_app.jobs.queue import submit

    db = get_session()
    params = {"course": COURSE, "base_url": app.config["PUBLIC_BASE_URL"]}
    cpu_before = _cpu_seconds(consumer.pid)
    started = time.monotonic()
    job = submit(db, bulk.KIND, learner_ids, admin_id, f"bench-{time.time_ns()}", params)
    job_id = job.id

    def finished() -> bool:
        db.expire_all()
        return db.scalar(select(Job.status).where(Job.id == job_id)) == "finished"

    _wait(finished, "the job's end", log)
    seconds = time.monotonic() - started
    cpu = _cpu_seconds(consumer.pid) - cpu_before
    outcomes = dict(
        db.execute(
            select(JobUnit.outcome, func.count())
            .where(JobUnit.job_id == job_id)
            .group_by(JobUnit.outcome)
        ).all()
    )
    errors = db.scalars(
        select(JobUnit.message).where(JobUnit.job_id == job_id, JobUnit.outcome == "failed")
    ).all()[:3]
    issued = db.scalar(select(func.count()).select_from(Certificate))
    return {
        "count": len(learner_ids),
        "issued": issued,
        "failed": outcomes.get("failed", 0),
        "first_failures": errors,
        "seconds": round(seconds, 1),
        "ms_each": round(1000 * seconds / max(len(learner_ids), 1), 1),
        "consumer_cpu_ms_each": round(1000 * cpu / max(len(learner_ids), 1), 1),
    }


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of the process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait(condition, what: str, log: Path) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} not within {DEADLINE_S} s; consumer log:\n{log.read_text()}")


if __name__ == "__main__":
    main()
