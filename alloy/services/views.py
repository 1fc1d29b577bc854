"""Saved views: a named search query, yours alone or shared with the organization.

Anyone in an org may save views for themselves; sharing one with everybody is for Admins
(it shows up as a tab in every member's TUI). A person sees their own views and the
shared ones. Names are unique, ignoring case, among a person's own views and among the
shared ones, so a name read out in a stand-up finds one view.
"""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain.page import Page, PageQuery, keyset
from alloy.domain.validate import given
from alloy.domain.values import Role, new_id, now
from alloy.domain.views import View, ViewIn, ViewPatch
from alloy.domain.work import PageOnly, Ticket
from alloy.errors import Conflict, Invalid, NotFound
from alloy.ops import op
from alloy.services import guards


def to_view(row: dict) -> View:
    return View(id=row["id"], org_id=row["org_id"], owner_id=row["owner_id"], name=row["name"],
                query=row["query"], shared=bool(row["shared"]), created_at=row["created_at"],
                updated_at=row["updated_at"])


def _clean(field: str, text: str) -> str:
    """Trimmed, not blank; a query must also parse, so a saved view always runs."""
    text = text.strip()
    if not text:
        raise Invalid(f"{field} must not be blank",
                      [{"field": field, "message": "must not be blank"}])
    if field == "query":
        from alloy.domain.query import parse  # here: listing views needs no query language

        parse(text)
    return text


def _unique(ctx: Ctx, org_id: str, name: str, shared: bool, other_than: str = "") -> None:
    """One view per name among the org's shared views, and among the actor's own."""
    guards.lock(ctx, "orgs", org_id)
    if shared:
        clash = ctx.db.one("SELECT 1 FROM saved_views WHERE org_id = ? AND shared = 1 "
                           "AND lower(name) = lower(?) AND id <> ?", org_id, name, other_than)
        where = "shared with this organization"
    else:
        clash = ctx.db.one("SELECT 1 FROM saved_views WHERE org_id = ? AND shared = 0 "
                           "AND owner_id = ? AND lower(name) = lower(?) AND id <> ?",
                           org_id, ctx.user_id, name, other_than)
        where = "of yours"
    if clash:
        raise Conflict(f"a view named '{name}' {where} already exists: pick another name")


def _share_right(ctx: Ctx, org_id: str) -> None:
    ctx.require(org_id, Role.Admin)


@op("POST", "/api/v1/orgs/{org_id}/views")
def create(ctx: Ctx, org_id: str, body: ViewIn) -> View:
    """Save a search query under a name: yours alone, or shared with the org (Admin)."""
    ctx.require(org_id)
    if body.shared:
        _share_right(ctx, org_id)
    name, query = _clean("name", body.name), _clean("query", body.query)
    _unique(ctx, org_id, name, body.shared)
    t = now()
    row = ctx.db.insert("saved_views", {
        "id": new_id(), "org_id": org_id, "owner_id": ctx.user_id, "name": name,
        "query": query, "shared": 1 if body.shared else 0, "created_at": t, "updated_at": t})
    ctx.audit(org_id, "view", row["id"], "create",
              {"name": name, "query": query, "shared": body.shared})
    return to_view(row)


@op("GET", "/api/v1/orgs/{org_id}/views")
def list_(ctx: Ctx, org_id: str, query: PageQuery) -> Page[View]:
    """Your views and the org's shared ones, oldest first (the TUI's tabs, in order)."""
    ctx.require(org_id)
    return keyset(ctx.db, "SELECT * FROM saved_views WHERE org_id = ? "
                  "AND (shared = 1 OR owner_id = ?)", (org_id, ctx.user_id), query, to_view)


def load(ctx: Ctx, view_id: str, change: bool = False) -> dict:
    """A view the actor can see (else 404); with `change`, one they may edit: their own,
    or a shared one when they are an Admin (else 403)."""
    row = ctx.db.one("SELECT * FROM saved_views WHERE id = ?", view_id)
    if row is None or (not row["shared"] and row["owner_id"] != ctx.user_id):
        raise NotFound("view not found")
    ctx.require(row["org_id"], what="view")
    if change and row["shared"]:
        _share_right(ctx, row["org_id"])
    return row


@op("GET", "/api/v1/views/{view_id}")
def get(ctx: Ctx, view_id: str) -> View:
    """One saved view by id."""
    return to_view(load(ctx, view_id))


@op("PATCH", "/api/v1/views/{view_id}")
def update(ctx: Ctx, view_id: str, body: ViewPatch) -> View:
    """Rename a view, change its query, or share or unshare it (shared views: Admin)."""
    row = load(ctx, view_id, change=True)
    changes = given(body)
    for field in ("name", "query"):
        if field in changes:
            changes[field] = _clean(field, changes[field])
    if "shared" in changes:
        if changes["shared"]:
            _share_right(ctx, row["org_id"])
        changes["shared"] = 1 if changes["shared"] else 0
    changes = {k: v for k, v in changes.items() if v != row[k]}
    if "name" in changes or "shared" in changes:
        _unique(ctx, row["org_id"], changes.get("name", row["name"]),
                bool(changes.get("shared", row["shared"])), other_than=view_id)
    if changes:
        changes["updated_at"] = now()
        ctx.db.update("saved_views", {"id": view_id}, changes)
        ctx.audit(row["org_id"], "view", view_id, "update",
                  {k: [row[k], v] for k, v in changes.items() if k != "updated_at"})
    return to_view({**row, **changes})


@op("DELETE", "/api/v1/views/{view_id}")
def delete(ctx: Ctx, view_id: str) -> None:
    """Delete a view: your own, or a shared one (Admin)."""
    row = load(ctx, view_id, change=True)
    ctx.db.run("DELETE FROM saved_views WHERE id = ?", view_id)
    ctx.audit(row["org_id"], "view", view_id, "delete", {"name": row["name"]})


@op("GET", "/api/v1/views/{view_id}/tickets")
def run(ctx: Ctx, view_id: str, query: PageOnly) -> Page[Ticket]:
    """The tickets a view's query finds now, as `GET /orgs/{org_id}/search` answers it."""
    from alloy.domain.query import SearchQuery
    from alloy.services import tickets

    row = load(ctx, view_id)
    return tickets.search(ctx, row["org_id"], SearchQuery(q=row["query"], cursor=query.cursor,
                                                          limit=query.limit))
