"""Workflows: the statuses a ticket moves through, the allowed moves, and how hard to enforce.

Every org has a Default workflow (six statuses, any-to-any, enforcement none), made with
the org. A project follows its assigned workflow, else the org's Default — except that a
ticket sitting in a status the Default does not define follows the org workflow that does
define it, so custom statuses keep their rules even before a project is assigned.
"""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain.flow import (
    Flow,
    StatusDef,
    TransitionDef,
    Workflow,
    WorkflowIn,
    WorkflowPatch,
    WorkflowQuery,
    squash,
)
from alloy.domain.page import Page, keyset
from alloy.domain.validate import given
from alloy.domain.values import DEFAULT_STATUSES, Category, Role, new_id, now
from alloy.errors import Conflict, Invalid, NotFound
from alloy.ops import op
from alloy.services import guards
from alloy.store.db import from_json


def _decode(row: dict) -> dict:
    row = dict(row)
    for col in ("statuses", "transitions"):
        row[col] = from_json(row[col])
    return row


def to_workflow(row: dict) -> Workflow:
    row = _decode(row)
    return Workflow(
        id=row["id"], org_id=row["org_id"], name=row["name"],
        statuses=[StatusDef(name=s["name"], category=s["category"]) for s in row["statuses"]],
        transitions=[TransitionDef(from_=t["from"], to=t["to"]) for t in row["transitions"]],
        enforcement=row["enforcement"], is_default=bool(row["is_default"]),
        created_at=row["created_at"], updated_at=row["updated_at"])


def create_default(ctx: Ctx, org_id: str) -> dict:
    """The org's Default workflow; `orgs.insert_org` calls this for every new org."""
    names = [n for n, _ in DEFAULT_STATUSES]
    t = now()
    row = ctx.db.insert("workflows", {
        "id": new_id(), "org_id": org_id, "name": "Default",
        "statuses": [{"name": n, "category": c} for n, c in DEFAULT_STATUSES],
        "transitions": [{"from": a, "to": b} for a in names for b in names if a != b],
        "enforcement": "none", "is_default": 1, "created_at": t, "updated_at": t})
    ctx.audit(org_id, "workflow", row["id"], "create", {"name": "Default"})
    return row


def default_row(ctx: Ctx, org_id: str) -> dict:
    """The org's Default workflow as stored (`_decode` it to read its lists), made on first
    use for orgs older than workflows."""
    row = ctx.db.one("SELECT * FROM workflows WHERE org_id = ? AND is_default = 1", org_id)
    return row or create_default(ctx, org_id)


def _org_rows(ctx: Ctx, org_id: str) -> list[dict]:
    return ctx.db.all(
        "SELECT * FROM workflows WHERE org_id = ? AND is_default = 0 ORDER BY id", org_id)


# Read along with a project (`projects.fetch(workflow=True)`, one query fewer per ticket
# create): its own workflow, else the org's Default, as `governing` would look them up.
_READ = ("id", "name", "enforcement", "statuses", "transitions")
COLUMNS = ", ".join(f"wf.{c} AS wf_{c}" for c in _READ)
JOIN = ("LEFT JOIN workflows wf ON wf.org_id = p.org_id AND wf.id = COALESCE(p.workflow_id, "
        "(SELECT d.id FROM workflows d WHERE d.org_id = p.org_id AND d.is_default = 1))")


def attach(project: dict) -> None:
    """Move a project row's `wf_` columns (`COLUMNS`) to project["workflow"], None if none."""
    row = {c: project.pop(f"wf_{c}") for c in _READ}
    project["workflow"] = row if row["id"] is not None else None


def governing(ctx: Ctx, project: dict, current: str | None = None,
              requested: str | None = None) -> Flow:
    """The workflow whose rules apply to a ticket of `project` in status `current`."""
    known = "workflow" in project  # read with the project (`attach`): no query for it here
    if project.get("workflow_id"):
        row = project["workflow"] if known else ctx.db.one(
            "SELECT * FROM workflows WHERE id = ? AND org_id = ?",
            project["workflow_id"], project["org_id"])
        if row:
            return Flow.of(row)
    read = known and not project.get("workflow_id") and project["workflow"]
    default = Flow.of(read or default_row(ctx, project["org_id"]))
    probe = current if current is not None else requested
    if not probe or default.find(probe):
        return default
    others = [Flow.of(r) for r in _org_rows(ctx, project["org_id"])]
    defining = [f for f in others if f.find(probe)]
    if requested and current is not None:
        defining.sort(key=lambda f: f.find(requested) is None)  # prefer one knowing both
    return defining[0] if defining else default


def _categories(flows) -> dict[str, str]:
    found: dict[str, str] = {}
    for flow in flows:
        for name, cat in flow.statuses:
            found.setdefault(squash(name), cat)
    return found


def category_map(ctx: Ctx, project: dict) -> dict[str, str]:
    """squashed status name -> category, from the project's workflow first, then the org's."""
    return _categories((governing(ctx, project), Flow.of(default_row(ctx, project["org_id"])),
                        *(Flow.of(r) for r in _org_rows(ctx, project["org_id"]))))


def category_maps(ctx: Ctx, org_id: str) -> dict[str, dict[str, str]]:
    """`category_map` of every project of an org, in three queries (search reads them all)."""
    default = Flow.of(default_row(ctx, org_id))
    others = [Flow.of(r) for r in _org_rows(ctx, org_id)]
    by_id = {f.id: f for f in others}
    return {p["id"]: _categories((by_id.get(p["workflow_id"], default), default, *others))
            for p in ctx.db.all("SELECT id, workflow_id FROM projects WHERE org_id = ?", org_id)}


def validate_assignment(ctx: Ctx, org_id: str, workflow_id: str | None) -> None:
    """A project may only use a workflow of its own org (None returns it to the Default).

    `projects.update` calls this when a PATCH carries `workflow_id`.
    """
    if workflow_id is None:
        return
    row = guards.lock(ctx, "workflows", workflow_id)  # not deleted while a project takes it
    if row is None or row["org_id"] != org_id:
        raise Invalid("workflow not found in this organization",
                      [{"field": "workflow_id", "message": "no such workflow in this organization"}])


def assign(ctx: Ctx, project: dict, workflow_id: str | None) -> None:
    """Point a project at a workflow (or back to the Default with None), audited."""
    validate_assignment(ctx, project["org_id"], workflow_id)
    ctx.db.update("projects", {"id": project["id"]},
                  {"workflow_id": workflow_id, "updated_at": now()})
    ctx.audit(project["org_id"], "project", project["id"], "update",
              {"workflow_id": [project.get("workflow_id"), workflow_id]})


def _clean(statuses, transitions) -> tuple[list[dict], list[dict], list[dict]]:
    """Validated statuses and transitions in their stored form, plus every problem found."""
    errors, out_s, seen = [], [], {}
    if not statuses:
        errors.append({"field": "statuses", "message": "at least one status is required"})
    for i, s in enumerate(statuses):
        name = (s.name or "").strip()
        if not name or len(name) > 100:
            errors.append({"field": f"statuses[{i}].name", "message": "must be 1-100 characters"})
            continue
        if squash(name) in seen:
            errors.append({"field": f"statuses[{i}].name",
                           "message": f"duplicate status '{name}'"})
            continue
        try:
            cat = Category.parse(s.category).value
        except ValueError as e:
            errors.append({"field": f"statuses[{i}].category", "message": str(e)})
            continue
        seen[squash(name)] = name
        out_s.append({"name": name, "category": cat})
    out_t, pairs = [], set()
    for i, t in enumerate(transitions):
        ends = []
        for side, text in (("from", t.from_), ("to", t.to)):
            name = seen.get(squash(text or ""))
            if name is None:
                errors.append({"field": f"transitions[{i}].{side}",
                               "message": f"'{text}' is not a status of this workflow"})
            ends.append(name)
        if None not in ends and tuple(ends) not in pairs:
            pairs.add(tuple(ends))
            out_t.append({"from": ends[0], "to": ends[1]})
    return out_s, out_t, errors


def _unique_name(ctx: Ctx, org_id: str, name: str, skip: str | None = None) -> None:
    """Names are unique ignoring case (wider than the table's UNIQUE), so two namings in one
    org take turns on the org row."""
    guards.lock(ctx, "orgs", org_id)
    for row in ctx.db.all("SELECT id, name FROM workflows WHERE org_id = ?", org_id):
        if row["id"] != skip and row["name"].strip().lower() == name.strip().lower():
            raise Conflict(f"a workflow named '{name}' already exists in this organization")


def load(ctx: Ctx, workflow_id: str, minimum: Role = Role.Viewer) -> dict:
    row = ctx.db.one("SELECT * FROM workflows WHERE id = ?", workflow_id)
    if row is None:
        raise NotFound("workflow not found")
    ctx.require(row["org_id"], minimum, what="workflow")
    return _decode(row)


@op("POST", "/api/v1/orgs/{org_id}/workflows", scope="admin")
def create(ctx: Ctx, org_id: str, body: WorkflowIn) -> Workflow:
    """Create a workflow: ordered statuses with categories, allowed transitions (Admin)."""
    ctx.require(org_id, Role.Admin)
    statuses, transitions, errors = _clean(body.statuses, body.transitions)
    if errors:
        raise Invalid("invalid workflow: " + ", ".join(e["field"] for e in errors), errors)
    _unique_name(ctx, org_id, body.name)
    default_row(ctx, org_id)
    t = now()
    row = ctx.db.insert("workflows", {
        "id": new_id(), "org_id": org_id, "name": body.name.strip(), "statuses": statuses,
        "transitions": transitions, "enforcement": body.enforcement.value, "is_default": 0,
        "created_at": t, "updated_at": t})
    ctx.audit(org_id, "workflow", row["id"], "create",
              {"name": row["name"], "enforcement": row["enforcement"]})
    return to_workflow(row)


@op("GET", "/api/v1/orgs/{org_id}/workflows")
def list_(ctx: Ctx, org_id: str, query: WorkflowQuery) -> Page[Workflow]:
    """The organization's workflows, the Default first."""
    ctx.require(org_id)
    default_row(ctx, org_id)
    return keyset(ctx.db, "SELECT * FROM workflows WHERE org_id = ?", (org_id,), query,
                  to_workflow)


@op("GET", "/api/v1/workflows/{workflow_id}")
def get(ctx: Ctx, workflow_id: str) -> Workflow:
    """One workflow with its statuses and transitions."""
    return to_workflow(load(ctx, workflow_id))


@op("PATCH", "/api/v1/workflows/{workflow_id}", scope="admin")
def update(ctx: Ctx, workflow_id: str, body: WorkflowPatch) -> Workflow:
    """Rename, change enforcement, or replace statuses/transitions (Admin).

    Replacing statuses without sending transitions keeps the transitions whose ends remain.
    """
    row = load(ctx, workflow_id, Role.Admin)
    changes = given(body)
    values: dict = {}
    if "name" in changes:
        _unique_name(ctx, row["org_id"], changes["name"], skip=workflow_id)
        values["name"] = changes["name"].strip()
    if "enforcement" in changes:
        values["enforcement"] = changes["enforcement"].value
    if "statuses" in changes or "transitions" in changes:
        from alloy.domain.flow import StatusIn, TransitionIn

        statuses = changes.get("statuses") or [StatusIn(**s) for s in row["statuses"]]
        if "transitions" in changes:
            transitions = changes["transitions"]
        else:
            keep = {squash(s.name) for s in statuses}
            transitions = [TransitionIn(from_=t["from"], to=t["to"]) for t in row["transitions"]
                           if squash(t["from"]) in keep and squash(t["to"]) in keep]
        if changes.get("statuses") == []:
            statuses = []
        cleaned_s, cleaned_t, errors = _clean(statuses, transitions)
        if errors:
            raise Invalid("invalid workflow: " + ", ".join(e["field"] for e in errors), errors)
        values.update(statuses=cleaned_s, transitions=cleaned_t)
    if values:
        ctx.db.update("workflows", {"id": workflow_id}, {**values, "updated_at": now()})
        audit = {k: [row[k], v] for k, v in values.items() if k in ("name", "enforcement")}
        audit.update({k: "replaced" for k in values if k in ("statuses", "transitions")})
        ctx.audit(row["org_id"], "workflow", workflow_id, "update", audit)
    return get(ctx, workflow_id)


@op("DELETE", "/api/v1/workflows/{workflow_id}", scope="admin")
def delete(ctx: Ctx, workflow_id: str) -> None:
    """Delete a workflow no project uses (Admin); the org's Default cannot be deleted."""
    row = load(ctx, workflow_id, Role.Admin)
    if row["is_default"]:
        raise Conflict("the organization's Default workflow cannot be deleted")
    guards.check(ctx, "workflow", workflow_id, guards.DeleteQuery())
    ctx.db.run("DELETE FROM workflows WHERE id = ?", workflow_id)
    ctx.audit(row["org_id"], "workflow", workflow_id, "delete", {"name": row["name"]})
