"""Write and read the audit trail. Services call :func:`record` inside their transaction, so
an entry exists exactly when the change it describes was committed."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.audit.models import AuditEntry


def record(
    session: Session,
    actor_id: int | None,
    action: str,
    subject: tuple[str, int],
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    subject_type, subject_id = subject
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before=before,
        after=after,
        reason=reason,
    )
    session.add(entry)
    return entry


def entries_for(session: Session, subject_type: str, subject_id: int) -> list[AuditEntry]:
    query = select(AuditEntry).where(
        AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id
    )
    return list(session.scalars(query.order_by(AuditEntry.at, AuditEntry.id)))
