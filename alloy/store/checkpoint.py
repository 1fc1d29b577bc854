"""WAL checkpoints for the SQLite writes that run on the server's event loop, done beside it.

SQLite copies the WAL back into the database file (a checkpoint) inside the COMMIT that takes
the WAL past `wal_autocheckpoint` pages, and syncs both files to disk as it does: two fsyncs
there and one more when the next write restarts the WAL. On the event loop those fsyncs stall
every request: a ticket create writes ~25 pages (the ticket, its audit row, their indexes and
the search index), so the loop stopped for about 3 fsyncs every 40 creates, which showed as a
server waiting rather than working under load (bench/api_load.py).

So the connections that write on the loop (`alloy.store.no_wait` units) let the WAL grow to
`LOOP_PAGES` before SQLite checkpoints in their COMMIT, and every `EVERY` of their commits a
thread of its own checkpoints what is there (`PASSIVE`: it waits for no one and no one
waits for it). When the loop's own checkpoint comes due, the thread has copied and synced
nearly everything, so the loop's turn is small. (Under sustained writes the WAL is only
reused after such a turn, so its file grows past `LOOP_PAGES`: ~6,000 pages, 25 MB, were
seen under wrk.) Units in worker threads and other processes
keep SQLite's default. Durability is unchanged: with `synchronous=NORMAL` a commit is written
to the WAL at once and synced at the next checkpoint, as before.
"""

from __future__ import annotations

import sqlite3
import threading

EVERY = 32  # loop commits between background checkpoints (~800 pages of ticket creates)
LOOP_PAGES = 4000  # WAL pages at which a loop COMMIT checkpoints itself (SQLite's default: 1000)


class Checkpointer:
    """Checkpoints one database file in a thread of its own every `EVERY` loop commits.

    The thread starts with the first checkpoint due and then sleeps on an event between
    them, so an idle server spends nothing on it and a busy one starts no thread per run."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._due = threading.Event()
        self._commits = 0
        self._thread: threading.Thread | None = None

    def committed(self) -> None:
        """A write unit on the event loop committed."""
        with self._lock:
            self._commits += 1
            if self._commits < EVERY:
                return
            self._commits = 0
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="alloy-sqlite-checkpoint")
                self._thread.start()
        self._due.set()

    def _run(self) -> None:
        while True:
            self._due.wait()
            self._due.clear()
            checkpoint(self.path)


def checkpoint(path: str) -> None:
    """Copy what the WAL holds into the database file, waiting for no one (`PASSIVE`)."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=0)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # housekeeping only: the loop's own checkpoint still comes due
