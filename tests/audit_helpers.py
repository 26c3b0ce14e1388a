"""Helpers for the audit-trail tests: entries to chain, and the attacker who owns the database."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session

from course_app.audit.services import record


def add_entries(session: Session, count: int, start: int = 1) -> None:
    """Record ``count`` entries (as the app would) and commit."""
    for n in range(start, start + count):
        record(session, None, "test.step", ("course", n), after={"n": n})
    session.commit()


@contextmanager
def append_only_guard_off(session: Session) -> Iterator[None]:
    """What the database's owner can do: switch off the triggers that refuse UPDATE and DELETE
    on audit entries (and, on leaving, put them back: on PostgreSQL one database serves the
    whole run)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
    else:
        triggers = _sqlite_triggers(session)
        for name in triggers:
            session.execute(text(f'DROP TRIGGER "{name}"'))
    session.commit()
    try:
        yield
    finally:
        session.rollback()
        if postgres:
            session.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
        else:
            for sql in triggers.values():
                session.execute(text(sql))
        session.commit()


def tamper(session: Session, statement: str, **params: object) -> None:
    """Run ``statement`` with the guard off and commit, as the database's owner could."""
    with append_only_guard_off(session):
        session.execute(text(statement), params)
        session.commit()


def _sqlite_triggers(session: Session) -> dict[str, str]:
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"
    return dict(session.execute(text(query), {"table": "audit_entries"}).tuples().all())
