"""Labels: org-wide colored markers on tickets.

A label is named uniquely (case-insensitively) within its organization. Members create,
edit and attach labels; Admins delete them, behind the delete guard (tickets using the
label). A label may be referred to by id or, where a ticket fixes the org, by name, so
`alloy ticket update 42 --add-label bug` needs no lookup first. Attach/detach is audited on
the ticket, so its activity feed shows label changes.
"""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain.labels import (
    Assigned,
    Label,
    LabelDeletePreview,
    LabelIdsIn,
    LabelIn,
    LabelPatch,
    TicketIdsIn,
)
from alloy.domain.page import Page, PageQuery, keyset
from alloy.domain.validate import given
from alloy.domain.values import Role, is_uuid, new_id, now
from alloy.errors import Conflict, Invalid, NotFound
from alloy.ops import op
from alloy.services import guards, tickets


def to_label(row: dict) -> Label:
    return Label(**{f: row[f] for f in Label.__struct_fields__})


def _clean(name: str) -> str:
    name = name.strip()
    if not name:
        raise Invalid("name must not be blank", [{"field": "name", "message": "must not be blank"}])
    return name


def _unique(ctx: Ctx, org_id: str, name: str, other_than: str = "") -> None:
    """Names are unique ignoring case (wider than the table's UNIQUE), so two namings in one
    org take turns on the org row."""
    guards.lock(ctx, "orgs", org_id)
    if ctx.db.one("SELECT 1 FROM labels WHERE org_id = ? AND lower(name) = lower(?) AND id <> ?",
                  org_id, name, other_than):
        raise Conflict(f"a label named '{name}' already exists in this organization")


@op("POST", "/api/v1/orgs/{org_id}/labels")
def create(ctx: Ctx, org_id: str, body: LabelIn) -> Label:
    """Create a label in the organization (Member). Names are unique per organization."""
    ctx.require(org_id, Role.Member)
    name = _clean(body.name)
    _unique(ctx, org_id, name)
    t = now()
    row = ctx.db.insert("labels", {"id": new_id(), "org_id": org_id, "name": name,
                                   "color": body.color, "created_at": t, "updated_at": t})
    ctx.audit(org_id, "label", row["id"], "create", {"name": name, "color": body.color})
    return to_label(row)


@op("GET", "/api/v1/orgs/{org_id}/labels")
def list_(ctx: Ctx, org_id: str, query: PageQuery) -> Page[Label]:
    """The organization's labels, oldest first."""
    ctx.require(org_id)
    return keyset(ctx.db, "SELECT * FROM labels WHERE org_id = ?", (org_id,), query, to_label)


def load(ctx: Ctx, label_id: str, minimum: Role = Role.Viewer) -> dict:
    """A label of an org the actor belongs to (at `minimum` role), else 404/403."""
    row = ctx.db.one("SELECT * FROM labels WHERE id = ?", label_id)
    if row is None:
        raise NotFound("label not found")
    ctx.require(row["org_id"], minimum, what="label")
    return row


def resolve(ctx: Ctx, org_id: str, ref: str) -> dict | None:
    """The org's label with this id, or else with this name (case-insensitive)."""
    if is_uuid(ref):
        row = ctx.db.one("SELECT * FROM labels WHERE id = ? AND org_id = ?", ref, org_id)
        if row:
            return row
    return ctx.db.one("SELECT * FROM labels WHERE org_id = ? AND lower(name) = lower(?)",
                      org_id, ref.strip())


@op("GET", "/api/v1/labels/{label_id}")
def get(ctx: Ctx, label_id: str) -> Label:
    """One label by id."""
    return to_label(load(ctx, label_id))


@op("PATCH", "/api/v1/labels/{label_id}")
def update(ctx: Ctx, label_id: str, body: LabelPatch) -> Label:
    """Rename a label or change its color (Member)."""
    row = load(ctx, label_id, Role.Member)
    changes = given(body)
    if "name" in changes:
        changes["name"] = _clean(changes["name"])
        _unique(ctx, row["org_id"], changes["name"], other_than=label_id)
    changes = {k: v for k, v in changes.items() if v != row[k]}
    if changes:
        changes["updated_at"] = now()
        ctx.db.update("labels", {"id": label_id}, changes)
        ctx.audit(row["org_id"], "label", label_id, "update",
                  {k: [row[k], v] for k, v in changes.items() if k != "updated_at"})
    return to_label({**row, **changes})


@op("DELETE", "/api/v1/labels/{label_id}")
def delete(ctx: Ctx, label_id: str, query: guards.DeleteQuery) -> LabelDeletePreview | None:
    """Delete a label (Admin); 409 while tickets use it unless cascade=true.

    `?cascade=true&dry_run=true` answers 200 with the counts and changes nothing.
    """
    row = load(ctx, label_id, Role.Admin)
    counts = guards.check(ctx, "label", label_id, query)
    if counts is not None:
        return LabelDeletePreview(label_id=label_id, dependents=counts)
    for link in ctx.db.all("SELECT ticket_id FROM ticket_labels WHERE label_id = ?", label_id):
        ctx.audit(row["org_id"], "ticket", link["ticket_id"], "label_remove",
                  {"label_id": label_id, "label": row["name"]})
    ctx.db.run("DELETE FROM labels WHERE id = ?", label_id)
    ctx.audit(row["org_id"], "label", label_id, "delete", {"name": row["name"]})
    return None


# --- labels on tickets -------------------------------------------------------------------

def on_ticket(ctx: Ctx, ticket_id: str) -> list[Label]:
    rows = ctx.db.all("SELECT l.* FROM labels l JOIN ticket_labels tl ON tl.label_id = l.id "
                      "WHERE tl.ticket_id = ? ORDER BY lower(l.name), l.id", ticket_id)
    return [to_label(r) for r in rows]


def filter_sql(id_column: str, ref: str) -> tuple[str, tuple]:
    """` AND ...` keeping tickets (`id_column`) that carry the label with this id or name.

    For the ticket list's `label` filter: `sql += frag` with `id_column="t.id"`.
    """
    return (" AND EXISTS (SELECT 1 FROM ticket_labels tl JOIN labels l ON l.id = tl.label_id "
            f"WHERE tl.ticket_id = {id_column} AND (l.id = ? OR lower(l.name) = lower(?)))",
            (ref, ref))


def attach(ctx: Ctx, ticket: dict, label: dict) -> bool:
    """Put a label on a ticket; False when it was already there."""
    if ctx.db.one("SELECT 1 FROM ticket_labels WHERE ticket_id = ? AND label_id = ?",
                  ticket["id"], label["id"]):
        return False
    ctx.db.insert("ticket_labels", {"ticket_id": ticket["id"], "label_id": label["id"],
                                    "org_id": ticket["org_id"], "created_at": now()})
    ctx.audit(ticket["org_id"], "ticket", ticket["id"], "label_add",
              {"label_id": label["id"], "label": label["name"]})
    return True


def detach(ctx: Ctx, ticket: dict, label: dict) -> bool:
    """Take a label off a ticket; False when it was not there."""
    if not ctx.db.run("DELETE FROM ticket_labels WHERE ticket_id = ? AND label_id = ?",
                      ticket["id"], label["id"]):
        return False
    ctx.audit(ticket["org_id"], "ticket", ticket["id"], "label_remove",
              {"label_id": label["id"], "label": label["name"]})
    return True


def _label_for(ctx: Ctx, ticket: dict, ref: str) -> dict:
    label = resolve(ctx, ticket["org_id"], ref)
    if label is None:
        raise NotFound(f"label '{ref}' not found")
    return label


@op("POST", "/api/v1/tickets/{ticket_id}/labels", status=200)
def set_for_ticket(ctx: Ctx, ticket_id: str, body: LabelIdsIn) -> list[Label]:
    """Replace all labels on a ticket (Member). Ids or names of the ticket's org's labels."""
    ticket, _ = tickets.load(ctx, ticket_id, Role.Member)
    wanted, errors = {}, []
    for i, ref in enumerate(body.label_ids):
        label = resolve(ctx, ticket["org_id"], ref)
        if label is None:
            errors.append({"field": f"label_ids[{i}]", "message": f"no label '{ref}'"})
        else:
            wanted[label["id"]] = label
    if errors:
        raise Invalid("unknown labels in label_ids", errors)
    for have in on_ticket(ctx, ticket_id):
        if have.id not in wanted:
            detach(ctx, ticket, {"id": have.id, "name": have.name})
    for label in wanted.values():
        attach(ctx, ticket, label)
    return on_ticket(ctx, ticket_id)


@op("GET", "/api/v1/tickets/{ticket_id}/labels")
def list_for_ticket(ctx: Ctx, ticket_id: str) -> list[Label]:
    """The labels on a ticket, by name."""
    tickets.load(ctx, ticket_id)
    return on_ticket(ctx, ticket_id)


@op("POST", "/api/v1/tickets/{ticket_id}/labels/{label_id}", status=200)
def add_to_ticket(ctx: Ctx, ticket_id: str, label_id: str) -> list[Label]:
    """Add one label (id or name) to a ticket (Member); answers the ticket's labels."""
    ticket, _ = tickets.load(ctx, ticket_id, Role.Member)
    attach(ctx, ticket, _label_for(ctx, ticket, label_id))
    return on_ticket(ctx, ticket_id)


@op("DELETE", "/api/v1/tickets/{ticket_id}/labels/{label_id}")
def remove_from_ticket(ctx: Ctx, ticket_id: str, label_id: str) -> None:
    """Remove one label (id or name) from a ticket (Member); the label itself stays."""
    ticket, _ = tickets.load(ctx, ticket_id, Role.Member)
    detach(ctx, ticket, _label_for(ctx, ticket, label_id))


@op("POST", "/api/v1/labels/{label_id}/batch-assign", status=200)
def batch_assign(ctx: Ctx, label_id: str, body: TicketIdsIn) -> Assigned:
    """Put a label on many tickets at once (Member); idempotent.

    `assigned` counts the tickets that carry the label afterwards.
    """
    label = load(ctx, label_id, Role.Member)
    unique = dict.fromkeys(body.ticket_ids)
    for ticket_id in unique:
        ticket, _ = tickets.load(ctx, ticket_id, Role.Member)
        if ticket["org_id"] != label["org_id"]:
            raise NotFound("ticket not found")
        attach(ctx, ticket, label)
    return Assigned(assigned=len(unique))
