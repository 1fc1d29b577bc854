"""SCIM Groups (RFC 7643 §4.2): the SCIM organization's teams, with their members.

Each endpoint is an operation declared `via="scim"` (see `alloy.services.scim`); membership
changes go through `teams.add_member`/`remove_member`, so the teams API sees them at once.
"""

from __future__ import annotations

from alloy import ops
from alloy.context import Ctx
from alloy.domain import scim as S
from alloy.domain.validate import convert
from alloy.domain.work import TeamIn, TeamPatch, UserRef
from alloy.errors import Invalid
from alloy.services import scim_attrs, teams
from alloy.services.guards import DeleteQuery

GROUP_FILTERS = {"displayname": "name", "id": "id", "externalid": "external_id"}

_TEAMS = ("SELECT * FROM (SELECT t.*, a.external_id FROM teams t LEFT JOIN scim_attributes a "
          "ON a.org_id = t.org_id AND a.resource_id = t.id WHERE t.org_id = ?) scim_groups")


def _group(ctx: Ctx, row: dict, query: dict | None = None) -> dict:
    base = ctx.settings.server.base_url
    out = {"schemas": [S.GROUP], "id": row["id"], "displayName": row["name"]}
    if row.get("external_id") is not None:
        out["externalId"] = row["external_id"]
    if "members" in S.projected({"members": 1}, query):  # skip the query when not wanted
        rows = ctx.db.all("SELECT m.user_id, u.display_name FROM team_members m "
                          "JOIN users u ON u.id = m.user_id WHERE m.team_id = ? "
                          "ORDER BY m.user_id", row["id"])
        out["members"] = [{"value": r["user_id"], "display": r["display_name"],
                           "$ref": f"{base}/scim/v2/Users/{r['user_id']}", "type": "User"}
                          for r in rows]
    out["meta"] = {"resourceType": "Group", "created": row["created_at"],
                   "lastModified": row["updated_at"],
                   "location": f"{base}/scim/v2/Groups/{row['id']}"}
    return S.projected(out, query)


def _team_row(ctx: Ctx, org_id: str, team_id: str) -> dict:
    row = ctx.db.one(_TEAMS + " WHERE id = ?", org_id, team_id)
    if row is None:
        raise S.ScimError(f"group {team_id} not found", None, 404)
    return row


@ops.op("GET", "/scim/v2/Groups", via="scim")
def list_groups(ctx: Ctx, query: dict) -> dict:
    """List groups (filter=displayName eq "...", startIndex, count, attributes,
    excludedAttributes)."""
    org_id = ctx.actor.org_id  # the SCIM organization
    found = S.parse_filter(query.get("filter"), GROUP_FILTERS)
    start, count = S.page_args(query.get("startIndex"), query.get("count"))
    where, params = "", [org_id]
    if found:
        where, params = f" WHERE {found[0]} = ?", [*params, found[1]]
    total = ctx.db.value("SELECT COUNT(*) FROM (" + _TEAMS + where + ") n", *params)
    rows = ctx.db.all(_TEAMS + where + " ORDER BY id LIMIT ? OFFSET ?",
                      *params, count, start - 1) if count else []
    return S.list_response([_group(ctx, r, query) for r in rows], total, start)


@ops.op("POST", "/scim/v2/Groups/.search", via="scim", status=200)
def search_groups(ctx: Ctx, body: object) -> dict:
    """A query sent as a SearchRequest body (RFC 7644 §3.4.3)."""
    return list_groups(ctx, S.search_query(body))


@ops.op("GET", "/scim/v2/Groups/{team_id}", via="scim")
def get_group(ctx: Ctx, team_id: str, query: dict) -> dict:
    """One group (attributes, excludedAttributes)."""
    org_id = ctx.actor.org_id  # the SCIM organization
    return _group(ctx, _team_row(ctx, org_id, team_id), query)


def _add(ctx: Ctx, team_id: str, user_ids: list[str]) -> None:
    for user_id in user_ids:
        if not ctx.db.one("SELECT 1 FROM team_members WHERE team_id = ? AND user_id = ?",
                          team_id, user_id):
            teams.add_member(ctx, team_id, _ref(user_id))


def _ref(user_id: str) -> UserRef:
    try:
        return convert(UserRef, {"user_id": user_id})
    except Invalid:
        raise S.ScimError(f"member {user_id!r} is not a user id", "invalidValue") from None


def _remove(ctx: Ctx, team_id: str, user_ids: list[str]) -> None:
    for user_id in user_ids:
        if ctx.db.one("SELECT 1 FROM team_members WHERE team_id = ? AND user_id = ?",
                      team_id, user_id):
            teams.remove_member(ctx, team_id, user_id)


def _current(ctx: Ctx, team_id: str) -> list[str]:
    return [r["user_id"] for r in ctx.db.all(
        "SELECT user_id FROM team_members WHERE team_id = ?", team_id)]


def _set_members(ctx: Ctx, team_id: str, wanted: list[str]) -> None:
    _remove(ctx, team_id, [u for u in _current(ctx, team_id) if u not in wanted])
    _add(ctx, team_id, wanted)


def _rename(ctx: Ctx, team_id: str, value: object) -> None:
    name = S.as_text(value, "displayName")
    teams.update(ctx, team_id, convert(TeamPatch, {"name": name}))


@ops.op("POST", "/scim/v2/Groups", via="scim")
def create_group(ctx: Ctx, body: object) -> dict:
    """Create a team named `displayName` with the given members (organization members)."""
    org_id = ctx.actor.org_id  # the SCIM organization
    payload = S.require_object(body)
    name = S.as_text(payload.get("displayname"), "displayName")
    members = S.member_ids(payload.get("members") or [])
    external = scim_attrs.external_id(payload.get("externalid"))
    team = teams.create(ctx, org_id, convert(TeamIn, {"name": name}))
    _add(ctx, team.id, members)
    if external is not None:
        scim_attrs.save(ctx, org_id, team.id, {"external_id": external})
    return get_group(ctx, team.id, {})


@ops.op("PUT", "/scim/v2/Groups/{team_id}", via="scim")
def replace_group(ctx: Ctx, team_id: str, body: object) -> dict:
    """Replace a group (RFC 7644 §3.5.1): its name, exactly these members, its externalId."""
    org_id = ctx.actor.org_id  # the SCIM organization
    row = _team_row(ctx, org_id, team_id)
    payload = S.require_object(body)
    name = S.as_text(payload.get("displayname"), "displayName")
    if name != row["name"]:
        _rename(ctx, team_id, name)
    _set_members(ctx, team_id, S.member_ids(payload.get("members") or []))
    scim_attrs.save(ctx, org_id, team_id,
                    {"external_id": scim_attrs.external_id(payload.get("externalid"))})
    return get_group(ctx, team_id, {})


@ops.op("PATCH", "/scim/v2/Groups/{team_id}", via="scim")
def patch_group(ctx: Ctx, team_id: str, body: object) -> dict:
    """Apply PatchOp operations: replace displayName or externalId; add, remove or replace
    members."""
    org_id = ctx.actor.org_id  # the SCIM organization
    _team_row(ctx, org_id, team_id)
    for op, path, value in S.operations(body):
        if op == "remove":
            one = S.member_filter(path)
            if one is not None:
                _remove(ctx, team_id, [one])
            elif S.attr_name(path) == "members":  # a value list removes those, none all
                _remove(ctx, team_id, S.member_ids(value) if value is not None
                        else _current(ctx, team_id))
            elif S.attr_name(path) == "externalid":
                scim_attrs.save(ctx, org_id, team_id, {"external_id": None})
            else:
                raise S.ScimError(f"{path} cannot be removed", "mutability")
            continue
        for attr, v in S.attributes(path, value).items():
            if attr == "displayname":
                _rename(ctx, team_id, v)
            elif attr == "externalid":
                scim_attrs.save(ctx, org_id, team_id, {"external_id": scim_attrs.external_id(v)})
            elif attr == "members" and op == "add":
                _add(ctx, team_id, S.member_ids(v))
            elif attr == "members":  # replace: exactly these members
                _set_members(ctx, team_id, S.member_ids(v))
            elif attr not in ("id", "schemas", "meta"):
                raise S.ScimError(f"unsupported attribute {attr!r}", "invalidPath")
    return get_group(ctx, team_id, {})


@ops.op("DELETE", "/scim/v2/Groups/{team_id}", via="scim")
def delete_group(ctx: Ctx, team_id: str) -> None:
    """Delete the team with its memberships (its projects are kept, unassigned)."""
    org_id = ctx.actor.org_id  # the SCIM organization
    _team_row(ctx, org_id, team_id)
    teams.delete(ctx, team_id, DeleteQuery(cascade=True))
    scim_attrs.forget(ctx, org_id, team_id)
