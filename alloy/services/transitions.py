"""Ticket transitions: move a ticket to a status under its workflow's rules.

Every move is audited as `transition` with `{"status": [old, new]}`: ticket activity and
sprint burndowns are read from those rows.
"""

from __future__ import annotations

import msgspec

from alloy.context import Ctx
from alloy.domain.flow import (
    Available,
    BatchTransitionIn,
    BatchTransitionResult,
    Failed,
    Moved,
    StatusDef,
    TransitionBody,
    Transitioned,
)
from alloy.domain.values import Role, now
from alloy.errors import AlloyError, Forbidden, NotFound
from alloy.ops import op
from alloy.services import statuses, tickets, webhooks, workflows


def move(ctx: Ctx, row: dict, project: dict, requested: str) -> tuple[dict, str | None]:
    """Apply the status rules and store the move; returns the updated row and any warning."""
    old = row["status"]
    status, warning = statuses.apply(ctx, project, old, requested)
    if status != old:
        t = now()
        ctx.db.update("tickets", {"id": row["id"]}, {"status": status, "updated_at": t})
        ctx.audit(project["org_id"], "ticket", row["id"], "transition", {"status": [old, status]})
        row = {**row, "status": status, "updated_at": t}
        webhooks.emit(ctx, project["org_id"], "ticket.status_changed",
             {**msgspec.to_builtins(tickets.to_ticket(row, project["key"])), "old_status": old})
    return row, warning


@op("POST", "/api/v1/tickets/{ticket_id}/transition", status=200)
def transition(ctx: Ctx, ticket_id: str, body: TransitionBody) -> Transitioned:
    """Move a ticket to `to_status`, validated by its workflow and enforcement (Member)."""
    row, project = tickets.load(ctx, ticket_id, Role.Member)
    row, warning = move(ctx, row, project, body.to_status)
    ticket = tickets.to_ticket(row, project["key"])
    fields = msgspec.structs.asdict(ticket)
    if warning:
        fields.update(warning=warning, ticket=ticket)
    return Transitioned(**fields)


def _available(ctx: Ctx, ticket_id: str) -> Available:
    row, project = tickets.load(ctx, ticket_id)
    flow = workflows.governing(ctx, project, row["status"])
    return Available(current_status=row["status"], workflow_id=flow.id,
                     workflow_name=flow.name, enforcement=flow.enforcement.value,
                     available=[StatusDef(name=n, category=c)
                                for n, c in flow.next_statuses(row["status"])])


@op("GET", "/api/v1/tickets/{ticket_id}/transitions")
def available(ctx: Ctx, ticket_id: str) -> Available:
    """The statuses a ticket can move to from its current one (all of them under `none`)."""
    return _available(ctx, ticket_id)


@op("GET", "/api/v1/tickets/{ticket_id}/available-transitions")
def available_alt(ctx: Ctx, ticket_id: str) -> Available:
    """Same as GET /tickets/{id}/transitions (the API Reference documents both paths)."""
    return _available(ctx, ticket_id)


@op("POST", "/api/v1/tickets/batch-transition", status=200)
def batch(ctx: Ctx, body: BatchTransitionIn) -> BatchTransitionResult:
    """Move many tickets to one status; each is judged by its own workflow (Member).

    Tickets that cannot move are reported in `failed` with a reason; the others move.
    A caller below Member in the tickets' organization gets 403 for the whole request.
    """
    found, failed = [], []
    for ticket_id in dict.fromkeys(body.ticket_ids):
        try:
            found.append(tickets.load(ctx, ticket_id))
        except (NotFound, Forbidden):
            failed.append(Failed(id=ticket_id, reason=f"not found: ticket {ticket_id}"))
    for _, project in found:
        ctx.require(project["org_id"], Role.Member, what="ticket")
    succeeded = []
    for row, project in found:
        try:
            row, warning = move(ctx, row, project, body.to_status)
        except AlloyError as e:
            failed.append(Failed(id=row["id"], reason=e.message))
            continue
        succeeded.append(Moved(id=row["id"], status=row["status"], warning=warning))
    return BatchTransitionResult(succeeded=succeeded, failed=failed)
