"""SQLite store: WAL, foreign keys, busy timeout, `BEGIN IMMEDIATE` for writes.

Write units queue for the process's write lock (`alloy.store.writelock`) before they begin,
so threads take turns in order instead of racing in SQLite's busy handler; the busy timeout
still arbitrates between processes sharing the file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading

from alloy import outbox
from alloy.private import owner_only, private_dir, private_file
from alloy.store import writelock
from alloy.store.db import Db


def _dict_row(cursor, row):
    return {d[0]: v for d, v in zip(cursor.description, row, strict=True)}


class SqliteStore:
    dialect = "sqlite"

    def __init__(self, path: str, **_kw) -> None:
        self.path = path
        self._local = threading.local()
        self._write_lock = writelock.for_path(path)

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
            conn.execute("PRAGMA busy_timeout=30000")
            # Reads straight from the OS page cache, and a larger cache of our own: a search
            # ranks thousands of index rows and reads the tickets they name (bench/search.py).
            conn.execute("PRAGMA mmap_size=268435456")
            conn.execute("PRAGMA cache_size=-32768")
            self._local.conn = conn
        return conn

    @contextlib.contextmanager
    def unit(self, write: bool = True, scope=None):
        """One transaction; it commits only if the service called `db.commit()`.

        `scope` (tenancy) is enforced by RLS on PostgreSQL; SQLite relies on the services'
        org filters, as the spec's single-tenant SQLite mode does.
        """
        try:
            conn = self.connect()
            if not write:
                yield from self._transaction(conn, "BEGIN")
                return
            with self._write_lock:
                yield from self._transaction(conn, "BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if "readonly" not in str(err):
                raise
            from alloy.errors import AlloyError

            raise AlloyError(f"the database {os.path.abspath(self.path)} is read-only: make it "
                             "and its directory writable, or set ALLOY_DATABASE_URL to a "
                             "writable one") from None

    @staticmethod
    def _transaction(conn, begin: str):
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
