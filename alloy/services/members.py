"""Organization membership: the one way a user joins an organization.

Every path that admits someone comes through `add_member`: founding an org, the members API,
an accepted invite (or a registration with one), SSO's first sign-in, SCIM provisioning and
reactivation, and an import. So each refuses the same things (a role above the granter's,
an existing member, a person the org's identity provider deactivated through SCIM) and writes
the same audit row: `org_member` `create` `{"role": ..., "via": ...}`.
"""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain.values import Role, now
from alloy.errors import Conflict, Forbidden

VIA = ("founder", "api", "invite", "sso", "scim", "import")


class Suspended(Forbidden):
    """The person was deactivated in this org by SCIM; only SCIM may bring them back."""


def may_grant(granter: Role, role: Role) -> None:
    """Nobody hands out a role above their own."""
    if role.rank > granter.rank:
        raise Forbidden(f"a {granter.value} cannot grant the {role.value} role")


def suspended(ctx: Ctx, org_id: str, user_id: str) -> bool:
    """Whether SCIM deactivated this user in the org (see alloy.services.scim)."""
    return ctx.db.one("SELECT 1 FROM scim_suspensions WHERE org_id = ? AND user_id = ?",
                      org_id, user_id) is not None


def add_member(ctx: Ctx, org_id: str, user_id: str, role: Role, *, via: str,
               granter: Role | None = None) -> None:
    """Make `user_id` a member of `org_id` with `role`, in the caller's transaction.

    `granter` is the role of whoever grants it; None where there is none to check now (a new
    org's founder, a sign-in, an invite whose role was checked when it was issued). SCIM
    lifts a suspension before it re-admits someone, so the check holds for SCIM too.
    """
    assert via in VIA, via
    if granter is not None:
        may_grant(granter, role)
    if ctx.role_in_db(org_id, user_id) is not None:
        raise Conflict("user is already a member of this organization")
    if suspended(ctx, org_id, user_id):
        raise Suspended("access to this organization was deactivated by its identity "
                        "provider (SCIM); it can only be restored there")
    ctx.db.insert("org_members", {"org_id": org_id, "user_id": user_id, "role": role.value,
                                  "joined_at": now()})
    ctx.audit(org_id, "org_member", user_id, "create", {"role": role.value, "via": via})
