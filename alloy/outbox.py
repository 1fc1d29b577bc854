"""Outboxes drained in the background (webhook deliveries, Slack messages): lease, send, record.

Rows are queued in the writer's own transaction. Several server processes may drain a table
at once: due rows are leased by an atomic UPDATE that sets `claimed_until`, so only one
process sends each; an expired lease (a crashed worker) makes a row claimable again. Failed
sends are retried with exponential backoff up to MAX_ATTEMPTS; permanent failures stop at once.
Runs in the worker scope, which on PostgreSQL sees every tenant's outbox rows and nothing else.
"""

from __future__ import annotations

import datetime as dt

from alloy.domain.values import iso, now
from alloy.store import WORKER

MAX_ATTEMPTS = 6
LEASE = dt.timedelta(seconds=60)


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
