"""Projects: keyed containers of tickets, with finance fields and per-project access."""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain.page import Page, keyset
from alloy.domain.values import Role, new_id, now
from alloy.domain.work import OrgQuery, Project, ProjectIn
from alloy.errors import Conflict, Forbidden, NotFound
from alloy.ops import op


def to_project(row: dict) -> Project:
    return Project(**{f: row[f] for f in Project.__struct_fields__})


def check_access(ctx: Ctx, project: dict, minimum: Role = Role.Viewer) -> Role:
    """The actor's role for a project: org role, Reporter scoping and API-key restriction."""
    role = ctx.require(project["org_id"], minimum, what="project")
    allowed = ctx.actor.allowed_project_ids
    if allowed is not None and project["id"] not in allowed:
        raise Forbidden("this API key is restricted to other projects")
    if role is Role.Reporter and not ctx.db.one(
            "SELECT 1 FROM project_members WHERE project_id = ? AND user_id = ?",
            project["id"], ctx.user_id):
        raise Forbidden("Reporters can only access projects they are members of")
    return role


def load(ctx: Ctx, project_id: str, minimum: Role = Role.Viewer) -> dict:
    """Fetch a project the actor may use at `minimum` role, else 404/403."""
    row = ctx.db.one("SELECT * FROM projects WHERE id = ?", project_id)
    if row is None:
        raise NotFound("project not found")
    check_access(ctx, row, minimum)
    return row


@op("POST", "/api/v1/projects")
def create(ctx: Ctx, body: ProjectIn) -> Project:
    """Create a project with a unique key in the organization (Member)."""
    org_id = ctx.org_of(body.org_id)
    ctx.require(org_id, Role.Member)
    key = body.key.upper()
    if ctx.db.one("SELECT 1 FROM projects WHERE org_id = ? AND key = ?", org_id, key):
        raise Conflict(f"a project with key '{key}' already exists in this organization")
    t = now()
    row = ctx.db.insert("projects", {
        "id": new_id(), "org_id": org_id, "team_id": body.team_id, "workflow_id": None,
        "key": key, "name": body.name, "description": body.description, "ticket_counter": 0,
        "capitalization_type": None, "development_phase": None, "cost_center_id": None,
        "amortization_months": None, "budget_cents": body.budget_cents,
        "budget_period": body.budget_period, "created_at": t, "updated_at": t})
    ctx.audit(org_id, "project", row["id"], "create", {"key": key, "name": body.name})
    return to_project(row)


@op("GET", "/api/v1/projects")
def list(ctx: Ctx, query: OrgQuery) -> Page[Project]:
    """Projects of an organization (Reporters see only their assigned projects)."""
    org_id = ctx.org_of(query.org_id)
    role = ctx.require(org_id)
    sql, params = "SELECT p.* FROM projects p WHERE p.org_id = ?", (org_id,)
    if role is Role.Reporter:
        sql += " AND p.id IN (SELECT project_id FROM project_members WHERE user_id = ?)"
        params += (ctx.user_id,)
    allowed = ctx.actor.allowed_project_ids
    if allowed is not None:
        sql += f" AND p.id IN ({', '.join('?' for _ in allowed)})"
        params += tuple(allowed)
    return keyset(ctx.db, sql, params, query, to_project, alias="p")


@op("GET", "/api/v1/projects/{project_id}")
def get(ctx: Ctx, project_id: str) -> Project:
    """One project by id."""
    return to_project(load(ctx, project_id))


@op("GET", "/api/v1/projects/key/{key}")
def get_by_key(ctx: Ctx, key: str, query: OrgQuery) -> Project:
    """One project by its key within an organization (default: the current one)."""
    org_id = ctx.org_of(query.org_id)
    ctx.require(org_id, what="project")
    row = ctx.db.one("SELECT * FROM projects WHERE org_id = ? AND key = ?", org_id, key.upper())
    if row is None:
        raise NotFound(f"project '{key.upper()}' not found")
    check_access(ctx, row)
    return to_project(row)
