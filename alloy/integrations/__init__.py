"""The server integrations (SCIM, Slack, GitHub), and whose authority they act with.

Such requests carry their own credential (a static token or a signed payload), not a user's.
Each integration acts in ONE organization — the one its `ALLOY_<NAME>_ORG_ID` names, else the
server's only team organization (personal ones, made by registration, do not count unless
there is nothing else) — as that organization's first Owner (`acting_actor`), and runs
its work as that Owner with `alloy.dispatch.run_as`, so permission checks, RLS on PostgreSQL,
the audit log and webhook events apply to it unchanged.

Modules: `slack` (Slack's signed commands and events), `slack_outbox` (sending queued Slack
messages). The HTTP side of each integration is `alloy.server.integrations`.
"""

from __future__ import annotations

from alloy.actor import Actor, Credential
from alloy.errors import NotConfigured

# integration (its section of Settings) -> (its name in messages, the variable naming its org)
ORG_SETTING = {"scim": ("SCIM", "ALLOY_SCIM_ORG_ID"),
               "slack": ("Slack", "ALLOY_SLACK_ORG_ID"),
               "github": ("the GitHub integration", "ALLOY_GITHUB_ORG_ID")}


def _only_org(db, feature: str, variable: str) -> str:
    """The server's only team org; else, on a server with one org in all, that one."""
    orgs = db.all("SELECT id, personal FROM orgs ORDER BY personal, created_at, id LIMIT 2")
    if len(orgs) == 2 and not orgs[1]["personal"]:
        raise NotConfigured(f"{feature} needs one organization: set {variable} (this server "
                            "has several team organizations)")
    if not orgs or (len(orgs) == 2 and orgs[0]["personal"]):
        raise NotConfigured(f"{feature} needs one organization: set {variable} (this server "
                            f"has {'no' if not orgs else 'only personal'} organizations)")
    return orgs[0]["id"]


def acting_actor(env, integration: str) -> Actor:
    """The Owner `integration` acts as, in its organization; 503 when that is not decided.

    Read before any tenant is known, so it runs in the identity scope, which admits exactly
    the `orgs` and `org_members` lookups needed here and no tenant data.
    """
    from alloy.store import IDENTITY

    feature, variable = ORG_SETTING[integration]
    named = getattr(env.settings, integration).org_id
    with env.store.unit(write=False, scope=IDENTITY) as db:
        if named:
            if db.one("SELECT 1 FROM orgs WHERE id = ?", named) is None:
                raise NotConfigured(f"{variable} names no organization ({named})")
            org_id = named
        else:
            org_id = _only_org(db, feature, variable)
        owner = db.one("SELECT user_id FROM org_members WHERE org_id = ? AND role = 'Owner' "
                       "ORDER BY joined_at, user_id LIMIT 1", org_id)
    if owner is None:
        raise NotConfigured(f"organization {org_id} has no Owner for {feature} to act as")
    return Actor(user_id=owner["user_id"], org_id=org_id,
                 credential=Credential(kind="integration", name=integration))
