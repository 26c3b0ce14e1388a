"""One row per recorded change; never updated or deleted (database triggers refuse both: see
migration f65139a17514; signed checkpoints, audit/checkpoints.py, show what an owner did)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course_app.db import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: Who did it (NULL for the command line or the system).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: What was done, e.g. "attempt.regraded", "lesson.published", "signoff.recorded".
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column()
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The hash of the entry before this one, and of this entry (fields + previous hash):
    #: editing or deleting any entry breaks the chain (``flask --app course_app audit-verify``).
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    entry_hash: Mapped[str] = mapped_column(String(64), default="")
