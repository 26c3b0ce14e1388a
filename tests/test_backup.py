"""Backup and restore round trip: every table comes back exactly as it was, and audit entries
stay append-only afterwards."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from course_app.db import get_engine
from course_app.models import metadata
from tests.audit_helpers import add_entries
from tests.helpers import login, make_user, post, read_and_complete, take_quiz


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    db.expire_all()
    return {
        table.name: sorted(db.execute(select(table)).tuples().all(), key=repr)
        for table in metadata.sorted_tables
    }


def test_backup_then_restore_gives_back_every_table(app, client, db, content, tmp_path):
    learner = make_user(db)
    login(client, learner.email)
    post(client, "/courses/basics/enrol")
    read_and_complete(client, "basics", "one", minutes=10)
    take_quiz(client, db, "basics", "first", right=False)
    add_entries(db, 3)
    before = snapshot(db)
    assert before["attempt_items"] and before["lesson_progress"] and before["lesson_time"]
    assert len(before["audit_entries"]) == 3
    runner = app.test_cli_runner()
    backup_file = tmp_path / "backup.db"
    assert runner.invoke(args=["backup", str(backup_file)]).exit_code == 0
    read_and_complete(client, "basics", "two", minutes=20)  # changes after the backup
    add_entries(db, 2, start=4)
    db.execute(text("DELETE FROM attempt_items"))
    db.commit()
    db.close()
    get_engine(app).dispose()
    result = runner.invoke(args=["restore", "--yes", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert snapshot(db) == before
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute(text("DELETE FROM audit_entries"))
