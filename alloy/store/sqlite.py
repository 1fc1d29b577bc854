"""SQLite store: WAL, foreign keys, busy timeout, `BEGIN IMMEDIATE` for writes.

Write units queue for the process's write lock (`alloy.store.writelock`) before they begin,
so threads take turns in order instead of racing in SQLite's busy handler; the busy timeout
still arbitrates between processes sharing the file. Under `alloy.store.no_wait` (work on
the server's event loop) a unit waits for neither: it raises `WouldBlock` instead, and its
WAL checkpoints are mostly done in a thread beside the loop (`alloy.store.checkpoint`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading

from alloy import outbox
from alloy.private import owner_only, private_dir, private_file
from alloy.store import WouldBlock, checkpoint, waiting_allowed, writelock
from alloy.store.db import Db

BUSY_MS = 30_000  # how long a unit waits for another process's write before failing
SQLITE_CHECKPOINT_PAGES = 1000  # SQLite's default `wal_autocheckpoint`

_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _locked(err: sqlite3.OperationalError) -> bool:
    """SQLite answered "database is locked": with no busy timeout, someone else writes."""
    return (getattr(err, "sqlite_errorcode", 0) & 0xFF) in _BUSY_CODES


def _dict_row(cursor, row):
    return {d[0]: v for d, v in zip(cursor.description, row, strict=True)}


class SqliteStore:
    dialect = "sqlite"

    def __init__(self, path: str, **_kw) -> None:
        self.path = path
        self._local = threading.local()
        self._write_lock = writelock.for_path(path)
        self._checkpointer = checkpoint.Checkpointer(path) if path != ":memory:" else None

    def connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.path != ":memory:":
                private_dir(os.path.dirname(os.path.abspath(self.path)))
                private_file(self.path)
                for journal in ("-wal", "-shm"):  # left 0644 by an older Alloy
                    owner_only(self.path + journal)
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                   timeout=30)
            conn.row_factory = _dict_row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
            # Reads straight from the OS page cache, and a larger cache of our own: a search
            # ranks thousands of index rows and reads the tickets they name (bench/search.py).
            conn.execute("PRAGMA mmap_size=268435456")
            conn.execute("PRAGMA cache_size=-32768")
            self._local.conn, self._local.waits = conn, True
        return conn

    def _set_waiting(self, conn, wait: bool) -> None:
        """Tune the connection for the kind of unit it runs: one that may wait (a worker
        thread, the CLI) waits out other processes' writes and checkpoints as SQLite does;
        one on the event loop never waits and leaves most checkpointing to a thread."""
        if self._local.waits != wait:
            conn.execute(f"PRAGMA busy_timeout={BUSY_MS if wait else 0}")
            conn.execute("PRAGMA wal_autocheckpoint="
                         f"{SQLITE_CHECKPOINT_PAGES if wait else checkpoint.LOOP_PAGES}")
            self._local.waits = wait

    @contextlib.contextmanager
    def unit(self, write: bool = True, scope=None):
        """One transaction; it commits only if the service called `db.commit()`.

        `scope` (tenancy) is enforced by RLS on PostgreSQL; SQLite relies on the services'
        org filters, as the spec's single-tenant SQLite mode does.
        """
        wait = waiting_allowed()
        try:
            conn = self.connect()
            self._set_waiting(conn, wait)
            if not write:
                yield from self._transaction(conn, "BEGIN")
            elif wait:
                with self._write_lock:
                    yield from self._transaction(conn, "BEGIN IMMEDIATE")
            elif self._write_lock.try_acquire():
                try:
                    yield from self._transaction(conn, "BEGIN IMMEDIATE", self._checkpointer)
                finally:
                    self._write_lock.release()
            else:
                raise WouldBlock("another thread is writing")
        except sqlite3.OperationalError as err:
            if not wait and _locked(err):  # rolled back: nothing happened, run it again
                raise WouldBlock(str(err)) from None
            if "readonly" not in str(err):
                raise
            from alloy.errors import AlloyError

            raise AlloyError(f"the database {os.path.abspath(self.path)} is read-only: make it "
                             "and its directory writable, or set ALLOY_DATABASE_URL to a "
                             "writable one") from None

    @staticmethod
    def _transaction(conn, begin: str, checkpointer=None):
        conn.execute(begin)
        db = Db(conn)
        try:
            yield db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT" if db.committed else "ROLLBACK")
        if db.committed and db.queued:
            outbox.queued()
        if db.committed and checkpointer is not None:
            checkpointer.committed()

    def migrate(self) -> list[str]:
        from alloy.store.migrate import migrate_sqlite

        return migrate_sqlite(self.connect())

    def pending_migrations(self) -> list[str]:
        from alloy.store.migrate import applied_sqlite, pending

        return pending("sqlite", applied_sqlite(self.connect()))

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
