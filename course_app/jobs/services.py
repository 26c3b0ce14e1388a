"""Creating jobs and reading their progress. Services never commit (the view does)."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.exceptions import DomainError
from course_app.jobs.models import Job, JobUnit

#: Longest idempotency key a form may send (a random token per rendered form).
MAX_KEY_LENGTH = 80


class BadJobRequest(DomainError):
    pass


def create_job(
    session: Session,
    kind: str,
    subjects: list[int],
    actor_id: int | None,
    key: str,
    params: dict[str, Any] | None = None,
) -> tuple[Job, bool]:
    """The job for this idempotency key: a new one (True) or the one a duplicate request made
    before (False). The key is scoped by kind and actor, so one user cannot reach another's."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise BadJobRequest("This form has expired; open the page again and resend it.")
    scoped = f"{kind}:{actor_id}:{key}"
    existing = session.scalar(select(Job).where(Job.idempotency_key == scoped))
    if existing is not None:
        return existing, False
    unique = list(dict.fromkeys(subjects))
    job = Job(
        kind=kind,
        params=params or {},
        subjects=unique,
        total=len(unique),
        created_by_id=actor_id,
        idempotency_key=scoped,
    )
    session.add(job)
    session.flush()  # IntegrityError: the same form posted twice at once (see submit())
    return job, True


def find_by_key(session: Session, kind: str, actor_id: int | None, key: str) -> Job | None:
    return session.scalar(select(Job).where(Job.idempotency_key == f"{kind}:{actor_id}:{key}"))


@dataclass(frozen=True)
class Progress:
    job: Job
    failures: list[JobUnit]

    @property
    def percent(self) -> int:
        return 100 if self.job.total == 0 else self.job.done * 100 // self.job.total

    @property
    def succeeded(self) -> int:
        return self.job.done - len(self.failures)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.job.id,
            "status": self.job.status,
            "total": self.job.total,
            "done": self.job.done,
            "percent": self.percent,
            "succeeded": self.succeeded,
            "failures": [{"subject": f.label, "message": f.message} for f in self.failures],
            "result": self.job.result,
        }


def progress(session: Session, job: Job) -> Progress:
    failures = session.scalars(
        select(JobUnit)
        .where(JobUnit.job_id == job.id, JobUnit.outcome == "failed")
        .order_by(JobUnit.id)
    ).all()
    return Progress(job, list(failures))


def unfinished_job_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Job.id).where(Job.status != "finished").order_by(Job.id)))
