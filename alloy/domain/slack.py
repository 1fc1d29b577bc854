"""Slack integration shapes on the wire: notifications and thread mappings."""

from __future__ import annotations

from typing import Annotated

import msgspec

from alloy.domain.text import stated

NOTIFICATION_TYPES = ("assignment", "mention", "status_change", "comment_sync")

SlackId = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
ThreadTs = Annotated[str, msgspec.Meta(pattern=r"^\d{1,12}(\.\d{1,9})?$")]
Short = Annotated[str, msgspec.Meta(max_length=200)]


class NotifyIn(msgspec.Struct, kw_only=True):
    notification_type: stated(str, enum=list(NOTIFICATION_TYPES))
    ticket_id: str
    channel_id: SlackId | None = None
    user_slack_id: SlackId | None = None
    message: Annotated[str, msgspec.Meta(max_length=3000)] | None = None
    old_status: Short | None = None
    new_status: Short | None = None
    actor_name: Short | None = None
    thread_ts: ThreadTs | None = None


class Notified(msgspec.Struct, kw_only=True):
    status: str
    notification_type: str


class ThreadMappingIn(msgspec.Struct, kw_only=True):
    ticket_id: str
    channel_id: SlackId
    thread_ts: ThreadTs


class ThreadMapping(msgspec.Struct, kw_only=True):
    id: str
    ticket_id: str
    channel_id: str
    thread_ts: str
    created_at: str


class ThreadMappingQuery(msgspec.Struct, kw_only=True):
    org_id: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    ticket_id: str | None = None
    cursor: str | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20


class ThreadReply(msgspec.Struct, kw_only=True):
    """A reply in a Slack thread, as the signed events endpoint received it."""

    channel_id: str
    thread_ts: str
    ts: str
    text: str
    user: str | None = None
