"""Database plumbing: the declarative base, one engine per app, one session per app context.

Only views and CLI commands commit; services add and flush.
"""

import os
import stat
from datetime import UTC, datetime
from functools import partial
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import DateTime, MetaData, create_engine, event, make_url
from sqlalchemy.engine import Engine, Result
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql import Executable
from sqlalchemy.types import TypeDecorator

from course_app import writer_lock

NAMING_CONVENTION = {
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 5000
EXTENSION_KEY = "course_app.db"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use course_app.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


#: Seconds a pooled server connection is kept before it is replaced (below common idle
#: timeouts of proxies and servers).
POOL_RECYCLE_SECONDS = 1800


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout on every connection,
    and, for a database file, writers queued by :mod:`course_app.writer_lock`.

    A server database's pool checks a connection before handing it out (``pool_pre_ping``):
    after a PostgreSQL restart every worker's pooled connection is dead, and without the
    check the first request on each would fail."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_recycle=POOL_RECYCLE_SECONDS)
    options = {}
    if parsed.database and parsed.database != ":memory:":
        connection_class = writer_lock.factory(parsed.database, SQLITE_BUSY_TIMEOUT_MS / 1000)
        options["connect_args"] = {"factory": connection_class}
    engine = create_engine(url, **options)
    if parsed.database and parsed.database != ":memory:":
        # First, before WAL mode creates the -wal and -shm files with the file's mode.
        event.listen(engine, "connect", partial(_keep_private, parsed.database))
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "before_cursor_execute", _begin_before_savepoint)
    return engine


def _begin_before_savepoint(connection, cursor, statement, *_args) -> None:
    """Python's sqlite3 opens a transaction only before INSERT, UPDATE, DELETE or REPLACE, so a
    SAVEPOINT that comes first would open one of its own, and its RELEASE would commit the
    nested work at once, outside the request's transaction. Open the transaction first, as
    PostgreSQL's driver always does."""
    dbapi_connection = connection.connection.dbapi_connection
    if statement.startswith("SAVEPOINT") and not dbapi_connection.in_transaction:
        cursor.execute("BEGIN")


def _keep_private(path: str, _dbapi_connection: Any, _record: Any) -> None:
    """The database file holds password hashes: owner-only, whatever the umask made it."""
    if os.path.exists(path) and stat.S_IMODE(os.stat(path).st_mode) != 0o600:
        os.chmod(path, 0o600)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[EXTENSION_KEY] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def get_engine(app: Flask | None = None) -> Engine:
    factory = (app or current_app).extensions[EXTENSION_KEY]
    return factory.kw["bind"]


def get_session() -> Session:
    """The session of the current app context, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[EXTENSION_KEY]()
    return g.db_session


def execute_prepared(session: Session, statement: Executable, params: Any = None) -> Result:
    """Run a statement built once (columns, not entities) on the session's connection.

    For the few statements every request runs: the session's own ``execute`` would route them
    through the ORM's execution layer, about a tenth of a simple page. Pending changes are
    flushed first, as the session's autoflush would.
    """
    session.flush()  # returns at once when nothing is pending
    return session.connection().execute(statement, params)


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
