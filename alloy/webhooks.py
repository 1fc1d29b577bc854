"""Delivering queued webhook events: claim, POST signed, record, retry with backoff.

Several server processes may run this at once: a delivery is claimed by an atomic UPDATE that
sets a lease (`claimed_until`), so only one process sends it; an expired lease (a crashed
worker) makes it claimable again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from alloy.domain.values import iso, now
from alloy.store import WORKER

MAX_ATTEMPTS = 6
LEASE = dt.timedelta(seconds=60)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _later(seconds: float) -> str:
    return iso(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds))


def claim(store, limit: int = 20) -> list[dict]:
    """Atomically lease up to `limit` due deliveries to this process."""
    t = now()
    with store.unit(scope=WORKER) as db:  # every tenant's outbox
        rows = db.all(
            "UPDATE webhook_deliveries SET claimed_until = ? WHERE id IN ("
            " SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?"
            " AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at LIMIT ?)"
            " AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)"
            " RETURNING id, webhook_id, event_id, event_type, payload, attempts",
            iso(dt.datetime.now(dt.UTC) + LEASE), t, t, limit, t)
        for row in rows:
            hook = db.one("SELECT url, secret FROM webhooks WHERE id = ?", row["webhook_id"])
            row.update(hook or {})
        db.commit()
    return [r for r in rows if r.get("url")]


def _record(store, row: dict, code: int | None, error: str | None) -> None:
    attempts = row["attempts"] + 1
    ok = code is not None and 200 <= code < 300
    status = "delivered" if ok else ("failed" if attempts >= MAX_ATTEMPTS else "pending")
    with store.unit(scope=WORKER) as db:  # every tenant's outbox
        db.update("webhook_deliveries", {"id": row["id"]}, {
            "status": status, "attempts": attempts, "last_status_code": code,
            "last_error": error, "claimed_until": None,
            "delivered_at": now() if ok else None,
            "next_attempt_at": now() if ok else _later(2 ** attempts)})
        db.commit()


def deliver_due(store, http=None, limit: int = 20) -> int:
    """Send what is due now; returns how many deliveries were attempted."""
    import httpx

    rows = claim(store, limit)
    own = http is None
    http = http or httpx.Client(timeout=10)
    try:
        for row in rows:
            body = row["payload"].encode()
            headers = {"Content-Type": "application/json", "X-Alloy-Event": row["event_type"],
                       "X-Alloy-Delivery": row["id"], "X-Alloy-Signature": sign(row["secret"], body),
                       "User-Agent": "Alloy-Webhooks/1"}
            try:
                resp = http.post(row["url"], content=body, headers=headers)
                _record(store, row, resp.status_code,
                        None if resp.status_code < 300 else f"HTTP {resp.status_code}")
            except httpx.HTTPError as e:
                _record(store, row, None, str(e)[:500])
    finally:
        if own:
            http.close()
    return len(rows)
