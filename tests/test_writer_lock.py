"""SQLite writers queue on a file lock instead of SQLite's sleeping retries
(course_app.writer_lock), between threads and between processes."""

import multiprocessing
import sqlite3
import threading
import time

import pytest

from course_app import writer_lock

COUNTER_ROWS = 300


def connect(path, timeout=5.0, busy_timeout_ms=0):
    """A connection as the app makes them, but with SQLite's own waiting switched off, so any
    write that met another writer would fail at once with "database is locked"."""
    connection = sqlite3.connect(path, factory=writer_lock.factory(str(path), timeout))
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    return connection


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "queue.sqlite"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, worker TEXT)")
    return path


def _count_up(path, worker: str, rows: int, errors) -> None:
    connection = connect(path)
    for _ in range(rows):
        try:
            connection.execute("INSERT INTO counter (worker) VALUES (?)", (worker,))
            connection.execute("SELECT count(*) FROM counter").fetchone()  # work inside
            connection.commit()
        except sqlite3.OperationalError as error:
            connection.rollback()
            errors.put(str(error))
    connection.close()


def _count_in_processes(path) -> tuple[int, list[str]]:
    errors = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=_count_up, args=(path, f"w{n}", COUNTER_ROWS, errors))
        for n in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    messages = []
    while not errors.empty():
        messages.append(errors.get())
    with sqlite3.connect(path) as check:
        return check.execute("SELECT count(*) FROM counter").fetchone()[0], messages


def test_writers_in_three_processes_never_meet_a_locked_database(database):
    total, errors = _count_in_processes(database)
    assert errors == []
    assert total == 3 * COUNTER_ROWS


def test_without_the_queue_the_same_writers_do_meet_it(database, monkeypatch):
    """The test above can fail: plain connections, with no waiting, collide."""
    monkeypatch.setattr(writer_lock, "factory", lambda *_args: sqlite3.Connection)
    total, errors = _count_in_processes(database)
    assert errors and all("locked" in message for message in errors)
    assert total == 3 * COUNTER_ROWS - len(errors)


def test_a_second_writer_waits_for_the_commit_then_writes(database):
    first, reader = connect(database), connect(database)
    first.execute("INSERT INTO counter (worker) VALUES ('first')")
    done = threading.Event()

    def write_second():  # in a thread of its own, as a gunicorn thread would
        second = connect(database)
        second.execute("INSERT INTO counter (worker) VALUES ('second')")
        second.commit()
        second.close()
        done.set()

    thread = threading.Thread(target=write_second)
    thread.start()
    assert not done.wait(0.2), "the second writer must wait for the first"
    assert reader.execute("SELECT count(*) FROM counter").fetchone()[0] == 0  # reads go on
    first.commit()
    assert done.wait(5)
    thread.join()
    rows = [row[0] for row in first.execute("SELECT worker FROM counter ORDER BY id")]
    assert rows == ["first", "second"]


@pytest.mark.parametrize("finish", ["rollback", "close"])
def test_rollback_and_close_let_the_next_writer_in(database, finish):
    first, second = connect(database), connect(database, timeout=0.5)
    first.execute("INSERT INTO counter (worker) VALUES ('first')")
    getattr(first, finish)()
    second.execute("INSERT INTO counter (worker) VALUES ('second')")
    second.commit()
    assert second.execute("SELECT worker FROM counter").fetchall() == [("second",)]


def test_closing_twice_is_harmless(database):
    connection = connect(database)
    connection.close()
    connection.close()


def test_a_writer_waiting_past_the_timeout_fails_as_sqlite_would(database):
    first, second = connect(database), connect(database, timeout=0.2)
    first.execute("INSERT INTO counter (worker) VALUES ('first')")
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        second.execute("INSERT INTO counter (worker) VALUES ('second')")
    assert time.monotonic() - started >= 0.2
    first.commit()
    second.execute("INSERT INTO counter (worker) VALUES ('second')")  # and can try again
    second.commit()


def test_the_app_engine_queues_writers_on_its_database_file(app):
    from course_app.db import get_engine

    engine = get_engine(app)
    with engine.connect() as connection:
        dbapi = connection.connection.dbapi_connection
        queued = isinstance(dbapi, writer_lock.WriterLockedConnection)
        if engine.dialect.name == "sqlite":
            assert queued
            assert dbapi.lock_path == f"{engine.url.database}.writer-lock"
        else:
            assert not queued  # PostgreSQL orders writers itself, with row locks
