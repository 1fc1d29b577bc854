"""Tickets: numbered per project (`KEY-N`), gap-free under concurrency."""

from __future__ import annotations

import msgspec

from alloy.context import Ctx
from alloy.domain.page import Page, keyset
from alloy.domain.values import Role, new_id, now
from alloy.domain.work import Priority, Ticket, TicketIn, TicketQuery
from alloy.errors import NotFound
from alloy.ops import op
from alloy.services import projects, webhooks

DEFAULT_STATUS = "Backlog"


def to_ticket(row: dict, key: str) -> Ticket:
    return Ticket(id=row["id"], project_id=row["project_id"], ticket_number=row["ticket_number"],
                  key=f"{key}-{row['ticket_number']}", title=row["title"],
                  description=row["description"], status=row["status"],
                  priority=Priority(row["priority"]), assignee_id=row["assignee_id"],
                  reporter_id=row["reporter_id"], sprint_id=row["sprint_id"],
                  created_at=row["created_at"], updated_at=row["updated_at"])


def next_number(ctx: Ctx, project_id: str) -> int:
    """Take the project's next ticket number inside this transaction (the row lock orders us)."""
    return ctx.db.value("UPDATE projects SET ticket_counter = ticket_counter + 1 WHERE id = ? "
                        "RETURNING ticket_counter", project_id)


@op("POST", "/api/v1/projects/{project_id}/tickets")
def create(ctx: Ctx, project_id: str, body: TicketIn) -> Ticket:
    """Create a ticket; it gets the project's next number (Reporter, if assigned)."""
    project = projects.load(ctx, project_id, Role.Reporter)
    t = now()
    row = ctx.db.insert("tickets", {
        "id": new_id(), "org_id": project["org_id"], "project_id": project_id,
        "ticket_number": next_number(ctx, project_id), "title": body.title,
        "description": body.description, "status": body.status or DEFAULT_STATUS,
        "priority": body.priority.value, "assignee_id": body.assignee_id,
        "reporter_id": ctx.user_id, "sprint_id": body.sprint_id, "created_at": t,
        "updated_at": t})
    ctx.audit(project["org_id"], "ticket", row["id"], "create",
              {"title": body.title, "status": row["status"], "priority": row["priority"]})
    ticket = to_ticket(row, project["key"])
    webhooks.emit(ctx, project["org_id"], "ticket.created", msgspec.to_builtins(ticket))
    return ticket


@op("GET", "/api/v1/projects/{project_id}/tickets")
def list(ctx: Ctx, project_id: str, query: TicketQuery) -> Page[Ticket]:
    """A project's tickets, filtered by status, priority, assignee or sprint."""
    project = projects.load(ctx, project_id)
    sql, params = "SELECT * FROM tickets WHERE project_id = ?", [project_id]
    for column in ("status", "assignee_id", "sprint_id"):
        if getattr(query, column) is not None:
            sql += f" AND {column} = ?"
            params.append(getattr(query, column))
    if query.priority is not None:
        sql += " AND priority = ?"
        params.append(query.priority.value)
    return keyset(ctx.db, sql, tuple(params), query, lambda r: to_ticket(r, project["key"]))


def load(ctx: Ctx, ticket_id: str, minimum: Role = Role.Viewer) -> tuple[dict, dict]:
    """A ticket and its project, if the actor may use it at `minimum` role."""
    row = ctx.db.one("SELECT * FROM tickets WHERE id = ?", ticket_id)
    if row is None:
        raise NotFound("ticket not found")
    project = ctx.db.one("SELECT * FROM projects WHERE id = ?", row["project_id"])
    projects.check_access(ctx, project, minimum)
    return row, project


@op("GET", "/api/v1/tickets/{ticket_id}")
def get(ctx: Ctx, ticket_id: str) -> Ticket:
    """One ticket by id."""
    row, project = load(ctx, ticket_id)
    return to_ticket(row, project["key"])
