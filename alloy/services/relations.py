"""Ticket relations (blocks, relates to, duplicates) and sub-issues (parent, progress, tree).

Relations link two tickets of one organization, in any of its projects; changing them is
editing the ticket (Member). "Blocks" and parents may not close a cycle: both checks read
the org's graph, so they run serialized per org (`guards.serialize`) and a concurrent
change waits and then sees the committed edge.

A ticket is *closed* when its status's workflow category is done or cancelled: a closed
ticket blocks no one, and counts as done in its parent's progress. Moving a parent to a
done status with open sub-issues is the workflow's business (`parent_done`): a warning
under `warn`, refused under `strict`.
"""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain.page import Page, PageQuery, keyset
from alloy.domain.relations import (
    STORED,
    BlockedTickets,
    Relation,
    RelationEvent,
    RelationIn,
    TicketNode,
    TicketRef,
    closed,
    closing_parent,
    cycle,
    read,
    stored,
)
from alloy.domain.values import Role, new_id, now, squash
from alloy.domain.work import Progress
from alloy.errors import Conflict, Invalid, NotFound
from alloy.ops import op
from alloy.services import guards, projects, tickets, webhooks

MAX_DEPTH = 20  # levels a tree shows; deeper sub-issues are cut off, not an error

_BRIEF = ("SELECT t.id, t.title, t.status, t.project_id, t.ticket_number, t.parent_id, "
          "p.key, p.workflow_id, p.org_id FROM tickets t JOIN projects p ON p.id = t.project_id")


def serialize(ctx: Ctx, org_id: str) -> None:
    """One relation or parent change at a time per org (see the module docstring)."""
    guards.serialize(ctx, f"relations:{org_id}")


class _Categories:
    """Status -> category per project, read once per call (a project's workflow decides)."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx, self.maps = ctx, {}

    def closed(self, row: dict) -> bool:
        cats = self.maps.get(row["project_id"])
        if cats is None:
            from alloy.services import workflows  # only with sub-issues or blockers at hand

            cats = self.maps[row["project_id"]] = workflows.category_map(self.ctx, {
                "id": row["project_id"], "workflow_id": row["workflow_id"],
                "org_id": row["org_id"]})
        return closed(cats.get(squash(row["status"])))


def _marks(n: int) -> str:
    return ", ".join("?" for _ in range(n))


def _briefs(ctx: Ctx, ids, cats: _Categories) -> dict[str, TicketRef]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    rows = ctx.db.all(f"{_BRIEF} WHERE t.id IN ({_marks(len(ids))})", *ids)
    return {r["id"]: TicketRef(id=r["id"], key=f"{r['key']}-{r['ticket_number']}",
                               title=r["title"], status=r["status"],
                               project_id=r["project_id"], closed=cats.closed(r))
            for r in rows}


def _visible(ctx: Ctx, org_id: str) -> set[str] | None:
    """Project ids the caller may see in the org, or None for all (Reporters see their
    projects, a restricted API key its own)."""
    seen = None
    if ctx.role_in(org_id) is Role.Reporter:
        seen = {r["project_id"] for r in ctx.db.all(
            "SELECT m.project_id FROM project_members m JOIN projects p ON p.id = m.project_id "
            "WHERE m.user_id = ? AND p.org_id = ?", ctx.user_id, org_id)}
    allowed = ctx.actor.allowed_project_ids
    if allowed is not None:
        seen = set(allowed) if seen is None else seen & set(allowed)
    return seen


def _in_visible(column: str, seen: set[str] | None) -> tuple[str, tuple]:
    if seen is None:
        return "", ()
    if not seen:
        return " AND 1 = 0", ()
    return f" AND {column} IN ({_marks(len(seen))})", tuple(sorted(seen))


def _related(ctx: Ctx, project: dict, ticket_id: str, field: str) -> dict:
    """Another ticket named in a body: 422 unless the caller sees it in the same org."""
    try:
        row, other = tickets.load(ctx, ticket_id)
    except NotFound:
        row = other = None
    if row is None or other["org_id"] != project["org_id"]:
        raise Invalid(f"invalid body: {field}", [{
            "field": field, "message": "no such ticket in this organization"}])
    return row


def _view(rel: dict, this: str, briefs: dict[str, TicketRef]) -> Relation:
    mine = rel["source_id"] == this
    return Relation(id=rel["id"], kind=read(rel["kind"], mine),
                    ticket=briefs[rel["target_id"] if mine else rel["source_id"]],
                    source_id=rel["source_id"], target_id=rel["target_id"],
                    created_by=rel["created_by"], created_at=rel["created_at"])


@op("GET", "/api/v1/tickets/{ticket_id}/relations")
def list_(ctx: Ctx, ticket_id: str, query: PageQuery) -> Page[Relation]:
    """A ticket's relations from both sides, oldest first: `kind` reads from this ticket
    (`blocked_by` is another's `blocks`). Tickets in projects you cannot see are left out."""
    _, project = tickets.load(ctx, ticket_id)
    where, extra = _in_visible("o.project_id", _visible(ctx, project["org_id"]))
    sql = ("SELECT r.* FROM ticket_relations r JOIN tickets o ON o.id = CASE "
           "WHEN r.source_id = ? THEN r.target_id ELSE r.source_id END "
           f"WHERE (r.source_id = ? OR r.target_id = ?){where}")
    page = keyset(ctx.db, sql, (ticket_id, ticket_id, ticket_id, *extra), query, dict,
                  alias="r")
    briefs = _briefs(ctx, [r["source_id"] if r["target_id"] == ticket_id else r["target_id"]
                           for r in page.items], _Categories(ctx))
    return Page(items=[_view(r, ticket_id, briefs) for r in page.items],
                next_cursor=page.next_cursor, has_more=page.has_more)


def _blocks_cycle(ctx: Ctx, source: str, target: str) -> list[str] | None:
    """The blocking path target -> ... -> source that a new `source blocks target` would
    close into a cycle, or None."""
    def step(frontier):
        out: dict[str, list[str]] = {}
        for r in ctx.db.all("SELECT source_id, target_id FROM ticket_relations WHERE kind = "
                            f"'blocks' AND source_id IN ({_marks(len(frontier))})", *frontier):
            out.setdefault(r["source_id"], []).append(r["target_id"])
        return out

    return cycle(target, source, step)


def _keys(ctx: Ctx, ids: list[str]) -> list[str]:
    briefs = _briefs(ctx, ids, _Categories(ctx))
    return [briefs[i].key if i in briefs else i for i in ids]


def _event(ctx: Ctx, rel: dict) -> RelationEvent:
    briefs = _briefs(ctx, [rel["source_id"], rel["target_id"]], _Categories(ctx))
    return RelationEvent(id=rel["id"], kind=rel["kind"], source=briefs[rel["source_id"]],
                         target=briefs[rel["target_id"]], created_by=rel["created_by"],
                         created_at=rel["created_at"])


def _audit(ctx: Ctx, org_id: str, rel: dict, action: str, event: RelationEvent) -> None:
    """On both tickets' activity, each reading the relation from its side."""
    for this, other in ((event.source, event.target), (event.target, event.source)):
        ctx.audit(org_id, "ticket", this.id, action, {
            "relation_id": rel["id"], "kind": read(rel["kind"], this is event.source).value,
            "ticket": other.key})


@op("POST", "/api/v1/tickets/{ticket_id}/relations")
def create(ctx: Ctx, ticket_id: str, body: RelationIn) -> Relation:
    """Relate a ticket to another of its organization, in any project (Member).

    `kind` reads from this ticket: `blocks`, `blocked_by`, `relates_to`, `duplicates`,
    `duplicated_by`. 409 when the relation exists (`relates_to` either way round) or when
    `blocks` would close a cycle (the message names it).
    """
    row, project = tickets.load(ctx, ticket_id, Role.Member)
    org_id = project["org_id"]
    _related(ctx, project, body.target_id, "target_id")
    if body.target_id == ticket_id:
        raise Invalid("a ticket cannot be related to itself",
                      [{"field": "target_id", "message": "the ticket itself"}])
    kind, source, target = stored(body.kind, ticket_id, body.target_id)
    serialize(ctx, org_id)
    rel, event = _add(ctx, org_id, kind, source, target)
    webhooks.emit(ctx, org_id, "relation.created", event)
    return _view(rel, ticket_id, {event.source.id: event.source, event.target.id: event.target})


def _add(ctx: Ctx, org_id: str, kind: str, source: str, target: str
         ) -> tuple[dict, RelationEvent]:
    """Store and audit `source kind target`; 409 when it exists (`relates_to` either way
    round) or would close a blocking cycle. The caller holds the org's lock (`serialize`)."""
    pairs = [(source, target)] + ([(target, source)] if kind == "relates_to" else [])
    for a, b in pairs:
        if ctx.db.one("SELECT 1 FROM ticket_relations WHERE kind = ? AND source_id = ? "
                      "AND target_id = ?", kind, a, b):
            first, second = _keys(ctx, [a, b])
            raise Conflict(f"{first} already {kind.replace('_', ' ')} {second}")
    if kind == "blocks":
        path = _blocks_cycle(ctx, source, target)
        if path:
            loop = " blocks ".join(_keys(ctx, [source, *path]))
            raise Conflict(f"refused: it would close a blocking cycle: {loop}",
                           [{"field": "target_id", "message": loop}])
    rel = ctx.db.insert("ticket_relations", {
        "id": new_id(), "org_id": org_id, "source_id": source, "target_id": target,
        "kind": kind, "created_by": ctx.user_id, "created_at": now()})
    event = _event(ctx, rel)
    _audit(ctx, org_id, rel, "relation_add", event)
    return rel, event


@op("DELETE", "/api/v1/tickets/{ticket_id}/relations/{relation_id}")
def delete(ctx: Ctx, ticket_id: str, relation_id: str) -> None:
    """Remove one of a ticket's relations, from either side (Member)."""
    _, project = tickets.load(ctx, ticket_id, Role.Member)
    rel = ctx.db.one("SELECT * FROM ticket_relations WHERE id = ? AND (source_id = ? OR "
                     "target_id = ?)", relation_id, ticket_id, ticket_id)
    if rel is None:
        raise NotFound("relation not found")
    _remove(ctx, project["org_id"], rel)


def _remove(ctx: Ctx, org_id: str, rel: dict) -> None:
    """Remove one relation: audited on both tickets, one `relation.deleted` as it was."""
    event = _event(ctx, rel)
    ctx.db.run("DELETE FROM ticket_relations WHERE id = ?", rel["id"])
    _audit(ctx, org_id, rel, "relation_remove", event)
    webhooks.emit(ctx, org_id, "relation.deleted", event)


def remove_with(ctx: Ctx, org_id: str, ticket_ids: str, *params) -> None:
    """Before tickets are deleted: remove their relations as an unlink does, since the
    database's cascade would drop them with no audit row and no `relation.deleted`.
    `ticket_ids` is SQL selecting the tickets' ids (`?`, or a subquery) over `params`."""
    for rel in ctx.db.all(f"SELECT * FROM ticket_relations WHERE source_id IN ({ticket_ids}) "
                          f"OR target_id IN ({ticket_ids}) ORDER BY created_at, id",
                          *params, *params):
        _remove(ctx, org_id, rel)


# ---- sub-issues --------------------------------------------------------------------------

def _ancestry(ctx: Ctx, ticket_id: str, parent_id: str) -> str | None:
    """`A > B > ... > A` when `parent_id` as the parent of `ticket_id` closes a cycle."""
    def step(frontier):
        rows = ctx.db.all(f"SELECT id, parent_id FROM tickets WHERE id IN "
                          f"({_marks(len(frontier))})", *frontier)
        return {r["id"]: [r["parent_id"]] for r in rows if r["parent_id"]}

    path = [parent_id] if parent_id == ticket_id else cycle(parent_id, ticket_id, step)
    return " > ".join(_keys(ctx, [*path[::-1], path[-1]])) if path else None  # top down


def check_parent(ctx: Ctx, project: dict, ticket_id: str | None, parent_id: str) -> None:
    """422 unless `parent_id` is a ticket of the same org the caller sees; 409 when it
    would make a ticket its own ancestor. `ticket_id` is None for a ticket being created."""
    _related(ctx, project, parent_id, "parent_id")
    loop = ticket_id and _ancestry(ctx, ticket_id, parent_id)
    if loop:
        raise Conflict(f"refused: a ticket cannot be its own ancestor: {loop}",
                       [{"field": "parent_id", "message": loop}])


def restore(ctx: Ctx, org_id: str, keys: dict[str, str], links, warnings: list[str]
            ) -> int:
    """Import: set each `(ticket id, ExportTicket)`'s parent and add its relations, naming
    tickets by exported key (`keys`, else a ticket of the org with that key). What cannot
    be (an unknown key, a cycle, a repeat) is skipped with a warning. Returns how many
    relations were added."""
    def find(key: str) -> str | None:
        found = keys.get(key.strip().upper())
        if found is None and "-" in key:
            project, _, number = key.strip().upper().rpartition("-")
            found = ctx.db.value("SELECT t.id FROM tickets t JOIN projects p ON p.id = "
                                 "t.project_id WHERE p.org_id = ? AND p.key = ? AND "
                                 "t.ticket_number = ?", org_id, project,
                                 int(number) if number.isdigit() else -1)
        if found is None:
            warnings.append(f"ticket {key} not found: its parent or relation was skipped")
        return found

    if links:
        serialize(ctx, org_id)
    added = 0
    for ticket_id, t in links:
        parent = t.parent and find(t.parent)
        loop = parent and _ancestry(ctx, ticket_id, parent)
        was = ctx.db.value("SELECT parent_id FROM tickets WHERE id = ?", ticket_id)
        if loop:
            warnings.append(f"parent {t.parent} skipped: it would close a cycle: {loop}")
        elif parent and was != parent:
            ctx.db.update("tickets", {"id": ticket_id}, {"parent_id": parent})
            ctx.audit(org_id, "ticket", ticket_id, "update",
                      {"parent_id": [was, parent], "source": "import"})
        for r in t.relations:
            target = find(r.target)
            kind = r.kind.strip().lower().replace(" ", "_")
            if kind not in STORED:
                warnings.append(f"relation kind '{r.kind}' unknown: skipped")
            if target is None or target == ticket_id or kind not in STORED:
                continue
            try:
                _add(ctx, org_id, kind, ticket_id, target)
                added += 1
            except Conflict as e:
                if "already" not in e.message:  # a repeat: imported before, nothing to say
                    warnings.append(f"relation to {r.target} skipped: {e.message}")
    return added


def _children(ctx: Ctx, parent_ids: list[str]) -> list[dict]:
    return ctx.db.all(f"{_BRIEF} WHERE t.parent_id IN ({_marks(len(parent_ids))}) "
                      "ORDER BY t.project_id, t.ticket_number", *parent_ids)


def progress(ctx: Ctx, ticket_id: str) -> Progress | None:
    """Done (closed) and total sub-issues, or None for a ticket without any."""
    kids = _children(ctx, [ticket_id])
    if not kids:
        return None
    cats = _Categories(ctx)
    return Progress(done=sum(cats.closed(k) for k in kids), total=len(kids))


def parent_done(ctx: Ctx, project: dict, row: dict, old: str, new: str) -> str | None:
    """The sub-issue rule of moving the ticket `row` from `old` to `new` status, asked by
    the one status-change path (`tickets.change`); see `relations.closing_parent`."""
    kids = _children(ctx, [row["id"]])
    if not kids:
        return None
    from alloy.services import workflows  # a ticket without sub-issues never needs it

    flow = workflows.governing(ctx, project, old, new)
    cats = _Categories(ctx)
    return closing_parent(f"{project['key']}-{row['ticket_number']}", new,
                          flow.category(new), flow.enforcement,
                          [f"{k['key']}-{k['ticket_number']}" for k in kids
                           if not cats.closed(k)])


def _blocked(ctx: Ctx, where: str, *params) -> set[str]:
    """Ids of tickets (chosen by `where` over the blocked ticket `t`) with an open blocker."""
    rows = ctx.db.all("SELECT r.target_id, s.status, s.project_id, p.workflow_id, p.org_id "
                      "FROM ticket_relations r JOIN tickets t ON t.id = r.target_id "
                      "JOIN tickets s ON s.id = r.source_id "
                      "JOIN projects p ON p.id = s.project_id "
                      f"WHERE r.kind = 'blocks' AND {where}", *params)
    cats = _Categories(ctx)
    return {r["target_id"] for r in rows if not cats.closed(r)}


@op("GET", "/api/v1/tickets/{ticket_id}/tree")
def tree(ctx: Ctx, ticket_id: str) -> TicketNode:
    """A ticket and its sub-issues, nested, each with status, progress and whether an open
    ticket blocks it. Sub-issues in projects you cannot see are left out."""
    row, project = tickets.load(ctx, ticket_id)
    seen = _visible(ctx, project["org_id"])
    root = ctx.db.one(f"{_BRIEF} WHERE t.id = ?", ticket_id)
    levels, ids, cats = [[root]], {ticket_id}, _Categories(ctx)
    while len(levels) <= MAX_DEPTH:
        kids = [k for k in _children(ctx, [r["id"] for r in levels[-1]]) if k["id"] not in ids]
        if not kids:
            break
        ids.update(k["id"] for k in kids)
        levels.append(kids)
    every = [r for level in levels for r in level]
    blocked = _blocked(ctx, f"r.target_id IN ({_marks(len(every))})", *(r["id"] for r in every))
    nodes = {r["id"]: TicketNode(id=r["id"], key=f"{r['key']}-{r['ticket_number']}",
                                 title=r["title"], status=r["status"], closed=cats.closed(r),
                                 blocked=r["id"] in blocked, progress=None, children=[])
             for r in every}
    for r in every[1:]:
        parent = nodes.get(r["parent_id"])
        if parent is None:
            continue
        node = nodes[r["id"]]
        parent.progress = parent.progress or Progress(done=0, total=0)
        parent.progress.total += 1
        parent.progress.done += node.closed
        if seen is None or r["project_id"] in seen:
            parent.children.append(node)
    return nodes[ticket_id]


@op("GET", "/api/v1/projects/{project_id}/blocked")
def blocked(ctx: Ctx, project_id: str) -> BlockedTickets:
    """The project's tickets that a ticket which is not closed blocks (boards mark them)."""
    projects.load(ctx, project_id)
    return BlockedTickets(ticket_ids=sorted(_blocked(ctx, "t.project_id = ?", project_id)))

