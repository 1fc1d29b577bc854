"""SCIM 2.0 provisioning rules: identity-provider users and groups as Alloy members and teams.

A SCIM User is an Alloy user who belongs to the SCIM organization (`userName` is the email,
`id` the user id); a SCIM Group is one of its teams (`scim_groups`); discovery is in
`scim_discovery`, and what the directory says beyond Alloy's own fields (externalId, name
parts, emails) in `scim_attrs`. Each endpoint is an operation declared
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
from alloy.domain.values import Role, now
from alloy.errors import Conflict
from alloy.services import auth, members, orgs, scim_attrs, teams
from alloy.store import IDENTITY


def _keep_owner(fn, *args) -> None:
    """Removing the last Owner is refused (409, but not a uniqueness clash)."""
    try:
        fn(*args)
    except Conflict as err:
        raise S.ScimError(err.message, None, 409) from None


# ---- Users ------------------------------------------------------------------------------

# The org's members (active) and suspended members (inactive), with what the directory said
# about them (scim_attributes). Parameters: the org id three times.
_USERS = ("SELECT * FROM (SELECT su.*, a.external_id, a.formatted, a.given_name, a.family_name, "
          "a.emails AS emails_json FROM (SELECT u.id, u.email, u.display_name, u.created_at, "
          "u.updated_at, 1 AS active FROM org_members m JOIN users u ON u.id = m.user_id "
          "WHERE m.org_id = ? UNION ALL SELECT u.id, u.email, u.display_name, u.created_at, "
          "u.updated_at, 0 AS active FROM scim_suspensions s JOIN users u ON u.id = s.user_id "
          "WHERE s.org_id = ? AND NOT EXISTS (SELECT 1 FROM org_members x "
          "WHERE x.org_id = s.org_id AND x.user_id = s.user_id)) su "
          "LEFT JOIN scim_attributes a ON a.org_id = ? AND a.resource_id = su.id) scim_users")

USER_FILTERS = {"username": "email", "id": "id", "externalid": "external_id",
                "emails.value": "emails", "emails": "emails"}


def _emails(row: dict) -> list[dict]:
    """The directory's emails, else the sign-in address as the primary work email."""
    stored = scim_attrs.stored_emails(row)
    return stored if stored is not None else [
        {"value": row["email"], "type": "work", "primary": True}]


def _user(ctx: Ctx, row: dict, query: dict | None = None) -> dict:
    parts = {"formatted": row["formatted"], "givenName": row["given_name"],
             "familyName": row["family_name"]}
    name = {k: v for k, v in parts.items() if v is not None}  # as the directory gave it
    out = {"schemas": [S.USER], "id": row["id"], "userName": row["email"],
           "displayName": row["display_name"], "emails": _emails(row),
           "active": bool(row["active"])}
    if name:
        out["name"] = name
    if row["external_id"] is not None:
        out["externalId"] = row["external_id"]
    out["meta"] = {"resourceType": "User", "created": row["created_at"],
                   "lastModified": row["updated_at"],
                   "location": f"{ctx.settings.server.base_url}/scim/v2/Users/{row['id']}"}
    return S.projected(out, query)


def _user_row(ctx: Ctx, org_id: str, user_id: str) -> dict:
    row = ctx.db.one(_USERS + " WHERE id = ?", org_id, org_id, org_id, user_id)
    if row is None:
        raise S.ScimError(f"user {user_id} not found", None, 404)
    return row


@ops.op("GET", "/scim/v2/Users", via="scim")
def list_users(ctx: Ctx, query: dict) -> dict:
    """List users (filter=userName eq "...", startIndex, count)."""
    org_id = ctx.actor.org_id  # the SCIM organization
    found = S.parse_filter(query.get("filter"), USER_FILTERS)
    start, count = S.page_args(query.get("startIndex"), query.get("count"))
    params = [org_id, org_id, org_id]
    if found and found[0] == "emails":
        rows = _by_email(ctx, params, found[1].lower(), S.filter_type(query.get("filter")))
        page = rows[start - 1:start - 1 + count]
        return S.list_response([_user(ctx, r, query) for r in page], len(rows), start)
    where = ""
    if found:
        value = found[1].lower() if found[0] == "email" else found[1]
        where, params = f" WHERE {found[0]} = ?", [*params, value]
    total = ctx.db.value("SELECT COUNT(*) FROM (" + _USERS + where + ") n", *params)
    rows = ctx.db.all(_USERS + where + " ORDER BY id LIMIT ? OFFSET ?", *params, count,
                      start - 1) if count else []
    return S.list_response([_user(ctx, r, query) for r in rows], total, start)


def _by_email(ctx: Ctx, params: list, value: str, kind: str | None) -> list[dict]:
    """Users with an email `value` (of type `kind` if given): the JSON list narrows the
    candidates in SQL, the exact match is made here (both dialects, one query)."""
    rows = ctx.db.all(_USERS + " WHERE email = ? OR emails_json LIKE ? ORDER BY id", *params,
                      value, f"%{value}%")
    return [r for r in rows if any(
        e["value"].lower() == value and (kind is None or e.get("type") == kind)
        for e in _emails(r))]


@ops.op("POST", "/scim/v2/Users/.search", via="scim", status=200)
def search_users(ctx: Ctx, body: object) -> dict:
    """A query sent as a SearchRequest body (RFC 7644 §3.4.3)."""
    return list_users(ctx, S.search_query(body))


@ops.op("GET", "/scim/v2/Users/{user_id}", via="scim")
def get_user(ctx: Ctx, user_id: str, query: dict) -> dict:
    """One user (attributes, excludedAttributes)."""
    org_id = ctx.actor.org_id  # the SCIM organization
    return _user(ctx, _user_row(ctx, org_id, user_id), query)


def _display_name(payload: dict, email: str) -> str:
    """displayName, else name.formatted, else given + family name, else the email's local part."""
    if payload.get("displayname") is not None:
        return S.as_text(payload["displayname"], "displayName")
    name = payload.get("name") if isinstance(payload.get("name"), dict) else {}
    if isinstance(name.get("formatted"), str) and name["formatted"].strip():
        return name["formatted"].strip()[:255]
    parts = [name.get(k) for k in ("givenname", "familyname")]
    joined = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return joined[:255] or email.split("@")[0]


def _directory(payload: dict) -> dict:
    """What a whole User resource (POST, PUT) says that Alloy keeps in scim_attributes;
    absent attributes are cleared, as a replacement means."""
    name = payload.get("name")
    if name is not None and not isinstance(name, dict):
        raise S.ScimError("name must be an object")
    name = name or {}
    return {"external_id": scim_attrs.external_id(payload.get("externalid")),
            "formatted": _optional(name.get("formatted"), "name.formatted"),
            "given_name": _optional(name.get("givenname"), "name.givenName"),
            "family_name": _optional(name.get("familyname"), "name.familyName"),
            "emails": scim_attrs.emails(payload["emails"]) if "emails" in payload else None}


def _optional(value: object, what: str) -> str | None:
    return None if value is None else S.as_text(value, what)


@ops.op("POST", "/scim/v2/Users", via="scim")
def create_user(ctx: Ctx, body: object) -> dict:
    """Provision a user into the SCIM organization as a Member.

    The account is created if the email is new (no password: they sign in through SSO);
    409 if already provisioned."""
    org_id = ctx.actor.org_id  # the SCIM organization
    payload = S.require_object(body)
    email = S.as_email(payload.get("username"))
    name = _display_name(payload, email)
    active = S.as_bool(payload.get("active", True), "active")
    directory = _directory(payload)
    user = ctx.db.one("SELECT id FROM users WHERE email = ?", email)
    if user is None:
        user = auth.create_user(ctx, email, None, name)
    elif ctx.db.one(_USERS + " WHERE id = ?", org_id, org_id, org_id, user["id"]):
        raise S.ScimError(f"{email} is already provisioned in this organization",
                          "uniqueness", 409)
    _join(ctx, org_id, user["id"], Role.Member)
    if not active:
        _suspend(ctx, org_id, user["id"])
    scim_attrs.save(ctx, org_id, user["id"], directory)
    return get_user(ctx, user["id"], {})


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


_IGNORED = {"title", "nickname", "locale", "timezone", "preferredlanguage", "usertype",
            "phonenumbers", "addresses", "schemas", "id", "meta", "profileurl",
            "name.middlename", "name.honorificprefix",
            "name.honorificsuffix"}


def _ignored(attr: str) -> bool:
    """Attributes Alloy does not store are accepted and ignored (providers send many)."""
    head = attr.split("[", 1)[0]
    return head in _IGNORED or head.split(".", 1)[0] in _IGNORED or head.startswith("urn:")


_NAME_PARTS = {"name.formatted": "formatted", "name.givenname": "given_name",
               "name.familyname": "family_name"}


@ops.op("PATCH", "/scim/v2/Users/{user_id}", via="scim")
def patch_user(ctx: Ctx, user_id: str, body: object) -> dict:
    """Apply PatchOp operations: active (deactivate/reactivate), displayName, userName,
    externalId, name parts and emails (also `emails[type eq "work"].value`)."""
    org_id = ctx.actor.org_id  # the SCIM organization
    row = _user_row(ctx, org_id, user_id)
    changes: dict[str, object] = {}
    directory: dict[str, object] = {}
    emails = _emails(row)
    for op, path, value in S.operations(body):
        attrs = {S.attr_name(path): None} if op == "remove" else S.attributes(path, value)
        for attr, v in attrs.items():
            parts = ({f"name.{k}": part for k, part in v.items()}  # {"name": {"givenName"..}}
                     if attr == "name" and isinstance(v, dict) else {attr: v})
            for key, item in parts.items():
                emails = _patch_one(op, key, item, changes, directory, emails)
    if directory.pop("emails", None) is not None:
        directory["emails"] = emails
    scim_attrs.save(ctx, org_id, user_id, directory)
    return _apply(ctx, org_id, row, changes)


def _patch_one(op: str, attr: str, v: object, changes: dict, directory: dict,
               emails: list[dict]) -> list[dict]:
    """One attribute of a PATCH into `changes` (the account) or `directory` (what the
    identity provider keeps here); returns the emails as they now stand."""
    typed = S.typed_path(attr)
    if op == "remove" and attr in ("active", "displayname", "username"):
        raise S.ScimError(f"{attr} cannot be removed", "mutability")
    if attr == "active":
        changes["active"] = S.as_bool(v, "active")
    elif attr == "displayname":
        changes["display_name"] = S.as_text(v, "displayName")
    elif attr == "username":
        changes["email"] = S.as_email(v)
    elif attr == "externalid":
        directory["external_id"] = scim_attrs.external_id(v)
    elif attr in _NAME_PARTS:
        directory[_NAME_PARTS[attr]] = _optional(v, attr)
    elif attr == "name" and op == "remove":
        directory.update(dict.fromkeys(_NAME_PARTS.values()))
    elif attr in ("emails", "emails.value") or (typed and typed[0] == "emails"):
        directory["emails"] = True
        if typed:  # the value of the email of that type
            rest = [e for e in emails if e.get("type") != typed[1]]
            if op == "remove":
                return rest
            new = {"value": S.as_email(v, "emails.value"), "type": typed[1]}
            return [*rest, {**new, "primary": True} if not rest else new]
        if op == "remove":
            return []
        given = scim_attrs.emails(v)
        if op == "add":  # adds to the list, replacing an email of the same address
            given = [*(e for e in emails if e["value"] not in {g["value"] for g in given}),
                     *given]
        return scim_attrs.one_primary(given)
    elif not _ignored(attr):
        raise S.ScimError(f"unsupported attribute {attr!r}", "invalidPath")
    return emails


@ops.op("PUT", "/scim/v2/Users/{user_id}", via="scim")
def replace_user(ctx: Ctx, user_id: str, body: object) -> dict:
    """PUT (Okta's profile push): userName, displayName (or name parts), active, externalId,
    name parts and emails; what is absent is cleared."""
    org_id = ctx.actor.org_id  # the SCIM organization
    row = _user_row(ctx, org_id, user_id)
    payload = S.require_object(body)
    email = S.as_email(payload.get("username"))
    directory = _directory(payload)
    scim_attrs.save(ctx, org_id, user_id, directory)
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
    scim_attrs.forget(ctx, org_id, user_id)


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
    return get_user(ctx, user_id, {})


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




from alloy.services import scim_discovery, scim_groups  # noqa: E402, F401  (their operations)
