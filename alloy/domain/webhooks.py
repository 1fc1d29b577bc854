"""Webhook subscriptions and deliveries on the wire (event types: `alloy.domain.events`)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from alloy.domain.events import EVENT_TYPES
from alloy.domain.text import stated


class WebhookIn(msgspec.Struct, kw_only=True):
    url: Annotated[str, msgspec.Meta(pattern=r"^https?://[^\s/$.?#].[^\s]*$", max_length=2000)]
    event_types: Annotated[list[stated(str, enum=list(EVENT_TYPES))], msgspec.Meta(min_length=1)]


class Webhook(msgspec.Struct, kw_only=True):
    id: str
    org_id: str
    url: str
    event_types: list[str]
    active: bool
    created_at: str
    updated_at: str
    secret: str | msgspec.UnsetType = msgspec.UNSET


class Delivery(msgspec.Struct, kw_only=True):
    id: str
    webhook_id: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: str
    delivered_at: str | None
    next_attempt_at: str
