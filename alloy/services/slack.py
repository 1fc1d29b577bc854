"""Slack: notifications queued for the Web API, and Slack threads mapped to tickets.

A notification is written to the `slack_messages` outbox in the caller's transaction and
sent to `chat.postMessage` by the server's delivery worker (`alloy.integrations.slack_outbox`),
so a slow or failing Slack never slows or fails the request. The signed endpoints Slack itself
calls (slash commands, events) live in `alloy.integrations.slack` and act through operations.
"""

from __future__ import annotations

import json
import re

from alloy.context import Ctx
from alloy.domain.page import Page, keyset
from alloy.domain.slack import (
    NOTIFICATION_TYPES,
    Notified,
    NotifyIn,
    ThreadMapping,
    ThreadMappingIn,
    ThreadMappingQuery,
    ThreadReply,
)
from alloy.domain.values import Role, new_id, now
from alloy.errors import Conflict, Invalid, NotConfigured
from alloy.ops import op
from alloy.services import tickets


def words(value: str) -> str:
    """`InProgress` -> `In Progress`: canonical PascalCase values as people read them."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value or "")


def _mention(body: NotifyIn, default_user: str) -> str:
    user = body.user_slack_id or default_user
    return f"<@{user}> " if user else ""


def compose(body: NotifyIn, ticket: dict, key: str, default_user: str = "") -> str:
    """The message text for one notification type (Slack mrkdwn)."""
    ref = f"*{key}: {ticket['title']}*"
    by = f" by {body.actor_name}" if body.actor_name else ""
    kind = body.notification_type
    if kind == "assignment":
        text = f"{_mention(body, default_user)}you were assigned {ref}{by}"
    elif kind == "mention":
        text = f"{_mention(body, default_user)}you were mentioned on {ref}{by}"
    elif kind == "status_change":
        new = body.new_status or words(ticket["status"])
        moved = f"from {body.old_status} to {new}" if body.old_status else f"to {new}"
        text = f"{ref} moved {moved}{by}"
    else:  # comment_sync
        text = f"New comment on {ref}{by}"
    return f"{text}\n{body.message}" if body.message else text


@op("POST", "/api/v1/integrations/slack/notify", status=202, errors=(503,))
def notify(ctx: Ctx, body: NotifyIn) -> Notified:
    """Queue a Slack notification about a ticket (Reporter and above who can see the ticket).

    It goes to `channel_id`, else as a DM to `user_slack_id`, else to
    ALLOY_SLACK_DEFAULT_CHANNEL, else ALLOY_SLACK_NOTIFICATION_CHANNEL (default `general`);
    `thread_ts` posts it as a reply.
    """
    if body.notification_type not in NOTIFICATION_TYPES:
        raise Invalid("invalid body: notification_type", [{
            "field": "notification_type",
            "message": f"expected one of {', '.join(NOTIFICATION_TYPES)}"}])
    slack = ctx.settings.slack
    if not slack.bot_token:
        raise NotConfigured("Slack is not configured: set ALLOY_SLACK_BOT_TOKEN")
    ticket, project = tickets.load(ctx, body.ticket_id, Role.Reporter)
    key = f"{project['key']}-{ticket['ticket_number']}"
    text = compose(body, ticket, key, slack.default_user_id)
    channel = body.channel_id or body.user_slack_id or slack.channel
    t = now()
    row = ctx.db.insert("slack_messages", {
        "id": new_id(), "org_id": project["org_id"], "ticket_id": ticket["id"],
        "notification_type": body.notification_type, "channel": channel,
        "thread_ts": body.thread_ts, "text": text,
        "blocks": json.dumps([{"type": "section", "text": {"type": "mrkdwn", "text": text}}]),
        "status": "pending", "attempts": 0, "next_attempt_at": t, "claimed_until": None,
        "last_error": None, "slack_ts": None, "created_by": ctx.user_id, "created_at": t,
        "delivered_at": None})
    ctx.audit(project["org_id"], "slack_message", row["id"], "queue",
              {"ticket_id": ticket["id"], "notification_type": body.notification_type,
               "channel": channel})
    return Notified(status="queued", notification_type=body.notification_type)


def _mapping(row: dict) -> ThreadMapping:
    return ThreadMapping(**{f: row[f] for f in ThreadMapping.__struct_fields__})


@op("POST", "/api/v1/integrations/slack/thread-mappings")
def create_thread_mapping(ctx: Ctx, body: ThreadMappingIn) -> ThreadMapping:
    """Link a Slack thread to a ticket: replies in the thread become comments (Member).

    One thread maps to one ticket, and a ticket has at most one thread per channel (409).
    """
    ticket, project = tickets.load(ctx, body.ticket_id, Role.Member)
    org_id = project["org_id"]
    if ctx.db.one("SELECT 1 FROM slack_thread_mappings WHERE org_id = ? AND channel_id = ? "
                  "AND thread_ts = ?", org_id, body.channel_id, body.thread_ts):
        raise Conflict("this Slack thread is already mapped to a ticket")
    if ctx.db.one("SELECT 1 FROM slack_thread_mappings WHERE ticket_id = ? AND channel_id = ?",
                  ticket["id"], body.channel_id):
        raise Conflict("this ticket already has a thread in that channel")
    row = ctx.db.insert("slack_thread_mappings", {
        "id": new_id(), "org_id": org_id, "ticket_id": ticket["id"],
        "channel_id": body.channel_id, "thread_ts": body.thread_ts,
        "created_by": ctx.user_id, "created_at": now()})
    ctx.audit(org_id, "slack_thread_mapping", row["id"], "create",
              {"ticket_id": ticket["id"], "channel_id": body.channel_id,
               "thread_ts": body.thread_ts})
    return _mapping(row)


@op("GET", "/api/v1/integrations/slack/thread-mappings")
def list_thread_mappings(ctx: Ctx, query: ThreadMappingQuery) -> Page[ThreadMapping]:
    """The organization's thread mappings, filtered by channel, thread or ticket (Member)."""
    org_id = ctx.org_of(query.org_id)
    ctx.require(org_id, Role.Member)
    sql, params = "SELECT * FROM slack_thread_mappings WHERE org_id = ?", [org_id]
    for field in ("channel_id", "thread_ts", "ticket_id"):
        if getattr(query, field):
            sql += f" AND {field} = ?"
            params.append(getattr(query, field))
    return keyset(ctx.db, sql, tuple(params), query, _mapping)


@op("POST", None, via="slack")
def sync_reply(ctx: Ctx, body: ThreadReply) -> str:
    """Comment a reply of a mapped Slack thread on its ticket, once per Slack message.

    Run by the signed events endpoint (`alloy.integrations.slack`) as the org's Owner, so
    the mapping lookup, the comment and the "seen" mark share one transaction.
    Returns "ok", "ignored" (unmapped thread) or "duplicate" (a Slack retry).
    """
    from alloy.domain.comments import CommentIn
    from alloy.services import comments

    org_id = ctx.org_of(None)
    ctx.require(org_id)
    mapping = ctx.db.one("SELECT ticket_id FROM slack_thread_mappings WHERE org_id = ? AND "
                         "channel_id = ? AND thread_ts = ?", org_id, body.channel_id,
                         body.thread_ts)
    if mapping is None:
        return "ignored"
    if ctx.db.one("SELECT 1 FROM slack_synced_messages WHERE org_id = ? AND channel_id = ? "
                  "AND message_ts = ?", org_id, body.channel_id, body.ts):
        return "duplicate"
    by = f"<@{body.user}> via Slack" if body.user else "via Slack"
    comment = comments.create(ctx, mapping["ticket_id"], CommentIn(body=f"{body.text}\n\n— {by}"))
    ctx.db.insert("slack_synced_messages", {
        "id": new_id(), "org_id": org_id, "channel_id": body.channel_id,
        "message_ts": body.ts, "comment_id": comment.id, "created_at": now()})
    return "ok"
