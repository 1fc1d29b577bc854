"""Delivering queued webhook events: claim, POST signed, record, retry with backoff.

The leasing, retries and backoff are the shared outbox scheme (`alloy.outbox`).
"""

from __future__ import annotations

import hashlib
import hmac

from alloy import outbound, outbox
from alloy.store import WORKER


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def claim(store, limit: int = 20) -> list[dict]:
    """Atomically lease up to `limit` due deliveries to this process."""
    with store.unit(scope=WORKER) as db:
        rows = outbox.lease(db, "webhook_deliveries", "webhook_id, event_id, event_type, payload",
                            limit)
        for row in rows:
            hook = db.one("SELECT url, secret FROM webhooks WHERE id = ?", row["webhook_id"])
            row.update(hook or {})
        db.commit()
    return [r for r in rows if r.get("url")]


def _record(store, row: dict, code: int | None, error: str | None) -> None:
    outbox.record(store, "webhook_deliveries", row, ok=code is not None and 200 <= code < 300,
                  error=error, last_status_code=code)


def deliver_due(store, http=None, limit: int = 20, *, allow_private: bool = False) -> int:
    """Send what is due now; returns how many deliveries were attempted. Each target's
    address is checked as it is sent (`alloy.outbound`); a refused one is a failed attempt."""
    rows = claim(store, limit)
    own = http is None
    http = http or outbound.client(allow_private=allow_private, timeout=10)
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
            except Exception as e:  # noqa: BLE001 - one target's failure (an IDNA error
                # on `http://xn--/` raised its own class) is its failed attempt, never the batch's
                _record(store, row, None, (str(e) or type(e).__name__)[:500])
    finally:
        if own:
            http.close()
    return len(rows)
