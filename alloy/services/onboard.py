"""First-run setup: the first user, their organization and an admin API key in one step."""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain.identity import Onboarded, OnboardIn, OnboardStatus
from alloy.errors import Conflict
from alloy.ops import op
from alloy.security import hash_password
from alloy.services import apikeys, auth, orgs


@op("GET", "/api/v1/onboard", auth=False)
def status(ctx: Ctx) -> OnboardStatus:
    """Whether this server still needs its first user."""
    return OnboardStatus(needs_onboarding=ctx.db.one("SELECT 1 FROM users LIMIT 1") is None)


@op("POST", "/api/v1/onboard", auth=False, tx=False)
def run(ctx: Ctx, body: OnboardIn) -> Onboarded:
    """Create the first organization, its Owner and an admin API key (once only)."""
    password_hash = hash_password(body.password, ctx.settings.auth.password_hashing)
    with ctx.transaction():
        ctx.db.lock_table("orgs")  # two first runs at once: the second sees the first's org
        if ctx.db.one("SELECT 1 FROM orgs LIMIT 1"):
            raise Conflict("onboarding was already completed")
        name = body.display_name or body.email.split("@")[0]
        user = auth.create_user(ctx, body.email, password_hash, name)
        org = orgs.insert_org(ctx, body.org_name, body.org_slug, user["id"])
        key = apikeys.create_key(ctx, org["id"], user["id"], "onboarding",
                                 ["read", "write", "admin"], [], None)
        tokens = auth.issue_tokens(ctx, user, org["id"])
    return Onboarded(org_id=org["id"], user_id=user["id"], email=user["email"], api_key=key.key,
                     api_key_prefix=key.key_prefix, access_token=tokens.access_token,
                     refresh_token=tokens.refresh_token)
