"""Webhooks: org subscriptions to events, fed by `emit` inside each mutation's transaction."""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain import events
from alloy.domain.page import Page, PageQuery, keyset
from alloy.domain.values import Role, new_id, now
from alloy.domain.webhooks import Delivery, Webhook, WebhookIn
from alloy.errors import Invalid, NotFound
from alloy.ops import op
from alloy.store.db import from_json


def subscribed(org_column: str, event_type: str) -> str:
    """SQL: may an active webhook of the org in `org_column` want `event_type`?

    False only when none can: a caller reads it with rows it needs anyway, in the same
    transaction, and passes it to `emit` to spare the query when the org has no subscriber.
    (`_` in the pattern matches any character: a few false positives, never a false negative.
    The pattern is a literal, not a parameter: SQLite recompiles a statement whose LIKE has a
    bound pattern on every run, ~180 µs here.)
    """
    if event_type not in events.EVENT_TYPES:  # names we define: safe inside a literal
        raise ValueError(f"unknown event type {event_type!r}")
    return (f"EXISTS (SELECT 1 FROM webhooks h WHERE h.org_id = {org_column} AND h.active = 1 "
            f"AND h.event_types LIKE '%\"{event_type}\"%')")  # as the JSON list holds it


def emit(ctx: Ctx, org_id: str, event_type: str, *args, subscribed: bool = True,
         **kwargs) -> None:
    """Queue `event_type` for every active subscription of the org (same transaction).

    `args` go to the event type's payload builder (`alloy.domain.events`), which shapes `data`.
    `subscribed=False`: `subscribed` above found no webhook for it in this transaction.
    """
    if not subscribed:
        return
    hooks = ctx.db.all("SELECT id, event_types FROM webhooks WHERE org_id = ? AND active = 1",
                       org_id)
    if not hooks:
        return
    import json  # here: only an org with webhooks needs it

    data = events.build(event_type, *args, **kwargs)
    event_id, t = new_id(), now()
    payload = json.dumps({"id": event_id, "type": event_type, "created_at": t,
                          "org_id": org_id, "data": data})
    for hook in hooks:
        if event_type in from_json(hook["event_types"]):
            ctx.db.insert("webhook_deliveries", {
                "id": new_id(), "org_id": org_id, "webhook_id": hook["id"],
                "event_id": event_id, "event_type": event_type, "payload": payload,
                "status": "pending", "attempts": 0, "next_attempt_at": t, "claimed_until": None,
                "last_status_code": None, "last_error": None, "created_at": t,
                "delivered_at": None})


def _hook(row: dict, secret: str | None = None) -> Webhook:
    out = Webhook(id=row["id"], org_id=row["org_id"], url=row["url"],
                  event_types=from_json(row["event_types"]), active=bool(row["active"]),
                  created_at=row["created_at"], updated_at=row["updated_at"])
    if secret:
        out.secret = secret
    return out


def _load(ctx: Ctx, webhook_id: str, minimum: Role) -> dict:
    row = ctx.db.one("SELECT * FROM webhooks WHERE id = ?", webhook_id)
    if row is None:
        raise NotFound("webhook not found")
    ctx.require(row["org_id"], minimum, what="webhook")
    return row


@op("POST", "/api/v1/orgs/{org_id}/webhooks", scope="admin")
def create(ctx: Ctx, org_id: str, body: WebhookIn) -> Webhook:
    """Subscribe a URL to events; the signing secret is shown only in this response (Admin)."""
    ctx.require(org_id, Role.Admin)
    from alloy import outbound  # sockets: only when a webhook is set, not on every emit

    outbound.check(body.url, allow_private=ctx.settings.server.allow_private_urls)
    unknown = [e for e in body.event_types if e not in events.EVENT_TYPES]
    if unknown:
        raise Invalid(f"unknown event types: {', '.join(unknown)}",
                      [{"field": "event_types",
                        "message": f"expected some of {', '.join(events.EVENT_TYPES)}"}])
    import secrets  # only here: every ticket write imports this module

    secret, t = "whsec_" + secrets.token_hex(24), now()
    row = ctx.db.insert("webhooks", {
        "id": new_id(), "org_id": org_id, "url": body.url, "secret": secret,
        "event_types": sorted(set(body.event_types), key=events.EVENT_TYPES.index), "active": 1,
        "created_by": ctx.user_id, "created_at": t, "updated_at": t})
    ctx.audit(org_id, "webhook", row["id"], "create", {"url": body.url})
    return _hook(row, secret)


@op("GET", "/api/v1/orgs/{org_id}/webhooks")
def list_(ctx: Ctx, org_id: str, query: PageQuery) -> Page[Webhook]:
    """The organization's webhook subscriptions (secrets withheld)."""
    ctx.require(org_id, Role.Admin)
    return keyset(ctx.db, "SELECT * FROM webhooks WHERE org_id = ?", (org_id,), query, _hook)


@op("GET", "/api/v1/webhooks/{webhook_id}")
def get(ctx: Ctx, webhook_id: str) -> Webhook:
    """One webhook subscription."""
    return _hook(_load(ctx, webhook_id, Role.Admin))


@op("DELETE", "/api/v1/webhooks/{webhook_id}", scope="admin")
def delete(ctx: Ctx, webhook_id: str) -> None:
    """Remove a subscription and its delivery history (Admin)."""
    row = _load(ctx, webhook_id, Role.Admin)
    ctx.db.run("DELETE FROM webhooks WHERE id = ?", webhook_id)
    ctx.audit(row["org_id"], "webhook", webhook_id, "delete")


def _delivery(row: dict) -> Delivery:
    return Delivery(**{f: row[f] for f in Delivery.__struct_fields__})


@op("GET", "/api/v1/webhooks/{webhook_id}/deliveries")
def deliveries(ctx: Ctx, webhook_id: str, query: PageQuery) -> Page[Delivery]:
    """Delivery attempts for a subscription, oldest first, with their outcome."""
    _load(ctx, webhook_id, Role.Admin)
    return keyset(ctx.db, "SELECT * FROM webhook_deliveries WHERE webhook_id = ?",
                  (webhook_id,), query, _delivery)
