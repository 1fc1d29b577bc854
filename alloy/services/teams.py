"""Teams: named groups of organization members that can own projects.

The spec names team create/list/delete and membership without REST paths; they follow the
org-scoped style of labels and workflows: `/api/v1/orgs/{org_id}/teams` to create and list,
`/api/v1/teams/{team_id}` for one team, `/api/v1/teams/{team_id}/members` for membership.
Deleting is Admin (the permission matrix); creating, renaming and membership are Member.
"""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain.page import Page, PageQuery, keyset
from alloy.domain.validate import given
from alloy.domain.values import Role, new_id, now
from alloy.domain.work import Team, TeamDeletePreview, TeamIn, TeamMember, TeamPatch, UserRef
from alloy.errors import Conflict, NotFound
from alloy.ops import op
from alloy.services import guards
from alloy.services.guards import DeleteQuery
from alloy.services.projects import require_org_user


def _team(row: dict) -> Team:
    return Team(id=row["id"], org_id=row["org_id"], name=row["name"],
                description=row["description"], created_at=row["created_at"],
                updated_at=row["updated_at"])


def load(ctx: Ctx, team_id: str, minimum: Role = Role.Viewer) -> dict:
    row = ctx.db.one("SELECT * FROM teams WHERE id = ?", team_id)
    if row is None:
        raise NotFound("team not found")
    ctx.require(row["org_id"], minimum, what="team")
    return row


def _unique_name(ctx: Ctx, org_id: str, name: str, team_id: str = "") -> None:
    if ctx.db.one("SELECT 1 FROM teams WHERE org_id = ? AND name = ? AND id <> ?",
                  org_id, name, team_id):
        raise Conflict(f"a team named '{name}' already exists in this organization")


@op("POST", "/api/v1/orgs/{org_id}/teams")
def create(ctx: Ctx, org_id: str, body: TeamIn) -> Team:
    """Create a team in the organization (Member)."""
    ctx.require(org_id, Role.Member)
    _unique_name(ctx, org_id, body.name)
    t = now()
    row = ctx.db.insert("teams", {"id": new_id(), "org_id": org_id, "name": body.name,
                                  "description": body.description, "created_at": t,
                                  "updated_at": t})
    ctx.audit(org_id, "team", row["id"], "create", {"name": body.name})
    return _team(row)


@op("GET", "/api/v1/orgs/{org_id}/teams")
def list_(ctx: Ctx, org_id: str, query: PageQuery) -> Page[Team]:
    """The organization's teams."""
    ctx.require(org_id)
    return keyset(ctx.db, "SELECT * FROM teams WHERE org_id = ?", (org_id,), query, _team)


@op("GET", "/api/v1/teams/{team_id}")
def get(ctx: Ctx, team_id: str) -> Team:
    """One team by id."""
    return _team(load(ctx, team_id))


@op("PATCH", "/api/v1/teams/{team_id}")
def update(ctx: Ctx, team_id: str, body: TeamPatch) -> Team:
    """Rename a team or change its description (Member)."""
    row = load(ctx, team_id, Role.Member)
    changes = given(body)
    if "name" in changes:
        _unique_name(ctx, row["org_id"], changes["name"], team_id)
    diff = {k: [row[k], v] for k, v in changes.items() if row[k] != v}
    if diff:
        ctx.db.update("teams", {"id": team_id}, {**changes, "updated_at": now()})
        ctx.audit(row["org_id"], "team", team_id, "update", diff)
    return get(ctx, team_id)


@op("DELETE", "/api/v1/teams/{team_id}", scope="admin")
def delete(ctx: Ctx, team_id: str, query: DeleteQuery) -> TeamDeletePreview | None:
    """Delete a team (Admin); with members or projects only with `cascade=true`.

    A cascade removes the memberships and unassigns the team's projects (they are kept).
    """
    row = load(ctx, team_id, Role.Admin)
    counts = guards.check(ctx, "team", team_id, query)
    if counts is not None:
        return TeamDeletePreview(team_id=team_id, dependents=counts)
    ctx.db.run("UPDATE projects SET team_id = NULL WHERE team_id = ?", team_id)
    ctx.db.run("DELETE FROM teams WHERE id = ?", team_id)
    ctx.audit(row["org_id"], "team", team_id, "delete",
              {"name": row["name"], "cascade": query.cascade})
    return None


_MEMBERS = ("SELECT m.*, u.display_name, u.email FROM team_members m "
            "JOIN users u ON u.id = m.user_id WHERE m.team_id = ?")


def _member(row: dict) -> TeamMember:
    return TeamMember(team_id=row["team_id"], user_id=row["user_id"],
                      display_name=row["display_name"], email=row["email"],
                      created_at=row["created_at"])


@op("POST", "/api/v1/teams/{team_id}/members")
def add_member(ctx: Ctx, team_id: str, body: UserRef) -> TeamMember:
    """Add an organization member to the team (Member)."""
    row = load(ctx, team_id, Role.Member)
    require_org_user(ctx, row["org_id"], body.user_id)
    if ctx.db.one("SELECT 1 FROM team_members WHERE team_id = ? AND user_id = ?",
                  team_id, body.user_id):
        raise Conflict("user is already a member of this team")
    ctx.db.insert("team_members", {"team_id": team_id, "user_id": body.user_id,
                                   "org_id": row["org_id"], "created_at": now()})
    ctx.audit(row["org_id"], "team_member", team_id, "create", {"user_id": body.user_id})
    return _member(ctx.db.one(_MEMBERS + " AND m.user_id = ?", team_id, body.user_id))


@op("GET", "/api/v1/teams/{team_id}/members")
def list_members(ctx: Ctx, team_id: str, query: PageQuery) -> Page[TeamMember]:
    """Members of the team."""
    load(ctx, team_id)
    return keyset(ctx.db, _MEMBERS, (team_id,), query, _member, key="user_id", alias="m")


@op("DELETE", "/api/v1/teams/{team_id}/members/{user_id}")
def remove_member(ctx: Ctx, team_id: str, user_id: str) -> None:
    """Remove a user from the team (Member)."""
    row = load(ctx, team_id, Role.Member)
    if not ctx.db.run("DELETE FROM team_members WHERE team_id = ? AND user_id = ?",
                      team_id, user_id):
        raise NotFound("user is not a member of this team")
    ctx.audit(row["org_id"], "team_member", team_id, "delete", {"user_id": user_id})
