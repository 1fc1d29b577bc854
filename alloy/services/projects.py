"""Projects: keyed containers of tickets, with finance fields and per-project access."""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain.page import Page, PageQuery, keyset
from alloy.domain.validate import given
from alloy.domain.values import Role, SprintStatus, new_id, now
from alloy.domain.work import (
    OrgQuery,
    Project,
    ProjectBrief,
    ProjectDeletePreview,
    ProjectIn,
    ProjectMember,
    ProjectPatch,
    ProjectSummary,
    SprintBrief,
    TicketCounts,
    UserRef,
)
from alloy.errors import Conflict, Forbidden, Invalid, NotFound
from alloy.ops import op
from alloy.services import guards
from alloy.services.guards import DeleteQuery

_FIELDS = Project.__struct_fields__


def _workflows():
    from alloy.services import workflows  # only project create/update and ticket create use it

    return workflows


def to_project(row: dict) -> Project:
    return Project(**{f: row[f] for f in _FIELDS})


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


def fetch(ctx: Ctx, project_id: str, *, workflow: bool = False,
          subscribed: str | None = None) -> dict | None:
    """A project row, and the actor's role in its org read in the same query (every
    project-scoped request checks it: one round trip fewer).

    Ticket create reads more in that query: `workflow` adds the workflow governing the project
    as row["workflow"] (see `workflows.JOIN`); `subscribed`, an SQL expression over `p`, adds
    its value as row["subscribed"] (see `webhooks.subscribed`).
    """
    columns, joins = ["p.*", "m.role AS actor_role"], []
    if subscribed is not None:
        columns.append(f"{subscribed} AS subscribed")
    if workflow:
        columns.append(_workflows().COLUMNS)
        joins.append(_workflows().JOIN)
    row = ctx.db.one(f"SELECT {', '.join(columns)} FROM projects p LEFT JOIN org_members m "
                     f"ON m.org_id = p.org_id AND m.user_id = ? {' '.join(joins)} WHERE p.id = ?",
                     ctx.actor.user_id, project_id)
    if row is not None:
        ctx.learn_role(row["org_id"], row.pop("actor_role"))
        if workflow:
            _workflows().attach(row)
        if subscribed is not None:
            row["subscribed"] = bool(row["subscribed"])
    return row


def load(ctx: Ctx, project_id: str, minimum: Role = Role.Viewer, **also) -> dict:
    """Fetch a project the actor may use at `minimum` role, else 404/403 (`also`: see `fetch`)."""
    row = fetch(ctx, project_id, **also)
    if row is None:
        raise NotFound("project not found")
    check_access(ctx, row, minimum)
    return row


def require_org_user(ctx: Ctx, org_id: str, user_id: str, field: str = "user_id") -> None:
    """422 unless `user_id` belongs to the organization (assignees, members)."""
    if ctx.role_in_db(org_id, user_id) is None:
        raise Invalid(f"{field}: user is not a member of this organization",
                      [{"field": field, "message": "not a member of this organization"}])


def _check_team(ctx: Ctx, org_id: str, team_id: str | None) -> None:
    if team_id and not ctx.db.one("SELECT 1 FROM teams WHERE id = ? AND org_id = ?",
                                  team_id, org_id):
        raise Invalid("team_id: no such team in this organization",
                      [{"field": "team_id", "message": "no such team in this organization"}])


def _plain(value):
    return getattr(value, "value", value)


@op("POST", "/api/v1/projects")
def create(ctx: Ctx, body: ProjectIn) -> Project:
    """Create a project with a unique key in the organization (Member)."""
    org_id = ctx.org_of(body.org_id)
    ctx.require(org_id, Role.Member)
    key = body.key.upper()
    if ctx.db.one("SELECT 1 FROM projects WHERE org_id = ? AND key = ?", org_id, key):
        raise Conflict(f"a project with key '{key}' already exists in this organization")
    _check_team(ctx, org_id, body.team_id)
    _workflows().validate_assignment(ctx, org_id, body.workflow_id)
    t = now()
    row = ctx.db.insert("projects", {
        "id": new_id(), "org_id": org_id, "team_id": body.team_id,
        "workflow_id": body.workflow_id, "key": key, "name": body.name,
        "description": body.description, "ticket_counter": 0,
        "capitalization_type": _plain(body.capitalization_type),
        "development_phase": _plain(body.development_phase),
        "cost_center_id": body.cost_center_id, "amortization_months": body.amortization_months,
        "budget_cents": body.budget_cents, "budget_period": _plain(body.budget_period),
        "created_at": t, "updated_at": t})
    ctx.audit(org_id, "project", row["id"], "create", {"key": key, "name": body.name})
    return to_project(row)


@op("GET", "/api/v1/projects")
def list_(ctx: Ctx, query: OrgQuery) -> Page[Project]:
    """Projects of an organization (Reporters see only their assigned projects)."""
    org_id = ctx.org_of(query.org_id)
    fragment, params = visible(ctx, org_id, "p.id")
    return keyset(ctx.db, f"SELECT p.* FROM projects p WHERE p.org_id = ?{fragment}",
                  (org_id, *params), query, to_project, alias="p")


def visible(ctx: Ctx, org_id: str, column: str) -> tuple[str, tuple]:
    """` AND ...` keeping the projects (`column` holds their id) of `org_id` the actor may
    see: 404 for outsiders, Reporters only their projects, a restricted key only its own."""
    role = ctx.require(org_id)
    sql, params = "", ()
    if role is Role.Reporter:
        sql += f" AND {column} IN (SELECT project_id FROM project_members WHERE user_id = ?)"
        params += (ctx.user_id,)
    allowed = ctx.actor.allowed_project_ids
    if allowed is not None:
        sql += f" AND {column} IN ({', '.join('?' for _ in allowed)})" if allowed else " AND 0 = 1"
        params += tuple(allowed)
    return sql, params


@op("GET", "/api/v1/projects/{project_id}")
def get(ctx: Ctx, project_id: str) -> Project:
    """One project by id."""
    return to_project(load(ctx, project_id))


@op("GET", "/api/v1/projects/{project_id}/summary")
def summary(ctx: Ctx, project_id: str) -> ProjectSummary:
    """A project at a glance: ticket counts by status, active and planned sprints.

    Counted in SQL, so the answer costs the same for ten tickets or a hundred thousand."""
    row = load(ctx, project_id)
    counts = ctx.db.all("SELECT status, COUNT(*) AS n, MIN(id) AS first_id FROM tickets "
                        "WHERE project_id = ? GROUP BY status ORDER BY first_id", project_id)
    sprints = ctx.db.all("SELECT * FROM sprints WHERE project_id = ? AND status IN (?, ?) "
                         "ORDER BY id", project_id, SprintStatus.Active.value,
                         SprintStatus.Planned.value)
    by_status = {c["status"]: int(c["n"]) for c in counts}
    return ProjectSummary(
        project=ProjectBrief(id=row["id"], name=row["name"], key=row["key"],
                             description=row["description"]),
        ticket_summary=TicketCounts(total=sum(by_status.values()), by_status=by_status),
        sprints=[SprintBrief(**{f: s[f] for f in SprintBrief.__struct_fields__})
                 for s in sprints])


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


@op("PATCH", "/api/v1/projects/{project_id}")
def update(ctx: Ctx, project_id: str, body: ProjectPatch) -> Project:
    """Change a project's fields; absent fields stay, null clears (Member)."""
    row = load(ctx, project_id, Role.Member)
    changes = {k: _plain(v) for k, v in given(body).items()}
    if "team_id" in changes:
        _check_team(ctx, row["org_id"], changes["team_id"])
    if "workflow_id" in changes:
        _workflows().validate_assignment(ctx, row["org_id"], changes["workflow_id"])
    diff = {k: [row[k], v] for k, v in changes.items() if row[k] != v}
    if diff:
        ctx.db.update("projects", {"id": project_id}, {**changes, "updated_at": now()})
        ctx.audit(row["org_id"], "project", project_id, "update", diff)
    return get(ctx, project_id)


@op("DELETE", "/api/v1/projects/{project_id}", scope="admin")
def delete(ctx: Ctx, project_id: str, query: DeleteQuery) -> ProjectDeletePreview | None:
    """Delete a project (Admin); 409 if it has dependents unless `cascade=true`."""
    row = load(ctx, project_id, Role.Admin)
    counts = guards.check(ctx, "project", project_id, query)
    if counts is not None:
        return ProjectDeletePreview(project_id=project_id, dependents=counts)
    from alloy.services import relations  # its tickets' relations go as unlinks do

    relations.remove_with(ctx, row["org_id"], "SELECT id FROM tickets WHERE project_id = ?",
                          project_id)
    ctx.db.run("DELETE FROM projects WHERE id = ?", project_id)
    ctx.audit(row["org_id"], "project", project_id, "delete",
              {"key": row["key"], "cascade": query.cascade})
    return None


_MEMBERS = ("SELECT m.*, u.display_name, u.email FROM project_members m "
            "JOIN users u ON u.id = m.user_id WHERE m.project_id = ?")


def _member(row: dict) -> ProjectMember:
    return ProjectMember(project_id=row["project_id"], user_id=row["user_id"],
                         display_name=row["display_name"], email=row["email"],
                         created_at=row["created_at"])


@op("POST", "/api/v1/projects/{project_id}/members")
def add_member(ctx: Ctx, project_id: str, body: UserRef) -> ProjectMember:
    """Assign an organization member to the project (Member); Reporters then see it."""
    row = load(ctx, project_id, Role.Member)
    require_org_user(ctx, row["org_id"], body.user_id)
    if ctx.db.one("SELECT 1 FROM project_members WHERE project_id = ? AND user_id = ?",
                  project_id, body.user_id):
        raise Conflict("user is already a member of this project")
    ctx.db.insert("project_members", {"project_id": project_id, "user_id": body.user_id,
                                      "org_id": row["org_id"], "created_at": now()})
    ctx.audit(row["org_id"], "project_member", project_id, "create", {"user_id": body.user_id})
    return _member(ctx.db.one(_MEMBERS + " AND m.user_id = ?", project_id, body.user_id))


@op("GET", "/api/v1/projects/{project_id}/members")
def list_members(ctx: Ctx, project_id: str, query: PageQuery) -> Page[ProjectMember]:
    """Users assigned to the project."""
    load(ctx, project_id)
    return keyset(ctx.db, _MEMBERS, (project_id,), query, _member, key="user_id", alias="m")


@op("DELETE", "/api/v1/projects/{project_id}/members/{user_id}")
def remove_member(ctx: Ctx, project_id: str, user_id: str) -> None:
    """Unassign a user from the project (Member)."""
    row = load(ctx, project_id, Role.Member)
    if not ctx.db.run("DELETE FROM project_members WHERE project_id = ? AND user_id = ?",
                      project_id, user_id):
        raise NotFound("user is not a member of this project")
    ctx.audit(row["org_id"], "project_member", project_id, "delete", {"user_id": user_id})
