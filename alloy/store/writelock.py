"""One SQLite writer at a time per process, served in arrival order.

SQLite admits one write transaction per database file. Left to itself, every thread that
wants to write runs `BEGIN IMMEDIATE` and, finding the file locked, sleeps in SQLite's busy
handler in growing steps (up to 100 ms per nap): under load, late arrivals overtake early
ones and the tail latency explodes (p99 1.2 s at 16 connections). Queuing writers here, in
the process, hands the write lock straight to the next thread in line the moment the
previous one commits. Readers never touch it (WAL lets them read beside the writer).
Other processes on the same file are still serialized by SQLite itself: the busy timeout
applies between processes as before.
"""

from __future__ import annotations

import collections
import os
import threading
import time


class FairLock:
    """A FIFO mutex: `release` hands the lock to the longest-waiting thread (no barging)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._queue: collections.deque[threading.Lock] = collections.deque()
        self._held = False

    def acquire(self) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            turn = threading.Lock()
            turn.acquire()
            self._queue.append(turn)
        turn.acquire()  # released by `release` when it is our turn; we then hold the lock

    def try_acquire(self) -> bool:
        """Take the lock if it is free and nobody is queued for it; never waits."""
        with self._mutex:
            if self._held:
                return False
            self._held = True
            return True

    def release(self) -> None:
        with self._mutex:
            handed = bool(self._queue)
            if handed:
                self._queue.popleft().release()  # ownership passes on; `_held` stays True
            else:
                self._held = False
        if handed:
            # Let the new owner take the GIL now. Else it waits, holding the database, until
            # this thread blocks or the interpreter's switch interval (5 ms) forces a turn.
            time.sleep(0)

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(self, *_exc) -> None:
        self.release()


_LOCKS: dict[str, FairLock] = {}
_GUARD = threading.Lock()


def for_path(path: str) -> FairLock:
    """The process's write lock for a database file (every store on that file shares it)."""
    key = path if path == ":memory:" else os.path.realpath(path)
    with _GUARD:
        lock = _LOCKS.get(key)
        if lock is None:
            lock = _LOCKS[key] = FairLock()
        return lock
