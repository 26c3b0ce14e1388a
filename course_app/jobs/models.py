"""Background jobs: one row per job, one row per unit of work done (or failed) in it.

A job's units are its subjects (e.g. learner ids). A unit's row is written in the same
transaction as its work, and (job, subject) is unique, so a unit is done at most once however
often the job is run, resumed or enqueued.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course_app.db import Base, UTCDateTime, utcnow

STATUSES = ("queued", "running", "finished")


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'finished')", name="status_known"),
        CheckConstraint("done >= 0 AND done <= total", name="done_within_total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What runs it (course_app/jobs/kinds.py), e.g. "certificates.issue".
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default="queued")
    #: Plain data the kind needs (e.g. the course's slug).
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The units of work, in order (e.g. learner ids).
    subjects: Mapped[list[int]] = mapped_column(JSON, default=list)
    total: Mapped[int] = mapped_column(Integer, default=0)
    #: Units finished, failed ones included.
    done: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: A duplicate enqueue (a form posted twice) finds the first job instead of a second.
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the job was last put on the queue; None while it is not (the queue was down).
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A runner holds the job until then, renewing it after each unit; a runner that died
    #: lets it lapse and the job is picked up again.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: What the job produced, for its page (e.g. a summary line, an export's file name).
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class JobUnit(Base):
    """One subject of a job, done or failed (with why)."""

    __tablename__ = "job_units"
    __table_args__ = (
        UniqueConstraint("job_id", "subject_id"),
        CheckConstraint("outcome IN ('done', 'failed')", name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    subject_id: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(8))
    #: Who the subject is, for the job page (e.g. the learner's name), and why it failed.
    label: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
