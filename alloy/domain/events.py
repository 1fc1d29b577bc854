"""Webhook event payloads: one builder per event type, the only place an event's `data` is shaped.

Emitters hand `alloy.services.webhooks.emit` the entity (and what changed); the builder for
the event type makes `data` from it, so an event has one shape whichever path caused it
(PATCH, transition, batch, an integration). docs/webhooks.md shows each shape; a test
compares those examples with what real operations emit.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec


def _entity(obj) -> dict:
    """The entity as `GET` returns it: without per-response notes such as `warning`."""
    data = msgspec.to_builtins(obj)
    data.pop("warning", None)
    return data


def ticket_created(ticket) -> dict:
    return _entity(ticket)


def ticket_updated(ticket, changes: dict) -> dict:
    """The ticket after the change, with `changes`: {field: [old, new]} (status included)."""
    return {**_entity(ticket), "changes": changes}


def ticket_status_changed(ticket, old_status: str) -> dict:
    """The ticket after the move, with `old_status` and `new_status` (the words the GitHub
    integration and Slack notifications use)."""
    return {**_entity(ticket), "old_status": old_status, "new_status": ticket.status}


def comment_created(comment) -> dict:
    return _entity(comment)


def relation_changed(relation) -> dict:
    """The relation in its stored direction: `source` blocks, relates to or duplicates
    `target` (each a brief ticket)."""
    return _entity(relation)


def sprint_changed(sprint) -> dict:
    return _entity(sprint)


BUILDERS: dict[str, Callable[..., dict]] = {
    "ticket.created": ticket_created,
    "ticket.updated": ticket_updated,
    "ticket.status_changed": ticket_status_changed,
    "comment.created": comment_created,
    "relation.created": relation_changed,
    "relation.deleted": relation_changed,
    "sprint.started": sprint_changed,
    "sprint.completed": sprint_changed,
}

EVENT_TYPES = tuple(BUILDERS)


def build(event_type: str, *args, **kwargs) -> dict:
    """The `data` of one event (KeyError for a type no one declared: a bug, not input)."""
    return BUILDERS[event_type](*args, **kwargs)
