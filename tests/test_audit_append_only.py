"""The database itself refuses to change or remove audit entries, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from course_app.audit.models import AuditEntry
from tests.audit_helpers import add_entries, tamper

REFUSED = "audit_entries is append-only"


def is_postgres(db) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def refused(db, statement: str, **params) -> str:
    """Run a statement that must be refused; the database's message."""
    with pytest.raises(IntegrityError) as caught:
        db.execute(text(statement), params)
    db.rollback()
    return str(caught.value.orig)


def test_update_is_refused(app, db):
    add_entries(db, 2)
    message = refused(db, "UPDATE audit_entries SET reason = 'edited' WHERE id = 1")
    assert REFUSED in message and "UPDATE" in message
    assert db.scalar(select(AuditEntry.reason).where(AuditEntry.id == 1)) == ""


def test_delete_is_refused(app, db):
    add_entries(db, 3)
    message = refused(db, "DELETE FROM audit_entries WHERE id >= 2")
    assert REFUSED in message and "DELETE" in message
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == 3


def test_an_insert_that_would_overwrite_an_entry_is_refused(app, db):
    """SQLite's INSERT OR REPLACE deletes the old row without firing delete triggers;
    PostgreSQL's INSERT … ON CONFLICT DO UPDATE is an update."""
    add_entries(db, 1)
    row = (
        "(id, at, action, subject_type, subject_id, reason, prev_hash, entry_hash) "
        "VALUES (1, '2027-01-01 00:00:00', 'forged', 'course', 1, '', '', 'x')"
    )
    if is_postgres(db):
        statement = "INSERT INTO audit_entries " + row + " ON CONFLICT (id) DO UPDATE SET id = 1"
    else:
        statement = "INSERT OR REPLACE INTO audit_entries " + row
    assert REFUSED in refused(db, statement)
    assert db.scalar(select(AuditEntry.action).where(AuditEntry.id == 1)) == "test.step"


def test_recording_entries_still_works_and_chains(app, db, runner):
    add_entries(db, 3)
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0, result.output


def test_truncate_stays_possible_for_the_owner_on_postgresql(app, db):
    """The tests' per-test cleanup TRUNCATEs every table: no row trigger fires for it."""
    if not is_postgres(db):
        pytest.skip("SQLite has no TRUNCATE; its tests copy a fresh database file")
    add_entries(db, 2)
    db.execute(text("TRUNCATE audit_entries RESTART IDENTITY CASCADE"))
    db.commit()
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_the_owner_can_switch_the_guard_off_which_is_why_checkpoints_exist(app, db):
    add_entries(db, 2)
    tamper(db, "DELETE FROM audit_entries WHERE id = 2")
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == 1
    assert REFUSED in refused(db, "DELETE FROM audit_entries")  # and back on
