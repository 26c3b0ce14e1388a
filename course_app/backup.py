"""Backups: ``flask --app course_app backup FILE`` and ``restore FILE``.

SQLite uses the online backup API (a consistent copy while the app keeps serving).
PostgreSQL uses ``pg_dump --format=custom`` and ``pg_restore --clean``; both tools come with
the PostgreSQL client (Debian ``postgresql-client``).

Audit entries are append-only (triggers refuse UPDATE and DELETE), and a restore never needs
either: on SQLite the backup API replaces the whole file, pages and schema, triggers included,
in one step; ``pg_restore --clean`` drops the tables (DROP fires no row trigger), recreates
them, copies the rows in, and creates the triggers from the dump after the data. With
``--single-transaction`` all of that commits together or not at all, so a failed restore
leaves the old database, guarded, as it was. Back up ``instance/`` too: it holds the
secret key and the certificate signing key, which are not in the database.
"""

import shutil
import sqlite3
import subprocess  # nosec B404 - runs the PostgreSQL client tools with fixed arguments
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from course_app.instance_files import private_file


def _sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise ValueError("an in-memory database cannot be backed up")
    return database


def backup(engine: Engine, target: Path) -> None:
    private_file(target)  # a copy of every password hash: owner-only from the start
    if engine.dialect.name == "sqlite":
        _copy_sqlite(_sqlite_path(engine), str(target))
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url(engine)])


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with the backup's (the app should be stopped)."""
    engine.dispose()
    if engine.dialect.name == "sqlite":
        _copy_sqlite(str(source), _sqlite_path(engine))
    else:
        _run(
            [
                "pg_restore",
                "--single-transaction",
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={_libpq_url(engine)}",
                str(source),
            ]
        )


def _copy_sqlite(source: str, target: str) -> None:
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)


def _libpq_url(engine: Engine) -> str:
    """The SQLAlchemy URL as libpq understands it (no "+psycopg" driver part)."""
    url = make_url(engine.url.render_as_string(hide_password=False)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise RuntimeError(f"{command[0]} is not installed (Debian: postgresql-client)")
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603  # nosec B603
