"""Sending queued Slack notifications to the Web API's `chat.postMessage`.

The same scheme as webhook delivery (`alloy.webhooks`): due rows of the `slack_messages`
outbox are leased by an atomic UPDATE (several server processes may run this; an expired
lease makes a row claimable again), posted with the bot token, and recorded; transient
failures are retried with exponential backoff, errors Slack calls permanent are not.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os

from alloy.domain.values import iso, now
from alloy.store import WORKER

log = logging.getLogger("alloy.slack")
MAX_ATTEMPTS = 6
LEASE = dt.timedelta(seconds=60)
DEFAULT_API_URL = "https://slack.com/api"
# chat.postMessage errors that no retry can fix.
PERMANENT = frozenset({"channel_not_found", "not_in_channel", "is_archived", "msg_too_long",
                       "no_text", "invalid_auth", "not_authed", "account_inactive",
                       "token_revoked", "missing_scope", "invalid_blocks"})


def _later(seconds: float) -> str:
    return iso(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds))


def claim(store, limit: int = 20) -> list[dict]:
    """Atomically lease up to `limit` due messages to this process."""
    t = now()
    with store.unit(scope=WORKER) as db:  # every tenant's Slack outbox
        rows = db.all(
            "UPDATE slack_messages SET claimed_until = ? WHERE id IN ("
            " SELECT id FROM slack_messages WHERE status = 'pending' AND next_attempt_at <= ?"
            " AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at LIMIT ?)"
            " AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)"
            " RETURNING id, channel, thread_ts, text, blocks, attempts",
            iso(dt.datetime.now(dt.UTC) + LEASE), t, t, limit, t)
        db.commit()
    return rows


def _record(store, row: dict, slack_ts: str | None, error: str | None,
            permanent: bool = False) -> None:
    attempts = row["attempts"] + 1
    ok = error is None
    if not ok:
        log.warning("Slack chat.postMessage to %s failed (attempt %d): %s",
                    row["channel"], attempts, error)
    status = ("delivered" if ok else
              "failed" if permanent or attempts >= MAX_ATTEMPTS else "pending")
    with store.unit(scope=WORKER) as db:
        db.update("slack_messages", {"id": row["id"]}, {
            "status": status, "attempts": attempts, "last_error": error,
            "claimed_until": None, "slack_ts": slack_ts,
            "delivered_at": now() if ok else None,
            "next_attempt_at": now() if ok else _later(2 ** attempts)})
        db.commit()


def deliver_due(store, http=None, limit: int = 20) -> int:
    """Post what is due now; returns how many messages were attempted (0 if unconfigured)."""
    token = os.environ.get("ALLOY_SLACK_BOT_TOKEN")
    if not token:
        return 0  # nothing can be sent; queued messages wait for a configured server
    import httpx

    rows = claim(store, limit)
    if not rows:
        return 0
    url = os.environ.get("ALLOY_SLACK_API_URL", DEFAULT_API_URL).rstrip("/") + "/chat.postMessage"
    headers = {"Authorization": f"Bearer {token}",
               "Content-Type": "application/json; charset=utf-8"}
    own = http is None
    http = http or httpx.Client(timeout=10)
    try:
        for row in rows:
            message = {"channel": row["channel"], "text": row["text"],
                       "blocks": json.loads(row["blocks"])}
            if row["thread_ts"]:
                message["thread_ts"] = row["thread_ts"]
            try:
                resp = http.post(url, json=message, headers=headers)
                answer = resp.json() if resp.status_code == 200 else {}
            except (httpx.HTTPError, ValueError) as e:
                _record(store, row, None, str(e)[:500])
                continue
            if answer.get("ok"):
                _record(store, row, str(answer.get("ts") or "") or None, None)
            else:
                error = str(answer.get("error") or f"HTTP {resp.status_code}")[:500]
                _record(store, row, None, error, permanent=error in PERMANENT)
    finally:
        if own:
            http.close()
    return len(rows)
