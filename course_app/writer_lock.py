"""One writer at a time on an SQLite file, queued by a kernel file lock.

SQLite lets one connection write at a time. A second writer gets SQLITE_BUSY and SQLite's busy
handler sleeps 1 ms, then 2, then 5, ... before trying again, while the first writer is usually
done within a fraction of a millisecond (an autosave holds the lock for two UPDATEs and the
commit's fsync). Under concurrent autosaves those sleeps left a third of the time idle.

Here every connection takes an exclusive ``flock`` on ``<database>.writer-lock`` just before its
first INSERT, UPDATE, DELETE or REPLACE, and lets it go after the commit or rollback, so SQLite
never sees two writers. Waiting is a short poll (50 µs, doubling to 1 ms), so the next writer
starts almost as soon as the lock is free; after ``timeout`` seconds it fails like SQLite does,
with "database is locked". Readers never take the lock (WAL lets them read during a write).
Locks belong to open file descriptions, so this works between threads as between processes,
and the kernel releases the lock of a process that dies.
"""

import fcntl
import os
import sqlite3
import time

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
FIRST_WAIT_S = 0.00005
LONGEST_WAIT_S = 0.001


class WriterCursor(sqlite3.Cursor):
    """Takes the connection's writer lock before a statement that writes."""

    def execute(self, sql, parameters=(), /):
        self.connection.before_statement(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        self.connection.before_statement(sql)
        return super().executemany(sql, parameters)


class WriterLockedConnection(sqlite3.Connection):
    """An sqlite3 connection that holds the writer lock from its first write to the end of
    the transaction. Subclasses set ``lock_path`` and ``lock_timeout`` (see :func:`factory`)."""

    lock_path: str
    lock_timeout: float

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        self._holding = False

    def cursor(self, factory=WriterCursor):
        return super().cursor(factory)

    # The shortcuts below would otherwise make a plain cursor and skip the lock.
    def execute(self, sql, parameters=(), /):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        return self.cursor().executemany(sql, parameters)

    def before_statement(self, sql: str) -> None:
        if not self._holding and sql.lstrip()[:7].upper().startswith(WRITES):
            self._acquire()

    def _acquire(self) -> None:
        deadline = time.monotonic() + self.lock_timeout
        wait = FIRST_WAIT_S
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._holding = True
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT_S)

    def _release(self) -> None:
        if self._holding:
            self._holding = False
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()
            if self._lock_fd >= 0:  # closing twice is allowed, as for sqlite3 itself
                os.close(self._lock_fd)
                self._lock_fd = -1


def factory(database_file: str, timeout: float) -> type[WriterLockedConnection]:
    """The connection class for ``sqlite3.connect(..., factory=...)`` on this file."""
    attributes = {"lock_path": f"{database_file}.writer-lock", "lock_timeout": timeout}
    return type("FileWriterLockedConnection", (WriterLockedConnection,), attributes)
