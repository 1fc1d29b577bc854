"""SCIM 2.0 provisioning rules: identity-provider users and groups as Alloy members and teams.

A SCIM User is an Alloy user who belongs to the SCIM organization (`userName` is the email,
`id` the user id); a SCIM Group is one of its teams. Each endpoint is an operation declared
with `via="scim"`: the server's SCIM routes (with their own static bearer token) run it with
`run_as` as the organization's first Owner, through the same services the API uses
(members.add_member, teams.create, ...), so permission checks, RLS on PostgreSQL and the audit
log apply unchanged. Errors are core errors; the server writes them as SCIM Error bodies.

Deactivating a user (`active: false`) suspends their membership: the org_members row leaves
(their JWTs and API keys stop admitting them to this org at once, as role checks read it on
every request) and its role is kept in `scim_suspensions` until they are reactivated. Their
team memberships stay, so reactivation restores access as it was.
"""

from __future__ import annotations

from alloy import ops
from alloy.context import Ctx
from alloy.domain import scim as S
from alloy.domain.validate import convert
from alloy.domain.values import Role, now
from alloy.domain.work import TeamIn, TeamPatch, UserRef
from alloy.errors import Conflict, Invalid
from alloy.services import auth, members, orgs, teams
from alloy.services.guards import DeleteQuery
from alloy.store import IDENTITY


def _keep_owner(fn, *args) -> None:
    """Removing the last Owner is refused (409, but not a uniqueness clash)."""
    try:
        fn(*args)
    except Conflict as err:
        raise S.ScimError(err.message, None, 409) from None


# ---- Users ------------------------------------------------------------------------------

_USERS = ("SELECT * FROM (SELECT u.id, u.email, u.display_name, u.created_at, u.updated_at, "
          "1 AS active FROM org_members m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? "
          "UNION ALL SELECT u.id, u.email, u.display_name, u.created_at, u.updated_at, "
          "0 AS active FROM scim_suspensions s JOIN users u ON u.id = s.user_id "
          "WHERE s.org_id = ? AND NOT EXISTS (SELECT 1 FROM org_members x "
          "WHERE x.org_id = s.org_id AND x.user_id = s.user_id)) scim_users")

USER_FILTERS = {"username": "email", "id": "id", "emails.value": "email", "emails": "email"}


def _user(ctx: Ctx, row: dict) -> dict:
    return {"schemas": [S.USER], "id": row["id"], "userName": row["email"],
            "displayName": row["display_name"], "name": {"formatted": row["display_name"]},
            "emails": [{"value": row["email"], "type": "work", "primary": True}],
            "active": bool(row["active"]),
            "meta": {"resourceType": "User", "created": row["created_at"],
                     "lastModified": row["updated_at"],
                     "location": f"{ctx.settings.server.base_url}/scim/v2/Users/{row['id']}"}}


def _user_row(ctx: Ctx, org_id: str, user_id: str) -> dict:
    row = ctx.db.one(_USERS + " WHERE id = ?", org_id, org_id, user_id)
    if row is None:
        raise S.ScimError(f"user {user_id} not found", None, 404)
    return row


@ops.op("GET", "/scim/v2/Users", via="scim")
def list_users(ctx: Ctx, query: dict) -> dict:
    """List users (filter=userName eq "...", startIndex, count)."""
    org_id = ctx.actor.org_id  # the SCIM organization
    found = S.parse_filter(query.get("filter"), USER_FILTERS)
    start, count = S.page_args(query.get("startIndex"), query.get("count"))
    where, params = "", [org_id, org_id]
    if found:
        value = found[1].lower() if found[0] == "email" else found[1]
        where, params = f" WHERE {found[0]} = ?", [*params, value]
    total = ctx.db.value("SELECT COUNT(*) FROM (" + _USERS + where + ") n", *params)
    rows = ctx.db.all(_USERS + where + " ORDER BY id LIMIT ? OFFSET ?", *params, count,
                      start - 1) if count else []
    return S.list_response([_user(ctx, r) for r in rows], total, start)


@ops.op("GET", "/scim/v2/Users/{user_id}", via="scim")
def get_user(ctx: Ctx, user_id: str) -> dict:
    """One user."""
    org_id = ctx.actor.org_id  # the SCIM organization
    return _user(ctx, _user_row(ctx, org_id, user_id))


def _display_name(payload: dict, email: str) -> str:
    """displayName, else name.formatted, else given + family name, else the email's local part."""
    if payload.get("displayName") is not None:
        return S.as_text(payload["displayName"], "displayName")
    name = payload.get("name") if isinstance(payload.get("name"), dict) else {}
    if isinstance(name.get("formatted"), str) and name["formatted"].strip():
        return name["formatted"].strip()[:255]
    parts = [name.get(k) for k in ("givenName", "familyName")]
    joined = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return joined[:255] or email.split("@")[0]


@ops.op("POST", "/scim/v2/Users", via="scim")
def create_user(ctx: Ctx, body: object) -> dict:
    """Provision a user into the SCIM organization as a Member.

    The account is created if the email is new (no password: they sign in through SSO);
    409 if already provisioned."""
    org_id = ctx.actor.org_id  # the SCIM organization
    payload = S.require_object(body)
    email = S.as_email(payload.get("userName"))
    name = _display_name(payload, email)
    active = S.as_bool(payload.get("active", True), "active")
    user = ctx.db.one("SELECT id FROM users WHERE email = ?", email)
    if user is None:
        user = auth.create_user(ctx, email, None, name)
    elif ctx.db.one(_USERS + " WHERE id = ?", org_id, org_id, user["id"]):
        raise S.ScimError(f"{email} is already provisioned in this organization",
                          "uniqueness", 409)
    _join(ctx, org_id, user["id"], Role.Member)
    if not active:
        _suspend(ctx, org_id, user["id"])
    return get_user(ctx, user["id"])


def _join(ctx: Ctx, org_id: str, user_id: str, role: Role) -> None:
    members.add_member(ctx, org_id, user_id, role, via="scim",
                       granter=ctx.require(org_id, Role.Admin))


def _suspend(ctx: Ctx, org_id: str, user_id: str) -> None:
    role = ctx.role_in_db(org_id, user_id)
    if role is None:
        return  # already inactive
    _keep_owner(orgs.remove_member, ctx, org_id, user_id)
    ctx.db.insert("scim_suspensions", {"org_id": org_id, "user_id": user_id,
                                       "role": role.value, "suspended_at": now()})
    ctx.audit(org_id, "org_member", user_id, "suspend", {"role": role.value, "via": "scim"})


def _reactivate(ctx: Ctx, org_id: str, user_id: str) -> None:
    row = ctx.db.one("SELECT role FROM scim_suspensions WHERE org_id = ? AND user_id = ?",
                     org_id, user_id)
    if row is None:
        return  # already active
    ctx.db.run("DELETE FROM scim_suspensions WHERE org_id = ? AND user_id = ?", org_id, user_id)
    if ctx.role_in_db(org_id, user_id) is None:
        _join(ctx, org_id, user_id, Role(row["role"]))
    ctx.audit(org_id, "org_member", user_id, "reactivate", {"role": row["role"], "via": "scim"})


_IGNORED = {"externalid", "name", "emails", "title", "nickname", "locale", "timezone",
            "preferredlanguage", "usertype", "phonenumbers", "addresses", "schemas", "id",
            "meta", "profileurl"}


def _ignored(attr: str) -> bool:
    """Attributes Alloy does not store are accepted and ignored (providers send many)."""
    head = attr.split(".", 1)[0].split("[", 1)[0]
    return head in _IGNORED or head.startswith("urn:")


@ops.op("PATCH", "/scim/v2/Users/{user_id}", via="scim")
def patch_user(ctx: Ctx, user_id: str, body: object) -> dict:
    """Apply PatchOp operations: active (deactivate/reactivate), displayName, userName."""
    org_id = ctx.actor.org_id  # the SCIM organization
    row = _user_row(ctx, org_id, user_id)
    changes: dict[str, object] = {}
    for op, path, value in S.operations(body):
        if op == "remove":
            if not _ignored(path.lower()):
                raise S.ScimError(f"{path} cannot be removed", "mutability")
            continue
        for attr, v in S.attributes(path, value).items():
            if attr == "active":
                changes["active"] = S.as_bool(v, "active")
            elif attr == "displayname":
                changes["display_name"] = S.as_text(v, "displayName")
            elif attr == "username":
                changes["email"] = S.as_email(v)
            elif not _ignored(attr):
                raise S.ScimError(f"unsupported attribute {attr!r}", "invalidPath")
    return _apply(ctx, org_id, row, changes)


@ops.op("PUT", "/scim/v2/Users/{user_id}", via="scim")
def replace_user(ctx: Ctx, user_id: str, body: object) -> dict:
    """PUT (Okta's profile push): userName, displayName (or name parts) and active."""
    org_id = ctx.actor.org_id  # the SCIM organization
    row = _user_row(ctx, org_id, user_id)
    payload = S.require_object(body)
    email = S.as_email(payload.get("userName"))
    return _apply(ctx, org_id, row, {
        "email": email, "display_name": _display_name(payload, email),
        "active": S.as_bool(payload.get("active", True), "active")})


@ops.op("DELETE", "/scim/v2/Users/{user_id}", via="scim")
def delete_user(ctx: Ctx, user_id: str) -> None:
    """Deprovision for good: leave the organization and its teams (the account is kept)."""
    org_id = ctx.actor.org_id  # the SCIM organization
    _user_row(ctx, org_id, user_id)
    for team in ctx.db.all("SELECT team_id FROM team_members WHERE org_id = ? AND user_id = ?",
                           org_id, user_id):
        teams.remove_member(ctx, team["team_id"], user_id)
    if ctx.role_in_db(org_id, user_id) is not None:
        _keep_owner(orgs.remove_member, ctx, org_id, user_id)
    if ctx.db.run("DELETE FROM scim_suspensions WHERE org_id = ? AND user_id = ?",
                  org_id, user_id):
        ctx.audit(org_id, "org_member", user_id, "delete", {"via": "scim", "was": "suspended"})


def _apply(ctx: Ctx, org_id: str, row: dict, changes: dict) -> dict:
    user_id = row["id"]
    profile = {k: v for k, v in changes.items() if k != "active" and v != row[k]}
    if profile and _elsewhere(ctx, org_id, user_id):
        raise S.ScimError("this account also belongs to other organizations: its userName and "
                          "displayName are its owner's to change, not this directory's",
                          "mutability")
    if "email" in profile and ctx.db.one("SELECT 1 FROM users WHERE email = ? AND id <> ?",
                                         profile["email"], user_id):
        raise S.ScimError(f"another user has the email {profile['email']}", "uniqueness", 409)
    if profile:
        ctx.db.update("users", {"id": user_id}, {**profile, "updated_at": now()})
        ctx.audit(org_id, "user", user_id, "update",
                  {k: [row[k], v] for k, v in profile.items()})
    if changes.get("active") is False:
        _suspend(ctx, org_id, user_id)
    elif changes.get("active") is True:
        _reactivate(ctx, org_id, user_id)
    return get_user(ctx, user_id)


def _elsewhere(ctx: Ctx, org_id: str, user_id: str) -> bool:
    """Whether the account is a member of another org too (users are global: one org's
    directory must not rename, or re-address, a person other orgs know).

    SQLite has no row-level security, so this unit sees every membership; on PostgreSQL the
    acting Owner cannot see orgs they do not share, so a separate identity-scope unit asks.
    """
    sql = "SELECT 1 FROM org_members WHERE user_id = ? AND org_id <> ? LIMIT 1"
    if ctx.db.dialect != "postgres":
        return ctx.db.one(sql, user_id, org_id) is not None
    with ctx.env.store.unit(write=False, scope=IDENTITY) as db:
        return db.one(sql, user_id, org_id) is not None


# ---- Groups -----------------------------------------------------------------------------

GROUP_FILTERS = {"displayname": "name", "id": "id"}


def _group(ctx: Ctx, row: dict, members: bool = True) -> dict:
    out = {"schemas": [S.GROUP], "id": row["id"], "displayName": row["name"]}
    if members:
        rows = ctx.db.all("SELECT m.user_id, u.display_name FROM team_members m "
                          "JOIN users u ON u.id = m.user_id WHERE m.team_id = ? "
                          "ORDER BY m.user_id", row["id"])
        base = ctx.settings.server.base_url
        out["members"] = [{"value": r["user_id"], "display": r["display_name"],
                           "$ref": f"{base}/scim/v2/Users/{r['user_id']}"} for r in rows]
    out["meta"] = {"resourceType": "Group", "created": row["created_at"],
                   "lastModified": row["updated_at"],
                   "location": f"{ctx.settings.server.base_url}/scim/v2/Groups/{row['id']}"}
    return out


def _team_row(ctx: Ctx, org_id: str, team_id: str) -> dict:
    row = ctx.db.one("SELECT * FROM teams WHERE id = ? AND org_id = ?", team_id, org_id)
    if row is None:
        raise S.ScimError(f"group {team_id} not found", None, 404)
    return row


def _no_members(query: dict) -> bool:
    excluded = (query.get("excludedAttributes") or "").lower().replace(" ", "").split(",")
    return "members" in excluded


@ops.op("GET", "/scim/v2/Groups", via="scim")
def list_groups(ctx: Ctx, query: dict) -> dict:
    """List groups (filter=displayName eq "...", startIndex, count, excludedAttributes)."""
    org_id = ctx.actor.org_id  # the SCIM organization
    found = S.parse_filter(query.get("filter"), GROUP_FILTERS)
    start, count = S.page_args(query.get("startIndex"), query.get("count"))
    where, params = " WHERE org_id = ?", [org_id]
    if found:
        where, params = where + f" AND {found[0]} = ?", [*params, found[1]]
    total = ctx.db.value("SELECT COUNT(*) FROM teams" + where, *params)
    rows = ctx.db.all("SELECT * FROM teams" + where + " ORDER BY id LIMIT ? OFFSET ?",
                      *params, count, start - 1) if count else []
    full = not _no_members(query)
    return S.list_response([_group(ctx, r, full) for r in rows], total, start)


@ops.op("GET", "/scim/v2/Groups/{team_id}", via="scim")
def get_group(ctx: Ctx, team_id: str, query: dict) -> dict:
    """One group."""
    org_id = ctx.actor.org_id  # the SCIM organization
    return _group(ctx, _team_row(ctx, org_id, team_id), not _no_members(query))


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


def _rename(ctx: Ctx, team_id: str, value: object) -> None:
    name = S.as_text(value, "displayName")
    teams.update(ctx, team_id, convert(TeamPatch, {"name": name}))


@ops.op("POST", "/scim/v2/Groups", via="scim")
def create_group(ctx: Ctx, body: object) -> dict:
    """Create a team named `displayName` with the given members (organization members)."""
    org_id = ctx.actor.org_id  # the SCIM organization
    payload = S.require_object(body)
    name = S.as_text(payload.get("displayName"), "displayName")
    members = S.member_ids(payload.get("members") or [])
    team = teams.create(ctx, org_id, convert(TeamIn, {"name": name}))
    _add(ctx, team.id, members)
    return get_group(ctx, team.id, {})


@ops.op("PATCH", "/scim/v2/Groups/{team_id}", via="scim")
def patch_group(ctx: Ctx, team_id: str, body: object) -> dict:
    """Apply PatchOp operations: replace displayName; add, remove or replace members."""
    org_id = ctx.actor.org_id  # the SCIM organization
    _team_row(ctx, org_id, team_id)
    for op, path, value in S.operations(body):
        if op == "remove":
            one = S.member_filter(path)
            if one is not None:
                _remove(ctx, team_id, [one])
            elif path.lower() == "members":  # a value list removes those, none removes all
                _remove(ctx, team_id, S.member_ids(value) if value is not None
                        else _current(ctx, team_id))
            elif path.lower() != "externalid":
                raise S.ScimError(f"{path} cannot be removed", "mutability")
            continue
        for attr, v in S.attributes(path, value).items():
            if attr == "displayname":
                _rename(ctx, team_id, v)
            elif attr == "members" and op == "add":
                _add(ctx, team_id, S.member_ids(v))
            elif attr == "members":  # replace: exactly these members
                wanted = S.member_ids(v)
                _remove(ctx, team_id, [u for u in _current(ctx, team_id) if u not in wanted])
                _add(ctx, team_id, wanted)
            elif attr not in ("externalid", "id", "schemas", "meta"):
                raise S.ScimError(f"unsupported attribute {attr!r}", "invalidPath")
    return get_group(ctx, team_id, {})


@ops.op("DELETE", "/scim/v2/Groups/{team_id}", via="scim")
def delete_group(ctx: Ctx, team_id: str) -> None:
    """Delete the team with its memberships (its projects are kept, unassigned)."""
    org_id = ctx.actor.org_id  # the SCIM organization
    _team_row(ctx, org_id, team_id)
    teams.delete(ctx, team_id, DeleteQuery(cascade=True))


@ops.op("GET", "/scim/v2/ServiceProviderConfig", via="scim")
def service_provider_config(ctx: Ctx) -> dict:
    """Supported SCIM features."""
    return S.service_provider_config(ctx.settings.server.base_url)
