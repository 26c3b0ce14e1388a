"""Fault 9 of the audit: instance/ (password hashes in the SQLite file, the secret key,
signing keys, backups) is readable by its owner only, whatever created it and whatever the
umask; and a reset link is never written to the log, even with no mail server."""

import os
import stat
from collections.abc import Iterator

import pytest

from tests.helpers import make_user, post
from tests.test_auth import reset_link_from_outbox


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """Debian's default umask: new files 0644, new folders 0755."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_a_loose_instance_folder_is_tightened_at_start(make_app, tmp_path, loose_umask):
    instance = tmp_path / "instance"
    (instance / "backups").mkdir(parents=True)
    for name in ("secret_key", "course_app.sqlite", "backups/monday.sqlite"):
        (instance / name).write_text("x")
        (instance / name).chmod(0o644)
    instance.chmod(0o755)
    make_app()
    assert _mode(instance) == 0o700
    assert _mode(instance / "backups") == 0o700
    for name in ("secret_key", "course_app.sqlite", "backups/monday.sqlite"):
        assert _mode(instance / name) == 0o600, name


def test_a_new_sqlite_database_and_its_backup_are_private(make_app, tmp_path, loose_umask):
    instance = tmp_path / "instance"
    database = instance / "course_app.sqlite"
    app = make_app(DATABASE_URL=f"sqlite:///{database}")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert _mode(database) == 0o600
    for companion in (instance / "course_app.sqlite-wal", instance / "course_app.sqlite-shm"):
        if companion.exists():
            assert _mode(companion) == 0o600, companion.name
    backup = tmp_path / "elsewhere" / "backup.sqlite"
    backup.parent.mkdir()
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    assert _mode(backup) == 0o600


def test_reset_links_are_never_logged(client, db, caplog):
    make_user(db)
    caplog.set_level("DEBUG")
    assert post(client, "/auth/reset", {"email": "learner@example.org"}).status_code == 302
    link = reset_link_from_outbox(db)  # kept in the outbox, for the administrator
    token = link.rsplit("/", 1)[1]
    assert token not in caplog.text
    assert "Reset your Dry Needling CE password" not in caplog.text  # nor the subject or body
    assert "queued" in caplog.text  # the log still says a message waits in the outbox
