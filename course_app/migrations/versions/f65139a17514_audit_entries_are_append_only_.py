"""Audit entries are append-only: the database refuses UPDATE and DELETE on them

Revision ID: f65139a17514
Revises: 06749a1a496e
Create Date: 2027-05-31 09:30:00

The hash chain shows an edited entry, but not the newest ones deleted, and nothing stopped a
statement from changing the trail. Triggers now refuse it on both backends, whoever connects:

- SQLite: BEFORE UPDATE and BEFORE DELETE triggers raise; and a BEFORE INSERT trigger refuses
  an insert reusing an existing id, since ``INSERT OR REPLACE`` deletes the old row without
  firing delete triggers (unless ``recursive_triggers`` is on).
- PostgreSQL: one row-level BEFORE UPDATE OR DELETE trigger (so ``INSERT … ON CONFLICT DO
  UPDATE`` is refused too). TRUNCATE fires no row trigger and stays possible for the owner (the
  tests clean up with it); signed checkpoints (``audit-checkpoint``) detect it, as they detect
  a table owner dropping the triggers.

Both raise SQLSTATE 23001 (restrict_violation), an integrity error to SQLAlchemy.

A later migration that batch-alters ``audit_entries`` on SQLite copies the table and loses
these triggers: it must create them again (``tests/test_audit_append_only.py`` fails if not).
"""

from alembic import op

revision = 'f65139a17514'
down_revision = '06749a1a496e'
branch_labels = None
depends_on = None

MESSAGE = "audit_entries is append-only: {operation} refused (the audit trail is tamper-evident)"

SQLITE_TRIGGERS = {
    "audit_entries_no_update": "BEFORE UPDATE ON audit_entries",
    "audit_entries_no_delete": "BEFORE DELETE ON audit_entries",
    "audit_entries_no_replace": (
        "BEFORE INSERT ON audit_entries "
        "WHEN EXISTS (SELECT 1 FROM audit_entries WHERE id = NEW.id)"
    ),
}
SQLITE_OPERATIONS = {
    "audit_entries_no_update": "UPDATE",
    "audit_entries_no_delete": "DELETE",
    "audit_entries_no_replace": "replacing an entry",
}

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_entries_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE.format(operation="%")}', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Audit entries are only ever added; see the README, Security.';
END
$$
"""
PG_TRIGGER = """
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change()
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
        return
    for name, when in SQLITE_TRIGGERS.items():
        message = MESSAGE.format(operation=SQLITE_OPERATIONS[name])
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, '{message}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_refuse_change()")
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
