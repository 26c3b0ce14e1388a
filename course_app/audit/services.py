"""Write and read the audit trail. Services call :func:`record` inside their transaction, so
an entry exists exactly when the change it describes was committed.

Entries form a hash chain: each stores the hash of the one before it and its own hash over its
fields and that previous hash. :func:`verify_chain` finds the first entry that was edited, or
whose predecessor was deleted.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from course_app.audit.models import AuditEntry
from course_app.db import utcnow

#: Serializes writers on PostgreSQL so two transactions never chain from the same entry.
CHAIN_LOCK = 7_202_611


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
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    previous = session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before=before,
        after=after,
        reason=reason,
        prev_hash=previous or "",
    )
    entry.entry_hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


def entry_hash(entry: AuditEntry) -> str:
    fields = {
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "action": entry.action,
        "subject": [entry.subject_type, entry.subject_id],
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "prev_hash": entry.prev_hash,
    }
    encoded = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    message: str


def verify_chain(entries: Iterable[AuditEntry]) -> ChainProblem | None:
    """The first break in the chain, or None when every entry is intact and in place."""
    previous = ""
    for entry in entries:
        if entry.prev_hash != previous:
            return ChainProblem(entry.id, "the entry before it was changed or deleted")
        if entry_hash(entry) != entry.entry_hash:
            return ChainProblem(entry.id, "this entry was changed after it was written")
        previous = entry.entry_hash
    return None


@contextmanager
def walk_chain(session: Session) -> Iterator[Iterator[AuditEntry]]:
    """Every entry, oldest first, streamed (a server-side cursor on PostgreSQL, closed after)."""
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=500)
    with session.execute(query) as result:
        yield iter(result.scalars())


def verify_all(session: Session) -> ChainProblem | None:
    """Check the whole trail's links (``audit-verify`` also checks the checkpoints)."""
    with walk_chain(session) as entries:
        return verify_chain(entries)


def entries_for(session: Session, subject_type: str, subject_id: int) -> list[AuditEntry]:
    query = select(AuditEntry).where(
        AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id
    )
    return list(session.scalars(query.order_by(AuditEntry.at, AuditEntry.id)))
