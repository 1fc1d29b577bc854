"""Transactional outbox: enqueue with the change, deliver later, exactly one claimant per row.

`enqueue` runs inside a service's unit of work, so an event exists if and only if its change
committed. Workers in any number of processes `claim` due rows under a lease:

- PostgreSQL: `FOR UPDATE SKIP LOCKED` lets concurrent claimers take disjoint rows
  without waiting on each other;
- SQLite: the claim runs in a `BEGIN IMMEDIATE` unit, so claimers are serialized.

A claimed row is `complete`d (delivered) or `fail`ed (retried with exponential backoff); a
worker that dies leaves a lease that expires, and the row is claimed again. Delivery itself
(e.g. signed webhooks) is the caller's `deliver` function. On PostgreSQL the worker runs in
the WORKER scope, which RLS admits to the outbox of every tenant — and to nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

from alloy.domain.values import iso, new_id, now
from alloy.store import Scope

WORKER = Scope(worker=True)


def _at(seconds: float) -> str:
    return iso(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds))


def enqueue(db, org_id: str, topic: str, payload: dict) -> str:
    row = db.insert("outbox", {"id": new_id(), "org_id": org_id, "topic": topic,
                               "payload": json.dumps(payload), "created_at": now(),
                               "attempts": 0, "next_attempt_at": now(), "locked_by": None,
                               "locked_until": None, "delivered_at": None, "last_error": None})
    return row["id"]


def claim(store, worker_id: str, limit: int = 20, lease_seconds: float = 60) -> list[dict]:
    """Lease up to `limit` due, undelivered rows to `worker_id`."""
    t = now()
    with store.unit(scope=WORKER) as db:
        lock = " FOR UPDATE SKIP LOCKED" if db.dialect == "postgres" else ""
        rows = db.all(
            "UPDATE outbox SET locked_by = ?, locked_until = ?, attempts = attempts + 1 "
            "WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL "
            "AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?) "
            f"ORDER BY id LIMIT {int(limit)}{lock}) RETURNING *",
            worker_id, _at(lease_seconds), t, t)
        db.commit()
    return sorted(rows, key=lambda r: r["id"])


def complete(store, row: dict) -> None:
    with store.unit(scope=WORKER) as db:
        db.run("UPDATE outbox SET delivered_at = ?, locked_until = NULL, last_error = NULL "
               "WHERE id = ? AND locked_by = ?", now(), row["id"], row["locked_by"])
        db.commit()


def fail(store, row: dict, error: str) -> None:
    delay = min(3600, 2 ** min(row["attempts"], 12))
    with store.unit(scope=WORKER) as db:
        db.run("UPDATE outbox SET locked_until = NULL, last_error = ?, next_attempt_at = ? "
               "WHERE id = ? AND locked_by = ?", error[:500], _at(delay), row["id"],
               row["locked_by"])
        db.commit()


class Worker(threading.Thread):
    """Claims and delivers until stopped; `deliver(row)` raises to ask for a retry."""

    def __init__(self, store, deliver, interval: float = 1.0) -> None:
        super().__init__(daemon=True, name="alloy-outbox")
        self.store, self.deliver, self.interval = store, deliver, interval
        self.id = new_id()
        self.stopped = threading.Event()

    def run_once(self) -> int:
        rows = claim(self.store, self.id)
        for row in rows:
            try:
                self.deliver(row)
            except Exception as e:  # noqa: BLE001 - any delivery failure means "retry later"
                fail(self.store, row, f"{type(e).__name__}: {e}")
            else:
                complete(self.store, row)
        return len(rows)

    def run(self) -> None:
        while not self.stopped.is_set():
            if self.run_once() == 0:
                self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
