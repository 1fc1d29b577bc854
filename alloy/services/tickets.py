"""Tickets: numbered per project (`KEY-N`), gap-free under concurrency.

Statuses go through `alloy.services.statuses` (the project's workflow decides), so create,
update and batch update accept exactly what a transition would and report its `warning`.
"""

from __future__ import annotations

from alloy.actor import Credential
from alloy.context import Ctx
from alloy.domain.page import Page, keyset
from alloy.domain.validate import given
from alloy.domain.values import Role, is_uuid, new_id, now, squash, ticket_key, ticket_number
from alloy.domain.work import (
    Activity,
    ActivityPayload,
    BatchDeleted,
    BatchDeleteIn,
    BatchUpdated,
    BatchUpdateIn,
    Blocked,
    Change,
    PageOnly,
    Priority,
    Resolved,
    ResolveQuery,
    SearchQuery,
    Ticket,
    TicketDeletePreview,
    TicketIn,
    TicketPatch,
    TicketQuery,
)
from alloy.errors import Invalid, NotFound
from alloy.ops import op
from alloy.services import guards, projects, statuses, webhooks
from alloy.services.guards import DeleteQuery
from alloy.store.db import from_json

_PRIORITY = {p.value: p for p in Priority}


# A ticket row's columns in the order `ticket_of` reads them (the list selects exactly these).
COLUMNS = ("id", "project_id", "ticket_number", "title", "description", "status", "priority",
           "assignee_id", "reporter_id", "sprint_id", "parent_id", "created_at", "updated_at")


def ticket_of(values, key: str) -> Ticket:
    """A Ticket from a row's `COLUMNS` values in order: a list builds its page straight from
    the database's tuples (no dict per row; 10,000 tickets in pages cost a third less)."""
    (id_, project_id, number, title, description, status, priority, assignee_id, reporter_id,
     sprint_id, parent_id, created_at, updated_at) = values
    return Ticket(id=id_, project_id=project_id, ticket_number=number, key=f"{key}-{number}",
                  title=title, description=description, status=status,
                  priority=_PRIORITY[priority], assignee_id=assignee_id,
                  reporter_id=reporter_id, sprint_id=sprint_id, parent_id=parent_id,
                  created_at=created_at, updated_at=updated_at)


def to_ticket(row: dict, key: str, warning: str | None = None) -> Ticket:
    t = ticket_of([row.get(c) for c in COLUMNS], key)
    if warning:
        t.warning = warning
    return t


def _sprints():
    from alloy.services import sprints  # sprints build on tickets

    return sprints


def _relations():
    from alloy.services import relations  # relations build on tickets

    return relations


def _has_children(ctx: Ctx, ticket_id: str) -> bool:
    """Whether a ticket has sub-issues: only then do a read and a move need the relations
    service (and the workflows it judges by), which a command on a plain ticket never loads."""
    return ctx.db.value("SELECT 1 FROM tickets WHERE parent_id = ? LIMIT 1",
                        ticket_id) is not None


def next_number(ctx: Ctx, project_id: str) -> int:
    """Take the project's next ticket number inside this transaction (the row lock orders us).

    No row means the project was deleted while we waited for its lock (a delete guard holds
    it): the ticket has nowhere to go."""
    number = ctx.db.value("UPDATE projects SET ticket_counter = ticket_counter + 1 WHERE id = ? "
                          "RETURNING ticket_counter", project_id)
    if number is None:
        raise NotFound("project not found")
    return number


@op("POST", "/api/v1/projects/{project_id}/tickets")
def create(ctx: Ctx, project_id: str, body: TicketIn) -> Ticket:
    """Create a ticket; it gets the project's next number (Reporter, if assigned).

    `reporter_id` is deprecated and ignored: the reporter is whoever is authenticated.
    """
    project = projects.load(ctx, project_id, Role.Reporter, workflow=True,
                            subscribed=webhooks.subscribed("p.org_id", "ticket.created"))
    warning = None
    if body.status is None:
        status = statuses.initial(ctx, project)
    else:
        status, warning = statuses.apply(ctx, project, None, body.status)
    if body.assignee_id is not None:
        projects.require_org_user(ctx, project["org_id"], body.assignee_id, "assignee_id")
    if body.sprint_id is not None:  # sprints are imported only when one is named
        _sprints().check_ticket_sprint(ctx, project, body.sprint_id)
    if body.parent_id is not None:
        _relations().check_parent(ctx, project, None, body.parent_id)
    t = now()
    row = {"id": new_id(), "org_id": project["org_id"], "project_id": project_id,
           "title": body.title, "description": body.description, "status": status,
           "priority": body.priority.value, "assignee_id": body.assignee_id,
           "reporter_id": ctx.user_id, "sprint_id": body.sprint_id, "parent_id": body.parent_id,
           "created_at": t, "updated_at": t}
    created = {"title": body.title, "status": status, "priority": row["priority"]}
    if body.parent_id is not None:
        created["parent_id"] = body.parent_id
    # number, ticket and audit row in one statement on PostgreSQL (see `next_number`), and
    # the commit with them unless an event follows: every create in the project waits on it
    row = ctx.db.insert_counted(
        "tickets", row, "ticket_number", ("projects", "ticket_counter", project_id),
        ("audit_log", ctx.audit_row(project["org_id"], "ticket", row["id"], "create", created)),
        final=not project["subscribed"])
    if row is None:
        raise NotFound("project not found")
    ticket = to_ticket(row, project["key"], warning)
    webhooks.emit(ctx, project["org_id"], "ticket.created", ticket,
                  subscribed=project["subscribed"])
    return ticket


_SQUASHED_STATUS = "REPLACE(REPLACE(REPLACE(LOWER(status), ' ', ''), '_', ''), '-', '')"


@op("GET", "/api/v1/projects/{project_id}/tickets")
def list_(ctx: Ctx, project_id: str, query: TicketQuery) -> Page[Ticket]:
    """A project's tickets, filtered by status (comma-separated), priority, assignee, sprint."""
    project = projects.load(ctx, project_id)
    sql, params = f"SELECT {', '.join(COLUMNS)} FROM tickets WHERE project_id = ?", [project_id]
    if query.status:
        wanted = [squash(s) for s in query.status.split(",") if s.strip()]
        sql += f" AND {_SQUASHED_STATUS} IN ({', '.join('?' for _ in wanted)})"
        params += wanted
    for column in ("assignee_id", "sprint_id"):
        if getattr(query, column) is not None:
            sql += f" AND {column} = ?"
            params.append(getattr(query, column))
    if query.priority is not None:
        sql += " AND priority = ?"
        params.append(query.priority.value)
    if query.label:
        from alloy.services import labels  # labels build on tickets

        fragment, extra = labels.filter_sql("tickets.id", query.label)
        sql += fragment
        params += extra
    key = project["key"]
    return keyset(ctx.db, sql, tuple(params), query, lambda r: ticket_of(r, key), tuples=True)


# What a move or an edit reads with the project (`load(..., **CHANGING)`): the governing
# workflow, and whether any webhook may want the events `change` emits.
CHANGING = {"workflow": True, "subscribed": " OR ".join(
    webhooks.subscribed("p.org_id", e) for e in ("ticket.updated", "ticket.status_changed"))}


def load(ctx: Ctx, ticket_id: str, minimum: Role = Role.Viewer, **also) -> tuple[dict, dict]:
    """A ticket and its project, if the actor may use it at `minimum` role (`also`: read
    more with the project, see `projects.fetch`)."""
    row = ctx.db.one("SELECT * FROM tickets WHERE id = ?", ticket_id)
    if row is None:
        raise NotFound("ticket not found")
    project = projects.fetch(ctx, row["project_id"], **also)
    try:
        projects.check_access(ctx, project, minimum)
    except NotFound:
        raise NotFound("ticket not found") from None
    return row, project


def _read(ctx: Ctx, row: dict, project: dict) -> Ticket:
    """One ticket as a single read shows it: a parent with its sub-issues' `progress`."""
    ticket = to_ticket(row, project["key"])
    if _has_children(ctx, row["id"]):
        ticket.progress = _relations().progress(ctx, row["id"])
    return ticket


@op("GET", "/api/v1/tickets/{ticket_id}")
def get(ctx: Ctx, ticket_id: str) -> Ticket:
    """One ticket by id; a parent shows its sub-issues' `progress` (done/total)."""
    row, project = load(ctx, ticket_id)
    return _read(ctx, row, project)



def _suggest(found: list[tuple[str, str, str]]) -> list[dict]:
    return [{"field": "ref", "message": f"did you mean {k} ({title})?", "key": k, "id": i}
            for k, i, title in found]


def _by_number(ctx: Ctx, project: dict, number: int, ref: str) -> Resolved:
    projects.check_access(ctx, project)
    row = ctx.db.one("SELECT * FROM tickets WHERE project_id = ? AND ticket_number = ?",
                     project["id"], number)
    if row is not None:
        return Resolved(ticket=_read(ctx, row, project))
    near = ctx.db.all("SELECT id, ticket_number, title FROM tickets WHERE project_id = ? "
                      "ORDER BY ABS(ticket_number - ?), ticket_number LIMIT 3",
                      project["id"], number)
    raise NotFound(f"ticket '{ref}' not found",
                   _suggest([(f"{project['key']}-{r['ticket_number']}", r["id"], r["title"])
                             for r in near]))


def _projects_of(ctx: Ctx, org_id: str | None) -> list[dict]:
    """Projects in `org_id`, else in all the caller's orgs (default org first), with role."""
    sql = ("SELECT p.id, p.key, p.org_id, m.role FROM projects p JOIN org_members m "
           "ON m.org_id = p.org_id AND m.user_id = ?")
    params: tuple = (ctx.user_id,)
    org_id = org_id or ctx.key_org
    if org_id:
        sql += " WHERE p.org_id = ?"
        params += (org_id,)
    rows = ctx.db.all(sql, *params)
    return sorted(rows, key=lambda r: r["org_id"] != ctx.actor.org_id)


def _visible(ctx: Ctx, rows: list[dict]) -> list[dict]:
    """Those the caller may open (Reporter scoping, API-key restriction): for suggestions."""
    mine = {r["project_id"] for r in ctx.db.all(
        "SELECT project_id FROM project_members WHERE user_id = ?", ctx.user_id)}
    allowed = ctx.actor.allowed_project_ids
    return [r for r in rows if (r["role"] != Role.Reporter.value or r["id"] in mine)
            and (allowed is None or r["id"] in allowed)]


def _project_by_key(ctx: Ctx, key: str, org_id: str | None) -> tuple[dict | None, list]:
    """The project with `key` (in `org_id`, or the caller's orgs), and the candidates."""
    if org_id:
        ctx.require(org_id, what="project")
    rows = _projects_of(ctx, org_id)
    for r in rows:
        if r["key"] == key.upper():
            return ctx.db.one("SELECT * FROM projects WHERE id = ?", r["id"]), rows
    return None, rows


def project_by_ref(ctx: Ctx, ref: str, org_id: str | None) -> dict:
    if is_uuid(ref):
        return projects.load(ctx, ref)
    project, _ = _project_by_key(ctx, ref, org_id)
    if project is None:
        raise NotFound(f"project '{ref.upper()}' not found")
    return project


@op("GET", "/api/v1/tickets/resolve")
def resolve(ctx: Ctx, query: ResolveQuery) -> Resolved:
    """Find a ticket by UUID, `KEY-N` or bare number (with `project_id`).

    A key is looked up in `org_id`, else in the caller's organizations. A near miss answers
    404 whose details suggest the closest existing references.
    """
    ref = query.ref.strip()
    if is_uuid(ref):
        row, project = load(ctx, ref)
        return Resolved(ticket=_read(ctx, row, project))
    bare, keyed = ticket_number(ref), ticket_key(ref)
    if bare is not None:
        if not query.project_id:
            raise Invalid("a bare ticket number needs project_id (or `alloy project use`)",
                          [{"field": "project_id", "message": "required for a bare number"}])
        project = project_by_ref(ctx, query.project_id, query.org_id)
        return _by_number(ctx, project, bare, ref)
    if keyed is None:
        raise Invalid(f"'{ref}' is not a ticket reference (UUID, KEY-N or N)",
                      [{"field": "ref", "message": "expected a UUID, KEY-N or a number"}])
    key, number = keyed
    project, candidates = _project_by_key(ctx, key, query.org_id)
    if project is not None:
        return _by_number(ctx, project, number, f"{key}-{number}")
    import difflib

    by_key = {r["key"]: r["id"] for r in reversed(_visible(ctx, candidates))}
    found = []
    for close in difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.5):
        row = ctx.db.one("SELECT id, title FROM tickets WHERE project_id = ? "
                         "AND ticket_number = ?", by_key[close], number)
        if row:
            found.append((f"{close}-{number}", row["id"], row["title"]))
    raise NotFound(f"ticket '{key}-{number}' not found: no project with key '{key}'",
                   _suggest(found))


def judge(ctx: Ctx, project: dict, row: dict, requested: str) -> tuple[str, str | None]:
    """(status to store, warning) for moving ticket `row` to `requested`: the workflow's
    rules (`statuses.apply`), then the sub-issue rule (`relations.parent_done`). Moves and
    `transitions.check` both ask here, so the check cannot drift from the move."""
    status, warning = statuses.apply(ctx, project, row["status"], requested)
    if status != row["status"] and _has_children(ctx, row["id"]):
        closing = _relations().parent_done(ctx, project, row, row["status"], status)
        warning = "; ".join(w for w in (warning, closing) if w) or None
    return status, warning


def change(ctx: Ctx, row: dict, project: dict, changes: dict) -> tuple[dict, str | None]:
    """The one write path for a ticket's fields, status included (PATCH, transition, batches).

    The row is re-read locked (`FOR UPDATE` on PostgreSQL), so the workflow judges a status no
    concurrent move is changing; a parent moving to done asks `relations.parent_done`, and a
    new `parent_id` must close no cycle (`relations.check_parent`). A move is audited as `transition` `{"status": [old, new]}`,
    other fields as `update`; `ticket.updated` lists every changed field and a move adds
    `ticket.status_changed`. Updates `row` in place; returns (field diff, status warning).
    """
    changes = {k: getattr(v, "value", v) for k, v in changes.items() if k != "reporter_id"}
    if changes.get("parent_id") is not None:  # a cycle check: before any row lock
        _relations().serialize(ctx, project["org_id"])
    current = ctx.db.locked("SELECT * FROM tickets WHERE id = ?", row["id"])
    if current is None:
        raise NotFound("ticket not found")
    row.update(current)
    warning = None
    if "status" in changes:
        changes["status"], warning = judge(ctx, project, row, changes["status"])
    if changes.get("parent_id") is not None:
        _relations().check_parent(ctx, project, row["id"], changes["parent_id"])
    if changes.get("assignee_id") is not None:
        projects.require_org_user(ctx, project["org_id"], changes["assignee_id"], "assignee_id")
    if "sprint_id" in changes:
        _sprints().check_ticket_sprint(ctx, project, changes["sprint_id"])
    diff = {k: [row[k], v] for k, v in changes.items() if row[k] != v}
    if not diff:
        return diff, warning
    row.update(changes)
    row["updated_at"] = now()
    ctx.db.update("tickets", {"id": row["id"]}, {**changes, "updated_at": row["updated_at"]})
    org_id, moved = project["org_id"], diff.get("status")
    if moved:
        ctx.audit(org_id, "ticket", row["id"], "transition", {"status": moved})
    if len(diff) > (1 if moved else 0):
        ctx.audit(org_id, "ticket", row["id"], "update",
                  {k: v for k, v in diff.items() if k != "status"})
    ticket = to_ticket(row, project["key"])
    hooked = project.get("subscribed", True)  # read with the project (CHANGING), if it was
    webhooks.emit(ctx, org_id, "ticket.updated", ticket, diff, subscribed=hooked)
    if moved:
        webhooks.emit(ctx, org_id, "ticket.status_changed", ticket, moved[0], subscribed=hooked)
    return diff, warning


def change_status(ctx: Ctx, row: dict, project: dict, status: str) -> str | None:
    """Move a ticket to `status` under its workflow's enforcement (see `change`); returns the
    `warn` enforcement's warning, if any."""
    return change(ctx, row, project, {"status": status})[1]


@op("PATCH", "/api/v1/tickets/{ticket_id}")
def update(ctx: Ctx, ticket_id: str, body: TicketPatch) -> Ticket:
    """Change a ticket's fields; absent fields stay, null clears (Member)."""
    row, project = load(ctx, ticket_id, Role.Member, **CHANGING)
    _, warning = change(ctx, row, project, given(body))
    return to_ticket(row, project["key"], warning)


@op("DELETE", "/api/v1/tickets/{ticket_id}", scope="admin")
def delete(ctx: Ctx, ticket_id: str, query: DeleteQuery) -> TicketDeletePreview | None:
    """Delete a ticket (Admin); 409 if it has comments unless `cascade=true`."""
    row, project = load(ctx, ticket_id, Role.Admin)
    counts = guards.check(ctx, "ticket", ticket_id, query)
    if counts is not None:
        return TicketDeletePreview(ticket_id=ticket_id, dependents=counts)
    remove(ctx, project["org_id"], ticket_id,
           {"key": f"{project['key']}-{row['ticket_number']}", "cascade": query.cascade})
    return None


def remove(ctx: Ctx, org_id: str, ticket_id: str, audited: dict) -> None:
    """Delete one ticket, audited with `audited`: its relations go first as unlinks go
    (audited, one `relation.deleted` each); the database's cascade takes the rest."""
    _relations().remove_with(ctx, org_id, "?", ticket_id)
    ctx.db.run("DELETE FROM tickets WHERE id = ?", ticket_id)
    ctx.audit(org_id, "ticket", ticket_id, "delete", audited)


def _load_many(ctx: Ctx, ids: list[str], minimum: Role) -> list[tuple]:
    """Each distinct ticket with its project; any unknown or hidden id is a 404 for all."""
    out, seen = [], set()
    for ticket_id in ids:
        if ticket_id not in seen:
            seen.add(ticket_id)
            try:
                out.append(load(ctx, ticket_id, minimum))
            except NotFound:
                raise NotFound(f"ticket {ticket_id} not found") from None
    return out


@op("POST", "/api/v1/tickets/batch-update", status=200)
def batch_update(ctx: Ctx, body: BatchUpdateIn) -> BatchUpdated:
    """Apply the same field changes to several tickets, all or nothing (Member)."""
    changes = {k: v for k, v in given(body).items() if k != "ticket_ids"}
    if not changes:
        raise Invalid("give at least one field to update",
                      [{"field": "ticket_ids", "message": "no fields to update"}])
    warnings = []
    loaded = _load_many(ctx, body.ticket_ids, Role.Member)
    for row, project in loaded:
        _, warning = change(ctx, row, project, dict(changes))
        if warning and warning not in warnings:
            warnings.append(warning)
    result = BatchUpdated(updated=len(loaded))
    if warnings:
        result.warning = "; ".join(warnings)
    return result


@op("POST", "/api/v1/tickets/batch-delete", status=200, scope="admin")
def batch_delete(ctx: Ctx, body: BatchDeleteIn) -> BatchDeleted:
    """Delete several tickets (Admin); ones with dependents are `blocked` unless cascading.

    Every id must name a ticket the caller may delete (else 404/403 and nothing happens).
    """
    loaded = _load_many(ctx, body.ticket_ids, Role.Admin)
    deleted, blocked = [], []
    count = DeleteQuery(dry_run=True)
    for row, project in loaded:
        counts = {k: v for k, v in guards.check(ctx, "ticket", row["id"], count).items() if v}
        if counts and not body.cascade:
            blocked.append(Blocked(id=row["id"], dependents=counts))
            continue
        deleted.append(row["id"])
        if not body.dry_run:
            remove(ctx, project["org_id"], row["id"],
                   {"key": f"{project['key']}-{row['ticket_number']}", "cascade": body.cascade})
    return BatchDeleted(deleted=deleted, blocked=blocked)


_PAST = {"create": "created", "update": "updated", "delete": "deleted"}


def _via(row: dict) -> Credential | None:
    if not row["via_kind"]:
        return None
    return Credential(kind=row["via_kind"], id=row["via_id"], name=row["via_name"],
                      client=row["via_client"])


def _activity(row: dict) -> Activity:
    raw = row["changes"]
    data = from_json(raw) or {}
    changes = []
    for field, value in (data.items() if isinstance(data, dict) else ()):
        if isinstance(value, list) and len(value) == 2:
            changes.append(Change(field=field, old=value[0], new=value[1]))
        else:
            changes.append(Change(field=field, old=None, new=value))
    action = row["action"]
    return Activity(type=f"{row['entity_type']}.{_PAST.get(action, action)}",
                    actor=row["actor_id"], timestamp=row["created_at"], via=_via(row),
                    payload=ActivityPayload(audit_log_id=row["id"], action=action,
                                            entity_type=row["entity_type"], changes=changes))


@op("GET", "/api/v1/tickets/{ticket_id}/activity")
def activity(ctx: Ctx, ticket_id: str, query: PageOnly) -> Page[Activity]:
    """The ticket's history, oldest first, read from the audit log with field changes."""
    load(ctx, ticket_id)
    return keyset(ctx.db, "SELECT * FROM audit_log WHERE entity_type = 'ticket' "
                  "AND entity_id = ?", (ticket_id,), query, _activity)


@op("GET", "/api/v1/orgs/{org_id}/search")
def search(ctx: Ctx, org_id: str, query: SearchQuery) -> Page[Ticket]:
    """Search an organization's tickets with the query language (see docs/search.md).

    Free words and "exact phrases" match title, description and comments, ranked by
    relevance, then recency; qualifiers such as `is:open`, `priority:>=high`,
    `assignee:@me`, `-label:wontfix` or `sort:updated-desc` filter and order. A bad query
    answers 422 naming the offending token.
    """
    from alloy.services import ticket_search  # the SQL of the query language

    return ticket_search.run(ctx, org_id, query)
