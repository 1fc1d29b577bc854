"""Sprints: time-boxed iterations of a project, Planned -> Active -> Completed.

Rules a team expects: dates are real ISO dates with end >= start; a sprint moves one step
at a time (start a Planned one, complete an Active one); a project has at most one Active
sprint; tickets join a sprint of their own project. The board and the burndown read the
sprint's tickets, the burndown through their audited history.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

from alloy.context import Ctx
from alloy.domain.flow import (
    Assigned,
    BatchAssignIn,
    Board,
    Burndown,
    Column,
    Sprint,
    SprintDeletePreview,
    SprintIn,
    SprintPatch,
    SprintQuery,
    SprintResolveQuery,
    SprintStatus,
    burndown_rows,
    squash,
)
from alloy.domain.page import Page, keyset
from alloy.domain.validate import given
from alloy.domain.values import Role, is_uuid, new_id, now
from alloy.errors import Forbidden, Invalid, NotFound
from alloy.ops import op
from alloy.services import guards, projects, tickets, webhooks, workflows


def to_sprint(row: dict) -> Sprint:
    return Sprint(id=row["id"], project_id=row["project_id"], name=row["name"], goal=row["goal"],
                  start_date=row["start_date"], end_date=row["end_date"],
                  status=SprintStatus(row["status"]), created_at=row["created_at"],
                  updated_at=row["updated_at"])


def _dates(start: str, end: str) -> tuple[str, str]:
    """Both dates as YYYY-MM-DD (a full timestamp is cut to its date); 422 per bad field."""
    errors, out = [], []
    for field, text in (("start_date", start), ("end_date", end)):
        text = str(text).strip()
        try:
            day = date.fromisoformat(text) if len(text) == 10 else \
                datetime.fromisoformat(text.replace("Z", "+00:00")).date()
            out.append(day.isoformat())
        except ValueError:
            errors.append({"field": field, "message": "expected an ISO 8601 date (YYYY-MM-DD)"})
    if not errors and out[1] < out[0]:
        errors.append({"field": "end_date", "message": "end_date must not be before start_date"})
    if errors:
        raise Invalid("invalid sprint dates: " + ", ".join(e["field"] for e in errors), errors)
    return out[0], out[1]


def load(ctx: Ctx, sprint_id: str, minimum: Role = Role.Viewer) -> tuple[dict, dict]:
    """A sprint and its project, if the actor may use the project at `minimum` role."""
    row = ctx.db.one("SELECT * FROM sprints WHERE id = ?", sprint_id)
    if row is None:
        raise NotFound("sprint not found")
    project = projects.fetch(ctx, row["project_id"])
    projects.check_access(ctx, project, minimum)
    return row, project


def check_ticket_sprint(ctx: Ctx, project: dict, sprint_id: str | None,
                        field: str = "sprint_id") -> None:
    """A ticket may only join a non-Completed sprint of its own project (None leaves one).

    Ticket create/update call this when their body carries `sprint_id`.
    """
    if sprint_id is None:
        return
    row = guards.lock(ctx, "sprints", sprint_id)  # not deleted or completed while we join
    if row is None or row["project_id"] != project["id"]:
        raise Invalid("sprint not found in this project",
                      [{"field": field, "message": "no such sprint in this project"}])
    if row["status"] == SprintStatus.Completed.value:
        raise Invalid("sprint is Completed; tickets cannot be added to it",
                      [{"field": field, "message": "sprint is Completed"}])


@op("POST", "/api/v1/projects/{project_id}/sprints")
def create(ctx: Ctx, project_id: str, body: SprintIn) -> Sprint:
    """Create a Planned sprint in a project (Member)."""
    project = projects.load(ctx, project_id, Role.Member)
    start, end = _dates(body.start_date, body.end_date)
    t = now()
    row = ctx.db.insert("sprints", {
        "id": new_id(), "org_id": project["org_id"], "project_id": project_id,
        "name": body.name.strip(), "goal": body.goal, "start_date": start, "end_date": end,
        "status": SprintStatus.Planned.value, "started_at": None, "completed_at": None,
        "created_at": t, "updated_at": t})
    ctx.audit(project["org_id"], "sprint", row["id"], "create",
              {"name": row["name"], "start_date": start, "end_date": end})
    return to_sprint(row)


@op("GET", "/api/v1/projects/{project_id}/sprints")
def list_(ctx: Ctx, project_id: str, query: SprintQuery) -> Page[Sprint]:
    """A project's sprints, oldest first, optionally only those in one status."""
    projects.load(ctx, project_id)
    sql, params = "SELECT * FROM sprints WHERE project_id = ?", (project_id,)
    if query.status is not None:
        sql += " AND status = ?"
        params += (query.status.value,)
    return keyset(ctx.db, sql, params, query, to_sprint)


@op("GET", "/api/v1/sprints/{sprint_id}")
def get(ctx: Ctx, sprint_id: str) -> Sprint:
    """One sprint by id."""
    return to_sprint(load(ctx, sprint_id)[0])


_PREFIX = re.compile(r"^[0-9a-fA-F][0-9a-fA-F-]{3,35}$")


@op("GET", "/api/v1/sprints/resolve")
def resolve(ctx: Ctx, query: SprintResolveQuery) -> Sprint:
    """Find a sprint by UUID, exact name or an id prefix (4+ characters).

    Names are unique only within a project: they are looked up in `project_id` (UUID or key),
    else in every project of the organization the caller may open. More than one match is a
    422 naming them, so a person can give the id instead.
    """
    ref = query.ref.strip()
    if is_uuid(ref):
        return to_sprint(load(ctx, ref)[0])
    if query.project_id:
        project = tickets.project_by_ref(ctx, query.project_id, query.org_id)
        projects.check_access(ctx, project)
        where, scope, keys = "s.project_id = ?", project["id"], f" in {project['key']}"
    else:
        org_id = ctx.org_of(query.org_id)
        ctx.require(org_id)
        where, scope, keys = "p.org_id = ?", org_id, ""
    prefix = ref.lower() + "%" if _PREFIX.match(ref) else ""
    rows = [r for r in ctx.db.all(
        "SELECT s.*, p.key AS project_key FROM sprints s JOIN projects p ON p.id = s.project_id "
        f"WHERE {where} AND (LOWER(s.name) = LOWER(?) OR s.id LIKE ?) ORDER BY s.id",
        scope, ref, prefix) if query.project_id or _may_open(ctx, r)]
    found = ([r for r in rows if r["name"] == ref]
             or [r for r in rows if r["name"].lower() == ref.lower()]
             or [r for r in rows if prefix and r["id"].startswith(ref.lower())])
    if not found:
        raise NotFound(f"no sprint '{ref}'{keys}: give its id or exact name")
    if len(found) > 1:
        where = keys or " in " + ", ".join(sorted({r["project_key"] for r in found}))
        raise Invalid(f"'{ref}' matches {len(found)} sprints{where}: give its id",
                      [{"field": "ref", "message": f"{r['project_key']}: {r['name']} ({r['id']})"}
                       for r in found])
    return to_sprint(found[0])


def _may_open(ctx: Ctx, row: dict) -> bool:
    """Whether the caller may see the sprint's project (Reporter scoping, key restriction)."""
    try:
        projects.check_access(ctx, {"id": row["project_id"], "org_id": row["org_id"]})
    except (Forbidden, NotFound):
        return False
    return True


_NEXT = {SprintStatus.Planned: SprintStatus.Active, SprintStatus.Active: SprintStatus.Completed}


def _locked(ctx: Ctx, sprint_id: str, minimum: Role) -> tuple[dict, dict]:
    """`load`, then the sprint row again, locked: its status is the one no concurrent step
    or delete is changing. (Lock order: the sprint, then its project, as ticket create.)"""
    row, project = load(ctx, sprint_id, minimum)
    row = guards.lock(ctx, "sprints", sprint_id)
    if row is None:
        raise NotFound("sprint not found")
    return row, project


def _change_status(ctx: Ctx, row: dict, project: dict, to: SprintStatus) -> dict:
    """One lifecycle step: Planned -> Active (none other Active) or Active -> Completed.

    `row` comes from `_locked`; starting also locks the project row, so two sprints started
    at once are judged one after the other by "at most one Active sprint per project"."""
    now_status = SprintStatus(row["status"])
    if _NEXT.get(now_status) is not to:
        verb = {SprintStatus.Active: "started", SprintStatus.Completed: "completed"}.get(to)
        need = {SprintStatus.Active: "a Planned", SprintStatus.Completed: "an Active"}.get(to)
        message = (f"sprint is {now_status.value}; only {need} sprint can be {verb}" if verb
                   else f"sprint is {now_status.value}; it cannot go back to {to.value}")
        raise Invalid(message, [{"field": "status", "message": message}])
    if to is SprintStatus.Active:
        guards.lock(ctx, "projects", row["project_id"])
        other = ctx.db.one("SELECT name FROM sprints WHERE project_id = ? AND status = 'Active' "
                           "AND id <> ?", row["project_id"], row["id"])
        if other:
            message = f"sprint '{other['name']}' is already Active in this project; complete it first"
            raise Invalid(message, [{"field": "status", "message": message}])
    t = now()
    stamp = "started_at" if to is SprintStatus.Active else "completed_at"
    ctx.db.update("sprints", {"id": row["id"]}, {"status": to.value, stamp: t, "updated_at": t})
    ctx.audit(project["org_id"], "sprint", row["id"], "update",
              {"status": [now_status.value, to.value]})
    row = {**row, "status": to.value, stamp: t, "updated_at": t}
    event = "sprint.started" if to is SprintStatus.Active else "sprint.completed"
    webhooks.emit(ctx, project["org_id"], event, to_sprint(row))
    return row


@op("PATCH", "/api/v1/sprints/{sprint_id}")
def update(ctx: Ctx, sprint_id: str, body: SprintPatch) -> Sprint:
    """Change name, goal (null clears) or dates (Member); `status` takes one lifecycle step."""
    row, project = _locked(ctx, sprint_id, Role.Member)
    changes = given(body)
    status = changes.pop("status", None)
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    if "start_date" in changes or "end_date" in changes:
        changes["start_date"], changes["end_date"] = _dates(
            changes.get("start_date", row["start_date"]), changes.get("end_date", row["end_date"]))
    changes = {k: v for k, v in changes.items() if row[k] != v}
    if changes:
        ctx.db.update("sprints", {"id": sprint_id}, {**changes, "updated_at": now()})
        ctx.audit(project["org_id"], "sprint", sprint_id, "update",
                  {k: [row[k], v] for k, v in changes.items()})
        row = ctx.db.one("SELECT * FROM sprints WHERE id = ?", sprint_id)
    if status is not None and status.value != row["status"]:
        row = _change_status(ctx, row, project, status)
    return to_sprint(row)


@op("POST", "/api/v1/sprints/{sprint_id}/start", status=200)
def start(ctx: Ctx, sprint_id: str) -> Sprint:
    """Planned -> Active (Member). 422 if it is not Planned or another sprint is Active."""
    row, project = _locked(ctx, sprint_id, Role.Member)
    return to_sprint(_change_status(ctx, row, project, SprintStatus.Active))


@op("POST", "/api/v1/sprints/{sprint_id}/complete", status=200)
def complete(ctx: Ctx, sprint_id: str) -> Sprint:
    """Active -> Completed (Member). Unfinished tickets keep their status and sprint."""
    row, project = _locked(ctx, sprint_id, Role.Member)
    return to_sprint(_change_status(ctx, row, project, SprintStatus.Completed))


@op("POST", "/api/v1/sprints/{sprint_id}/batch-assign", status=200)
def batch_assign(ctx: Ctx, sprint_id: str, body: BatchAssignIn) -> Assigned:
    """Put tickets of the sprint's project into the sprint (Member); all or none."""
    row, project = _locked(ctx, sprint_id, Role.Member)
    if row["status"] == SprintStatus.Completed.value:
        raise Invalid("sprint is Completed; tickets cannot be added to it",
                      [{"field": "sprint_id", "message": "sprint is Completed"}])
    ids = [*dict.fromkeys(body.ticket_ids)]
    errors, rows = [], []
    for i, ticket_id in enumerate(ids):
        found = ctx.db.one("SELECT * FROM tickets WHERE id = ? AND project_id = ?",
                           ticket_id, project["id"])
        if found is None:
            errors.append({"field": f"ticket_ids[{i}]",
                           "message": f"ticket {ticket_id} not found in this sprint's project"})
        rows.append(found)
    if errors:
        raise Invalid("some tickets cannot join this sprint", errors)
    t = now()
    for found in rows:
        if found["sprint_id"] != sprint_id:
            ctx.db.update("tickets", {"id": found["id"]}, {"sprint_id": sprint_id, "updated_at": t})
            ctx.audit(project["org_id"], "ticket", found["id"], "update",
                      {"sprint_id": [found["sprint_id"], sprint_id]})
    return Assigned(assigned=len(rows))


@op("DELETE", "/api/v1/sprints/{sprint_id}", scope="admin")
def delete(ctx: Ctx, sprint_id: str, query: guards.DeleteQuery) -> SprintDeletePreview | None:
    """Delete a sprint (Admin). 409 if it has tickets; `cascade` deletes them too;
    `cascade&dry_run` only counts."""
    row, project = load(ctx, sprint_id, Role.Admin)
    counts = guards.check(ctx, "sprint", sprint_id, query)
    if counts is not None:
        return SprintDeletePreview(sprint_id=sprint_id, dependents=counts)
    for ticket in ctx.db.all("SELECT id FROM tickets WHERE sprint_id = ?", sprint_id):
        tickets.remove(ctx, project["org_id"], ticket["id"], {"sprint_id": sprint_id})
    ctx.db.run("DELETE FROM sprints WHERE id = ?", sprint_id)
    ctx.audit(project["org_id"], "sprint", sprint_id, "delete", {"name": row["name"]})
    return None


@op("GET", "/api/v1/sprints/{sprint_id}/board")
def board(ctx: Ctx, sprint_id: str) -> Board:
    """The sprint's tickets in one column per workflow status, in workflow order."""
    row, project = load(ctx, sprint_id)
    flow = workflows.governing(ctx, project)
    columns = {squash(n): Column(status=n, category=c, tickets=[]) for n, c in flow.statuses}
    cats = workflows.category_map(ctx, project)
    for t in ctx.db.all("SELECT * FROM tickets WHERE sprint_id = ? AND project_id = ? "
                        "ORDER BY ticket_number", sprint_id, project["id"]):
        key = squash(flow.find(t["status"]) or t["status"])
        if key not in columns:  # a status the workflow does not define still gets a column
            columns[key] = Column(status=t["status"], category=cats.get(key), tickets=[])
        columns[key].tickets.append(tickets.to_ticket(t, project["key"]))
    return Board(sprint=to_sprint(row), columns=[*columns.values()])


def _change(changes, field):
    """(old, new) if an audited change touched `field`, else None."""
    value = changes.get(field) if isinstance(changes, dict) else None
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return value[0], value[1]
    if isinstance(value, dict) and "old" in value and "new" in value:
        return value["old"], value["new"]
    return None


def histories(ctx: Ctx, sprint_id: str, org_id: str) -> list[list[tuple]]:
    """Per ticket that is or was in the sprint: its (time, sprint_id, status) states.

    The current row is the truth; audited changes are undone backwards to find where each
    ticket started, then replayed forwards. Rows that record plain values are ignored.
    """
    rows = ctx.db.all(
        "SELECT * FROM tickets WHERE sprint_id = ? OR id IN (SELECT entity_id FROM audit_log "
        "WHERE org_id = ? AND entity_type = 'ticket' AND changes LIKE ?)",
        sprint_id, org_id, f"%{sprint_id}%")
    out = []
    for t in rows:
        events = []
        for a in ctx.db.all("SELECT created_at, changes FROM audit_log WHERE entity_type = "
                            "'ticket' AND entity_id = ? ORDER BY created_at, id", t["id"]):
            changes = json.loads(a["changes"]) if isinstance(a["changes"], str) else a["changes"]
            sprint, status = _change(changes, "sprint_id"), _change(changes, "status")
            if sprint or status:
                events.append((a["created_at"], sprint, status))
        state = {"sprint": t["sprint_id"], "status": t["status"]}
        for _, sprint, status in reversed(events):
            if sprint:
                state["sprint"] = sprint[0]
            if status:
                state["status"] = status[0]
        states = [(t["created_at"], state["sprint"], state["status"])]
        for ts, sprint, status in events:
            if sprint:
                state["sprint"] = sprint[1]
            if status:
                state["status"] = status[1]
            states.append((ts, state["sprint"], state["status"]))
        out.append(states)
    return out


@op("GET", "/api/v1/sprints/{sprint_id}/burndown")
def burndown(ctx: Ctx, sprint_id: str) -> Burndown:
    """One row per sprint day: tickets in the sprint, done, and remaining at day's end (UTC);
    cancelled tickets are out of scope, and days still to come are null."""
    row, project = load(ctx, sprint_id)
    cats = workflows.category_map(ctx, project)
    data = burndown_rows(row["start_date"], row["end_date"], sprint_id,
                         histories(ctx, sprint_id, project["org_id"]),
                         lambda status: cats.get(squash(status or "")),
                         datetime.now(UTC).date())
    return Burndown(sprint_id=sprint_id, data=data)
