"""Whose authority a server integration (SCIM, Slack, GitHub) acts with.

Such requests carry their own credential (a static token or a signed payload), not a user's.
Each integration acts in ONE organization — the one its `ALLOY_<NAME>_ORG_ID` names, else the
server's only organization — as that organization's first Owner, so permission checks, RLS
on PostgreSQL and the audit log apply to it unchanged.
"""

from __future__ import annotations

import os

from alloy.errors import NotConfigured


def acting_owner(env, feature: str, variable: str) -> tuple[str, str]:
    """(org id, owner user id) for `feature`, configured by env `variable`; 503 otherwise.

    Read before any tenant is known, so it runs in the identity scope, which admits exactly
    the `orgs` and `org_members` lookups needed here and no tenant data.
    """
    from alloy.store import IDENTITY

    named = os.environ.get(variable, "").strip()
    with env.store.unit(write=False, scope=IDENTITY) as db:
        if named:
            if db.one("SELECT 1 FROM orgs WHERE id = ?", named) is None:
                raise NotConfigured(f"{variable} names no organization ({named})")
            org_id = named
        else:
            orgs = db.all("SELECT id FROM orgs ORDER BY created_at, id LIMIT 2")
            if len(orgs) != 1:
                raise NotConfigured(f"{feature} needs one organization: set {variable} (this "
                                    f"server has {'no' if not orgs else 'several'} organizations)")
            org_id = orgs[0]["id"]
        owner = db.one("SELECT user_id FROM org_members WHERE org_id = ? AND role = 'Owner' "
                       "ORDER BY joined_at, user_id LIMIT 1", org_id)
    if owner is None:
        raise NotConfigured(f"organization {org_id} has no Owner for {feature} to act as")
    return org_id, owner["user_id"]
