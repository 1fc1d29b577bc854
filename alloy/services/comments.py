"""Comments: threaded discussion on a ticket.

Reporters may comment on tickets of projects they are assigned to; only the author or an
Admin may edit or delete a comment. Every change is audited on the ticket (entity_type
"ticket"), so the ticket's activity feed shows the discussion.
"""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain.comments import Comment, CommentIn, CommentPatch
from alloy.domain.page import Page, PageQuery, keyset
from alloy.domain.values import Role, new_id, now
from alloy.errors import Forbidden, Invalid, NotFound
from alloy.ops import op
from alloy.services import tickets, webhooks


def to_comment(row: dict) -> Comment:
    return Comment(**{f: row[f] for f in Comment.__struct_fields__})


def _blank(body: str) -> None:
    if not body.strip():
        raise Invalid("body must not be blank", [{"field": "body", "message": "must not be blank"}])


@op("POST", "/api/v1/tickets/{ticket_id}/comments")
def create(ctx: Ctx, ticket_id: str, body: CommentIn) -> Comment:
    """Comment on a ticket, or reply to a comment with parent_comment_id (Reporter).

    `author_id` is deprecated and ignored: the author is the authenticated caller.
    """
    ticket, project = tickets.load(ctx, ticket_id, Role.Reporter)
    _blank(body.body)
    if body.parent_comment_id is not None and not ctx.db.one(
            "SELECT 1 FROM comments WHERE id = ? AND ticket_id = ?",
            body.parent_comment_id, ticket_id):
        raise Invalid("invalid body: parent_comment_id", [{
            "field": "parent_comment_id", "message": "no such comment on this ticket"}])
    t = now()
    row = ctx.db.insert("comments", {
        "id": new_id(), "org_id": project["org_id"], "ticket_id": ticket_id,
        "author_id": ctx.user_id, "body": body.body,
        "parent_comment_id": body.parent_comment_id, "created_at": t, "updated_at": t})
    ctx.audit(project["org_id"], "ticket", ticket_id, "comment_create",
              {"comment_id": row["id"], "body": body.body,
               "parent_comment_id": body.parent_comment_id})
    comment = to_comment(row)
    webhooks.emit(ctx, project["org_id"], "comment.created", comment)
    return comment


@op("GET", "/api/v1/tickets/{ticket_id}/comments")
def list_(ctx: Ctx, ticket_id: str, query: PageQuery) -> Page[Comment]:
    """A ticket's comments, oldest first; replies carry their parent_comment_id."""
    tickets.load(ctx, ticket_id)
    return keyset(ctx.db, "SELECT * FROM comments WHERE ticket_id = ?", (ticket_id,), query,
                  to_comment)


def load(ctx: Ctx, comment_id: str, minimum: Role = Role.Viewer) -> dict:
    """A comment whose ticket the actor may use at `minimum` role, else 404/403."""
    row = ctx.db.one("SELECT * FROM comments WHERE id = ?", comment_id)
    if row is None:
        raise NotFound("comment not found")
    try:
        tickets.load(ctx, row["ticket_id"], minimum)
    except NotFound:
        raise NotFound("comment not found") from None
    return row


def _own(ctx: Ctx, row: dict) -> None:
    """Author or Admin: the rule for changing a comment."""
    if row["author_id"] != ctx.user_id and not ctx.role_in(row["org_id"]).at_least(Role.Admin):
        raise Forbidden("only the comment's author or an Admin can change it")


@op("GET", "/api/v1/comments/{comment_id}")
def get(ctx: Ctx, comment_id: str) -> Comment:
    """One comment by id."""
    return to_comment(load(ctx, comment_id))


@op("PATCH", "/api/v1/comments/{comment_id}")
def update(ctx: Ctx, comment_id: str, body: CommentPatch) -> Comment:
    """Edit a comment's text (its author or an Admin)."""
    row = load(ctx, comment_id, Role.Reporter)
    _own(ctx, row)
    _blank(body.body)
    t = now()
    ctx.db.update("comments", {"id": comment_id}, {"body": body.body, "updated_at": t})
    ctx.audit(row["org_id"], "ticket", row["ticket_id"], "comment_update",
              {"comment_id": comment_id, "body": [row["body"], body.body]})
    return to_comment({**row, "body": body.body, "updated_at": t})


@op("DELETE", "/api/v1/comments/{comment_id}")
def delete(ctx: Ctx, comment_id: str) -> None:
    """Delete a comment and its replies (its author or an Admin)."""
    row = load(ctx, comment_id, Role.Reporter)
    _own(ctx, row)
    ctx.db.run("DELETE FROM comments WHERE id = ?", comment_id)
    ctx.audit(row["org_id"], "ticket", row["ticket_id"], "comment_delete",
              {"comment_id": comment_id, "body": row["body"]})
