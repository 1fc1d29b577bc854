"""Ticket transitions: move a ticket to a status under its workflow's rules.

Moves go through `tickets.change_status`, the one status-change path PATCH uses too: it
audits each move as `transition` `{"status": [old, new]}` (ticket activity and sprint
burndowns read those rows) and emits the same webhook events.
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
    TransitionCheck,
    TransitionCheckQuery,
    Transitioned,
)
from alloy.domain.values import Role
from alloy.errors import AlloyError, Forbidden, Invalid, NotFound
from alloy.ops import op
from alloy.services import projects, tickets, workflows


@op("POST", "/api/v1/tickets/{ticket_id}/transition", status=200)
def transition(ctx: Ctx, ticket_id: str, body: TransitionBody) -> Transitioned:
    """Move a ticket to `to_status`, validated by its workflow and enforcement (Member)."""
    row, project = tickets.load(ctx, ticket_id, Role.Member, **tickets.CHANGING)
    warning = tickets.change_status(ctx, row, project, body.to_status)
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


@op("GET", "/api/v1/tickets/{ticket_id}/transitions/check")
def check(ctx: Ctx, ticket_id: str, query: TransitionCheckQuery) -> TransitionCheck:
    """Whether moving a ticket to `to` would be accepted, and why not, without moving it.

    The same rules as `transition` decide (the caller's role, then `tickets.judge`: the
    workflow and the sub-issue rule), so the answer cannot drift from what the move does.
    """
    row, project = tickets.load(ctx, ticket_id)
    flow = workflows.governing(ctx, project, row["status"], query.to)
    answer = TransitionCheck(ticket_id=row["id"], from_status=row["status"],
                             to_status=flow.find(query.to) or query.to.strip(),
                             allowed=True, workflow_name=flow.name,
                             enforcement=flow.enforcement.value)
    try:
        projects.check_access(ctx, project, Role.Member)
        answer.to_status, answer.warning = tickets.judge(ctx, project, row, query.to)
    except (Forbidden, Invalid) as refused:
        answer.allowed, answer.reason = False, refused.message
    return answer


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
        projects.check_access(ctx, project, Role.Member)
    succeeded = []
    for row, project in found:
        try:
            warning = tickets.change_status(ctx, row, project, body.to_status)
        except AlloyError as e:
            failed.append(Failed(id=row["id"], reason=e.message))
            continue
        succeeded.append(Moved(id=row["id"], status=row["status"], warning=warning))
    return BatchTransitionResult(succeeded=succeeded, failed=failed)
