"""Outboxes drained in the background (webhook deliveries, Slack messages): lease, send, record.

Rows are queued in the writer's own transaction. Several server processes may drain a table
at once: due rows are leased by an atomic UPDATE that sets `claimed_until`, so only one
process sends each; an expired lease (a crashed worker) makes a row claimable again. Failed
sends are retried with exponential backoff up to MAX_ATTEMPTS; permanent failures stop at once.
Runs in the worker scope, which on PostgreSQL sees every tenant's outbox rows and nothing else.

An idle worker costs nothing: a unit of work that queues rows wakes it when it commits
(`queued`: in this process directly; on PostgreSQL also through NOTIFY `CHANNEL`, which
reaches every process), and it looks for due rows with a read (`wait`) before it leases
anything in a write transaction.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from alloy.domain.values import iso, now
from alloy.store import WORKER

MAX_ATTEMPTS = 6
LEASE = dt.timedelta(seconds=60)
TABLES = frozenset({"webhook_deliveries", "slack_messages"})  # the outboxes
CHANNEL = "alloy_outbox"  # PostgreSQL NOTIFY channel: a commit queued outbox rows

_wakers: list[Callable[[], None]] = []
_wakers_lock = threading.Lock()


def on_queued(callback: Callable[[], None]) -> Callable[[], None]:
    """Call `callback` (in the committing thread) after every commit in this process that
    queued outbox rows; returns the function that stops it."""
    with _wakers_lock:
        _wakers.append(callback)

    def stop() -> None:
        with _wakers_lock:
            if callback in _wakers:
                _wakers.remove(callback)

    return stop


def queued() -> None:
    """A unit of work that inserted into an outbox has committed (the stores call this)."""
    for callback in list(_wakers):
        callback()


def wait(store, table: str) -> float | None:
    """Seconds until the next row of `table` falls due (0: now), None when none is queued.
    A read: polling an empty outbox takes no write lock."""
    t = now()
    with store.unit(write=False, scope=WORKER) as db:
        due = db.value(f"SELECT MIN(next_attempt_at) FROM {table} WHERE status = 'pending'"
                       " AND (claimed_until IS NULL OR claimed_until < ?)", t)
    if due is None:
        return None
    when = dt.datetime.fromisoformat(due.replace("Z", "+00:00"))
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _later(seconds: float) -> str:
    return iso(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds))


def lease(db, table: str, columns: str, limit: int) -> list[dict]:
    """Lease up to `limit` due rows of `table` to this process; returns `id, attempts` and
    `columns` (a comma-separated list) of each. Commit the unit to keep the lease."""
    t = now()
    return db.all(
        f"UPDATE {table} SET claimed_until = ? WHERE id IN ("
        f" SELECT id FROM {table} WHERE status = 'pending' AND next_attempt_at <= ?"
        " AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at LIMIT ?)"
        " AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)"
        f" RETURNING id, attempts, {columns}",
        _later(LEASE.total_seconds()), t, t, limit, t)


def record(store, table: str, row: dict, *, ok: bool, error: str | None,
           permanent: bool = False, **fields) -> None:
    """Record one send attempt of `row` (plus any outcome `fields`) and schedule a retry."""
    attempts = row["attempts"] + 1
    status = ("delivered" if ok else
              "failed" if permanent or attempts >= MAX_ATTEMPTS else "pending")
    with store.unit(scope=WORKER) as db:
        db.update(table, {"id": row["id"]}, {
            **fields, "status": status, "attempts": attempts, "last_error": error,
            "claimed_until": None, "delivered_at": now() if ok else None,
            "next_attempt_at": now() if ok else _later(2 ** attempts)})
        db.commit()
