"""Sending queued Slack notifications to the Web API's `chat.postMessage`.

Rows of the `slack_messages` outbox are leased, posted with the bot token and recorded by
the shared outbox scheme (`alloy.outbox`); errors Slack calls permanent are not retried.
"""

from __future__ import annotations

import json
import logging

from alloy import outbox
from alloy.store import WORKER

log = logging.getLogger("alloy.slack")
# chat.postMessage errors that no retry can fix.
PERMANENT = frozenset({"channel_not_found", "not_in_channel", "is_archived", "msg_too_long",
                       "no_text", "invalid_auth", "not_authed", "account_inactive",
                       "token_revoked", "missing_scope", "invalid_blocks"})


def claim(store, limit: int = 20) -> list[dict]:
    """Lease up to `limit` due messages to this process."""
    with store.unit(scope=WORKER) as db:
        rows = outbox.lease(db, "slack_messages", "channel, thread_ts, text, blocks", limit)
        db.commit()
    return rows


def _record(store, row: dict, slack_ts: str | None, error: str | None,
            permanent: bool = False) -> None:
    if error is not None:
        log.warning("Slack chat.postMessage to %s failed (attempt %d): %s",
                    row["channel"], row["attempts"] + 1, error)
    outbox.record(store, "slack_messages", row, ok=error is None, error=error,
                  permanent=permanent, slack_ts=slack_ts)


def deliver_due(store, slack, http=None, limit: int = 20) -> int:
    """Post what is due now with `slack` (Settings.slack); returns how many messages were
    attempted (0 if unconfigured)."""
    token = slack.bot_token
    if not token:
        return 0  # nothing can be sent; queued messages wait for a configured server
    import httpx

    rows = claim(store, limit)
    if not rows:
        return 0
    url = slack.api_url.rstrip("/") + "/chat.postMessage"
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
