"""What Slack itself calls: signed slash commands and Events API callbacks.

The server verifies Slack's v0 signature on the raw request (`verify`), then hands the
parsed payload here. These requests carry no Alloy credentials, so they act in ONE org
(ALLOY_SLACK_ORG_ID, else the server's only org) as that org's first Owner, running
operations with `run_as` (slash commands: the ordinary ones; a thread reply:
`slack.sync_reply`, one unit of work), so permissions, row-level security, the audit log and
webhook events apply unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from alloy.dispatch import run_as
from alloy.errors import AlloyError, Conflict, NotConfigured, Unauthorized
from alloy.integrations import acting_actor
from alloy.services.slack import words

MAX_AGE = 300  # seconds: Slack's replay window
USAGE = ("Usage:\n• `/ticket create PROJ Title here` creates a ticket in project PROJ\n"
         "• `/ticket PROJ-42` shows a ticket")
_REF = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,9}-\d{1,9}$")


def signing_secret(settings) -> str:
    secret = settings.slack.signing_secret
    if not secret:
        raise NotConfigured("Slack is not configured: set ALLOY_SLACK_SIGNING_SECRET")
    return secret


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify(settings, timestamp: str | None, sent: str | None, body: bytes,
           at: float | None = None) -> None:
    """401 unless the request is signed with our secret within the last five minutes."""
    secret = signing_secret(settings)
    if not timestamp or not sent:
        raise Unauthorized("missing X-Slack-Request-Timestamp or X-Slack-Signature")
    try:
        age = abs((at or time.time()) - int(timestamp))
    except ValueError:
        raise Unauthorized("X-Slack-Request-Timestamp is not a Unix time") from None
    if age > MAX_AGE:
        raise Unauthorized("stale request: X-Slack-Request-Timestamp is over 5 minutes off")
    if not hmac.compare_digest(signature(secret, timestamp, body).encode(), sent.encode()):
        raise Unauthorized("invalid Slack signature")


def _ephemeral(text: str) -> dict:
    return {"response_type": "ephemeral", "text": text}


def ticket_blocks(ticket) -> dict:
    """A ticket (`alloy.domain.work.Ticket`) as the Block Kit answer of the API Reference."""
    return {"response_type": "in_channel", "blocks": [{
        "type": "section",
        "text": {"type": "mrkdwn", "text": f"*{ticket.key}: {ticket.title}*"},
        "fields": [{"type": "mrkdwn", "text": f"*Status:* {words(ticket.status)}"},
                   {"type": "mrkdwn", "text": f"*Priority:* {words(ticket.priority.value)}"}]}]}


def command(env, form: dict) -> dict:
    """Answer a slash command (`text` after the command name) with a Slack message."""
    text = " ".join(form.get("text", "").split())
    parts = text.split(" ", 3)
    if parts[0].lower() == "create" and len(parts) >= 3:
        key, title = parts[1].upper(), " ".join(parts[2:])
        actor = acting_actor(env, "slack")
        try:
            project = run_as(env, actor, "projects.get_by_key", key=key,
                             query={"org_id": actor.org_id})
        except AlloyError:
            return _ephemeral(f"Project {key} not found.")
        who = form.get("user_name") or form.get("user_id")
        try:
            ticket = run_as(env, actor, "tickets.create", project_id=project.id, body={
                "title": title, "description": f"Created from Slack by @{who}" if who else None})
        except AlloyError as e:
            return _ephemeral(f"Could not create the ticket: {e.message}")
        return ticket_blocks(ticket)
    if len(parts) == 1 and _REF.match(parts[0]):
        ref = parts[0].upper()
        actor = acting_actor(env, "slack")
        try:
            found = run_as(env, actor, "tickets.resolve",
                           query={"ref": ref, "org_id": actor.org_id})
        except AlloyError:
            return _ephemeral(f"Ticket {ref} not found.")
        return ticket_blocks(found.ticket)
    return _ephemeral(USAGE)


def event(env, payload: dict) -> dict:
    """Handle an Events API payload: the URL check, and thread replies -> ticket comments."""
    kind = payload.get("type")
    if kind == "url_verification":
        return {"challenge": str(payload.get("challenge", "")), "status": "ok"}
    ev = payload.get("event") if kind == "event_callback" else None
    if not isinstance(ev, dict) or ev.get("type") != "message":
        return {"status": "ignored"}
    thread, channel, text, ts = (ev.get("thread_ts"), ev.get("channel"), ev.get("text"),
                                 ev.get("ts"))
    if ev.get("bot_id") or ev.get("subtype") or not (thread and channel and ts and text):
        return {"status": "ignored"}  # bots (ourselves included), edits, deletions
    if thread == ts or not str(text).strip():
        return {"status": "ignored"}  # a thread's parent message, or nothing to say
    reply = {"channel_id": str(channel), "thread_ts": str(thread), "ts": str(ts),
             "text": str(text), "user": str(ev["user"]) if ev.get("user") else None}
    try:
        return {"status": run_as(env, acting_actor(env, "slack"), "slack.sync_reply",
                                 body=reply)}
    except Conflict:  # the same Slack message, synced concurrently by a retry
        return {"status": "duplicate"}
