"""Invitations: a code and link that let someone join an organization with a role."""

from __future__ import annotations

import datetime as dt

from alloy.context import Ctx
from alloy.domain.identity import AcceptInviteIn, Invite, InviteIn, Membership
from alloy.domain.page import Page, PageQuery, keyset
from alloy.domain.values import Role, iso, new_id, now
from alloy.errors import NotFound
from alloy.ops import op
from alloy.security import new_code
from alloy.services import members


def _status(row: dict) -> str:
    if row["revoked_at"]:
        return "revoked"
    if row["accepted_at"]:
        return "accepted"
    return "expired" if row["expires_at"] <= now() else "pending"


def may_see_code(viewer: Role, invite_role: Role) -> bool:
    """An invite's code is a credential for its role: shown only to who could have made it
    (an Admin or above, granting no role above their own), so listing it grants nothing."""
    return viewer.at_least(Role.Admin) and invite_role.rank <= viewer.rank


def _invite(ctx: Ctx, row: dict, viewer: Role) -> Invite:
    code = row["code"] if may_see_code(viewer, Role(row["role"])) else None
    return Invite(id=row["id"], org_id=row["org_id"], invite_code=code,
                  invite_link=f"{ctx.settings.server.base_url}/join?code={code}" if code else None,
                  email=row["email"], role=Role(row["role"]), created_by=row["created_by"],
                  created_at=row["created_at"], expires_at=row["expires_at"],
                  status=_status(row), accepted_at=row["accepted_at"],
                  revoked_at=row["revoked_at"])


@op("POST", "/api/v1/orgs/{org_id}/invites", scope="admin")
def create(ctx: Ctx, org_id: str, body: InviteIn) -> Invite:
    """Invite someone to the organization with a role (Admin)."""
    role = ctx.require(org_id, Role.Admin)
    members.may_grant(role, body.role)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=ctx.settings.auth.invite_ttl_days)
    row = ctx.db.insert("invites", {
        "id": new_id(), "org_id": org_id, "code": new_code(), "role": body.role.value,
        "email": body.email.lower() if body.email else None, "created_by": ctx.user_id,
        "created_at": now(), "expires_at": iso(expires), "accepted_by": None,
        "accepted_at": None, "revoked_at": None})
    ctx.audit(org_id, "invite", row["id"], "create", {"email": row["email"], "role": row["role"]})
    return _invite(ctx, row, role)


@op("GET", "/api/v1/orgs/{org_id}/invites")
def list_(ctx: Ctx, org_id: str, query: PageQuery) -> Page[Invite]:
    """The organization's invites, newest last, with their status."""
    viewer = ctx.require(org_id)
    if not ctx.has_scope("admin"):  # a key that could not create invites sees no codes
        viewer = Role.Viewer
    return keyset(ctx.db, "SELECT * FROM invites WHERE org_id = ?", (org_id,), query,
                  lambda r: _invite(ctx, r, viewer))


@op("DELETE", "/api/v1/orgs/{org_id}/invites/{invite_id}", scope="admin")
def revoke(ctx: Ctx, org_id: str, invite_id: str) -> None:
    """Revoke an invite so its code no longer works (Admin)."""
    ctx.require(org_id, Role.Admin)
    row = ctx.db.one("SELECT * FROM invites WHERE id = ? AND org_id = ?", invite_id, org_id)
    if row is None:
        raise NotFound("invite not found")
    if not row["revoked_at"]:
        ctx.db.update("invites", {"id": invite_id}, {"revoked_at": now()})
        ctx.audit(org_id, "invite", invite_id, "delete")


def usable(ctx: Ctx, code: str, email: str | None) -> dict | None:
    """The pending invite for `code` (and this email, if the invite names one), else None.

    Locked until commit: of two people accepting one code at once, the second sees it used."""
    row = ctx.db.locked("SELECT * FROM invites WHERE code = ?", code.strip())
    if row is None or _status(row) != "pending":
        return None
    if row["email"] and email and row["email"] != email.strip().lower():
        return None
    return row


def accept_row(ctx: Ctx, invite: dict, user_id: str) -> str:
    """Join the invite's org with its role and mark it used; returns the org id.

    The role was checked against the inviter's when the invite was made."""
    members.add_member(ctx, invite["org_id"], user_id, Role(invite["role"]), via="invite")
    ctx.db.update("invites", {"id": invite["id"]}, {"accepted_by": user_id,
                                                    "accepted_at": now()})
    ctx.audit(invite["org_id"], "invite", invite["id"], "accept", {"user_id": user_id})
    return invite["org_id"]


@op("POST", "/api/v1/invites/accept")
def accept(ctx: Ctx, body: AcceptInviteIn) -> Membership:
    """Accept an invite as an existing user and join its organization."""
    row = usable(ctx, body.invite_code, ctx.actor.email or None)
    if row is None:
        raise NotFound("invite not found, expired, revoked or for another email")
    from alloy.services.orgs import membership

    return membership(ctx, accept_row(ctx, row, ctx.user_id), ctx.user_id)
