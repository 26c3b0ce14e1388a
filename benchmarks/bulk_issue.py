"""Time a bulk issue of certificates, in-process, on the benchmark database.

    python benchmarks/bulk_issue.py --count 1000 [--as-job]

Issues one certificate to each of COUNT demo learners (signing, PDF, attachment, audit entry)
in one transaction, the way a bulk issue for a cohort does, and prints JSON: wall seconds, CPU
ms per certificate, and the PDF's share of it. Without the eligibility check: the demo learners
have no practical, and the check's cost is measured by the eligibility page instead.

``--as-job`` runs the same issues as a background job does (course_app/jobs/runner.py): one
transaction per learner, with its unit row and the job's progress, in this process.
"""

import argparse
import json
import time

from sqlalchemy import func, select

from course_app import create_app
from course_app.auth.models import User
from course_app.certificates import pdf
from course_app.certificates import services as certificates
from course_app.certificates.issuer import current_issuer
from course_app.db import get_session
from course_app.modules.models import Course


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--as-job", action="store_true", help="one transaction per learner")
    args = parser.parse_args()
    count = args.count
    app = create_app()
    if args.as_job:
        print(json.dumps(_as_job(app, count)))
        return
    with app.app_context():
        db = get_session()
        course = db.scalar(select(Course).where(Course.slug == "dry-needling-level-1"))
        learners = db.scalars(
            select(User).where(User.email.like("%@demo.example")).order_by(User.id).limit(count)
        ).all()
        issuer = current_issuer()
        pdf_cpu = _timed(pdf, "certificate_pdf")
        wall, cpu = time.perf_counter(), time.process_time()
        for learner in learners:
            certificates.issue_unchecked(db, course, learner, issuer)
        db.commit()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    issued = len(learners)
    print(
        json.dumps(
            {
                "count": issued,
                "seconds": round(wall, 1),
                "cpu_ms_each": round(1000 * cpu / max(issued, 1), 1),
                "pdf_cpu_ms_each": round(1000 * pdf_cpu[0] / max(issued, 1), 1),
            }
        )
    )


def _as_job(app, count: int) -> dict:
    """The bulk issue through the job runner, with a benchmark-only kind that skips the
    eligibility check (as above)."""
    from course_app.jobs import runner
    from course_app.jobs.kinds import Kind, register_kind
    from course_app.jobs.models import Job, JobUnit

    def issue_one(session, job, learner_id):
        course = session.scalar(select(Course).where(Course.slug == "dry-needling-level-1"))
        certificates.issue_unchecked(session, course, session.get(User, learner_id), issuer)

    register_kind(app, "benchmark.issue", Kind("Benchmark", lambda *_: "", issue_one))
    with app.app_context():
        db = get_session()
        issuer = current_issuer()
        ids = list(
            db.scalars(
                select(User.id).where(User.email.like("%@demo.example")).order_by(User.id)
            ).all()[:count]
        )
        job = Job(
            kind="benchmark.issue",
            subjects=ids,
            total=len(ids),
            idempotency_key=f"bench-{time.time()}",
        )
        db.add(job)
        db.commit()
        wall, cpu = time.perf_counter(), time.process_time()
        runner.run_job(job.id)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        db.refresh(job)
        failed = db.scalar(
            select(func.count()).where(JobUnit.job_id == job.id, JobUnit.outcome == "failed")
        )
    return {
        "count": job.done - failed,
        "failed": failed,
        "as_job": True,
        "seconds": round(wall, 1),
        "cpu_ms_each": round(1000 * cpu / max(job.done, 1), 1),
    }


def _timed(module, name: str) -> list[float]:
    """Wrap module.name to add up the CPU time spent in it."""
    spent = [0.0]
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.process_time() - started

    setattr(module, name, wrapper)
    return spent


if __name__ == "__main__":
    main()
