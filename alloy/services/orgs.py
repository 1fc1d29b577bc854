"""Organizations (tenants) and their members."""

from __future__ import annotations

import re

from alloy.context import Ctx
from alloy.domain.identity import MemberIn, Membership, Org, OrgIn, OrgPatch, RolePatch
from alloy.domain.page import Page, PageQuery, keyset
from alloy.domain.validate import given
from alloy.domain.values import Role, new_id, now
from alloy.errors import Conflict, Forbidden, Invalid, NotFound
from alloy.ops import op
from alloy.services import guards, members


def insert_org(ctx: Ctx, name: str, slug: str, owner_id: str, *, personal: bool = False) -> dict:
    """Create an org with its owner; every path that makes an org comes through here."""
    if ctx.db.one("SELECT 1 FROM orgs WHERE slug = ?", slug):
        raise Conflict(f"an organization with slug '{slug}' already exists")
    t = now()
    row = ctx.db.insert("orgs", {"id": new_id(), "name": name, "slug": slug,
                                 "personal": int(personal), "created_at": t, "updated_at": t})
    ctx.audit(row["id"], "org", row["id"], "create", {"name": name, "slug": slug})
    members.add_member(ctx, row["id"], owner_id, Role.Owner, via="founder")
    from alloy.services import workflows  # only a new org needs one

    workflows.create_default(ctx, row["id"])
    return row


PERSONAL = "~"  # a personal org's slug starts with it: no OrgIn slug can (see insert_personal)


def insert_personal(ctx: Ctx, display_name: str, email: str, owner_id: str) -> dict:
    """The personal organization registration gives an account: `~<email local part>`.

    Its slug is of a form no one can ask for, so it never takes a slug a team will want
    (`POST /orgs {"slug": "alice"}` must not collide with alice@'s own workspace), and
    `personal` lets the rules that pick "the" org of a user or server pass over it.
    """
    return insert_org(ctx, f"{display_name}'s Workspace",
                      unique_slug(ctx, email.split("@")[0], prefix=PERSONAL), owner_id,
                      personal=True)


def working_org(ctx: Ctx, named: str | None, why: str, name_it: str) -> str:
    """The one org a request works in when it names none (a report, a new API key).

    `named` if given; an API key's own org; the org the request named (X-Alloy-Org-Id,
    ALLOY_ORG_ID), personal or not; else the active org (the token's, the CLI's `org
    switch`) when it is a team org; else the user's only team org (a fresh registration's
    active org is its personal one, and the guides go on in the org they created next);
    else, with no team org at all, the personal org. A user in several team orgs with none
    active gets 422 listing them: `why` says why one is needed and `name_it` how to name it.
    """
    if named or ctx.actor.is_api_key or ctx.actor.org_named:
        return ctx.org_of(named)
    mine = ctx.db.all("SELECT o.id, o.name, o.slug, o.personal FROM orgs o JOIN org_members m "
                      "ON m.org_id = o.id WHERE m.user_id = ? ORDER BY o.created_at, o.id",
                      ctx.user_id)
    team = [o for o in mine if not o["personal"]]
    active = ctx.actor.org_id
    for candidates in ([o for o in team if o["id"] == active], team,
                       [o for o in mine if o["id"] == active] if not team else [], mine):
        if len(candidates) == 1:
            return candidates[0]["id"]
    raise Invalid(f"org_id is required: {why} and you belong to {len(team)} (switch to one "
                  f"with `alloy org switch`, or {name_it})",
                  [{"field": "org_id", "message": f"{o['name']} ({o['slug']}, {o['id']})"}
                   for o in team])


def unique_slug(ctx: Ctx, text: str, prefix: str = "") -> str:
    base = prefix + (re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "workspace")
    slug, n = base, 1
    while ctx.db.one("SELECT 1 FROM orgs WHERE slug = ?", slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _org(row: dict) -> Org:
    return Org(id=row["id"], name=row["name"], slug=row["slug"], personal=bool(row["personal"]),
               created_at=row["created_at"], updated_at=row["updated_at"])


@op("POST", "/api/v1/orgs")
def create(ctx: Ctx, body: OrgIn) -> Org:
    """Create an organization; its creator becomes its Owner."""
    return _org(insert_org(ctx, body.name, body.slug, ctx.user_id))


@op("GET", "/api/v1/orgs")
def list_(ctx: Ctx, query: PageQuery) -> Page[Org]:
    """The organizations the caller belongs to."""
    sql, params = ("SELECT o.* FROM orgs o JOIN org_members m ON m.org_id = o.id "
                   "WHERE m.user_id = ?", (ctx.user_id,))
    if ctx.key_org:
        sql, params = sql + " AND o.id = ?", (*params, ctx.key_org)
    return keyset(ctx.db, sql, params, query, _org, alias="o")


@op("GET", "/api/v1/orgs/{org_id}")
def get(ctx: Ctx, org_id: str) -> Org:
    """One organization the caller belongs to."""
    ctx.require(org_id)
    return _org(ctx.db.one("SELECT * FROM orgs WHERE id = ?", org_id))


@op("PATCH", "/api/v1/orgs/{org_id}", scope="admin")
def update(ctx: Ctx, org_id: str, body: OrgPatch) -> Org:
    """Rename an organization or change its slug (Owner)."""
    ctx.require(org_id, Role.Owner)
    changes = given(body)
    if "slug" in changes and ctx.db.one("SELECT 1 FROM orgs WHERE slug = ? AND id <> ?",
                                        changes["slug"], org_id):
        raise Conflict(f"an organization with slug '{changes['slug']}' already exists")
    if changes:
        ctx.db.update("orgs", {"id": org_id}, {**changes, "updated_at": now()})
        ctx.audit(org_id, "org", org_id, "update", changes)
    return get(ctx, org_id)


def _member(row: dict) -> Membership:
    return Membership(user_id=row["user_id"], org_id=row["org_id"],
                      display_name=row["display_name"], email=row["email"],
                      role=Role(row["role"]), joined_at=row["joined_at"])


_MEMBERS = ("SELECT m.*, u.display_name, u.email FROM org_members m "
            "JOIN users u ON u.id = m.user_id WHERE m.org_id = ?")


def membership(ctx: Ctx, org_id: str, user_id: str) -> Membership:
    return _member(ctx.db.one(_MEMBERS + " AND m.user_id = ?", org_id, user_id))


def _grantable(ctx: Ctx, org_id: str, role: Role) -> Role:
    """The caller's role, if they may grant `role` here (Admin and above, up to their own)."""
    mine = ctx.require(org_id, Role.Admin)
    members.may_grant(mine, role)
    return mine


@op("POST", "/api/v1/orgs/{org_id}/members", scope="admin")
def add_member(ctx: Ctx, org_id: str, body: MemberIn) -> Membership:
    """Add an existing user to the organization with a role (Admin)."""
    granter = _grantable(ctx, org_id, body.role)
    if body.user_id:
        user = ctx.db.one("SELECT id FROM users WHERE id = ?", body.user_id)
    elif body.email:
        user = ctx.db.one("SELECT id FROM users WHERE email = ?", body.email.lower())
    else:
        raise Invalid("user_id or email is required",
                      [{"field": "user_id", "message": "field required"}])
    if user is None:
        raise NotFound("user not found")
    members.add_member(ctx, org_id, user["id"], body.role, via="api", granter=granter)
    return membership(ctx, org_id, user["id"])


@op("GET", "/api/v1/orgs/{org_id}/members")
def list_members(ctx: Ctx, org_id: str, query: PageQuery) -> Page[Membership]:
    """Members of the organization with their roles."""
    ctx.require(org_id)
    return keyset(ctx.db, _MEMBERS, (org_id,), query, _member, key="user_id", alias="m")


def _one_at_a_time(ctx: Ctx, org_id: str) -> None:
    """Role changes and removals in one org run one after the other (its row locked until
    commit), so "keep one Owner" counts Owners that no concurrent change is demoting."""
    guards.lock(ctx, "orgs", org_id)


def _owners(ctx: Ctx, org_id: str) -> int:
    return ctx.db.value("SELECT COUNT(*) FROM org_members WHERE org_id = ? AND role = 'Owner'",
                        org_id)


def _target(ctx: Ctx, org_id: str, user_id: str) -> Role:
    role = ctx.role_in_db(org_id, user_id)
    if role is None:
        raise NotFound("member not found")
    mine = ctx.role_in(org_id)
    if role.rank > mine.rank:
        raise Forbidden(f"a {mine.value} cannot change a {role.value}")
    return role


@op("PATCH", "/api/v1/orgs/{org_id}/members/{user_id}", scope="admin")
def update_member(ctx: Ctx, org_id: str, user_id: str, body: RolePatch) -> Membership:
    """Change a member's role (Admin; only an Owner makes or unmakes Owners)."""
    _one_at_a_time(ctx, org_id)
    _grantable(ctx, org_id, body.role)
    old = _target(ctx, org_id, user_id)
    if old is Role.Owner and body.role is not Role.Owner and _owners(ctx, org_id) == 1:
        raise Conflict("an organization must keep at least one Owner")
    ctx.db.update("org_members", {"org_id": org_id, "user_id": user_id},
                  {"role": body.role.value})
    ctx.audit(org_id, "org_member", user_id, "update",
              {"role": [old.value, body.role.value]})
    return membership(ctx, org_id, user_id)


@op("DELETE", "/api/v1/orgs/{org_id}/members/{user_id}", scope="admin")
def remove_member(ctx: Ctx, org_id: str, user_id: str) -> None:
    """Remove a member from the organization (Admin)."""
    _one_at_a_time(ctx, org_id)
    ctx.require(org_id, Role.Admin)
    old = _target(ctx, org_id, user_id)
    if old is Role.Owner and _owners(ctx, org_id) == 1:
        raise Conflict("an organization must keep at least one Owner")
    ctx.db.run("DELETE FROM org_members WHERE org_id = ? AND user_id = ?", org_id, user_id)
    ctx.audit(org_id, "org_member", user_id, "delete", {"role": old.value})
