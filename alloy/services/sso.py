"""Single sign-on: per-org OIDC providers, discovery with PKCE, and the login callback.

SSO users are created on first login (without a password) and join the org as Members.
"""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import urlencode

from alloy import oidc, outbound
from alloy.context import Ctx
from alloy.domain.identity import TokenPair
from alloy.domain.page import Page, PageQuery, keyset
from alloy.domain.sso import (
    CallbackQuery,
    DiscoverQuery,
    Discovery,
    LoginQuery,
    Provider,
    ProviderIn,
    Redirect,
)
from alloy.domain.values import Role, iso, new_id, now
from alloy.errors import Conflict, Invalid, NotFound, Unauthorized
from alloy.ops import op
from alloy.services import auth, members

STATE_TTL = dt.timedelta(minutes=10)


def _provider(row: dict) -> Provider:
    return Provider(**{f: row[f] for f in Provider.__struct_fields__})


@op("POST", "/api/v1/orgs/{org_id}/identity-providers", scope="admin")
def create_provider(ctx: Ctx, org_id: str, body: ProviderIn) -> Provider:
    """Register the organization's OIDC identity provider (Admin)."""
    ctx.require(org_id, Role.Admin)
    if body.provider_type.lower() != "oidc":
        raise Invalid("only OIDC providers are supported",
                      [{"field": "provider_type", "message": "expected oidc"}])
    for field in ("issuer_url", "authorization_endpoint", "token_endpoint", "jwks_uri"):
        if url := getattr(body, field):
            outbound.check(url, allow_private=_private_ok(ctx), field=field)
    if ctx.db.one("SELECT 1 FROM identity_providers WHERE org_id = ?", org_id):
        raise Conflict("this organization already has an identity provider")
    t = now()
    row = ctx.db.insert("identity_providers", {
        "id": new_id(), "org_id": org_id, "provider_type": "oidc",
        "provider_name": body.provider_name, "issuer_url": body.issuer_url.rstrip("/"),
        "client_id": body.client_id, "client_secret": body.client_secret,
        "authorization_endpoint": body.authorization_endpoint,
        "token_endpoint": body.token_endpoint, "jwks_uri": body.jwks_uri,
        "created_at": t, "updated_at": t})
    ctx.audit(org_id, "identity_provider", row["id"], "create",
              {"issuer_url": row["issuer_url"], "client_id": body.client_id})
    return _provider(row)


@op("GET", "/api/v1/orgs/{org_id}/identity-providers", scope="admin")
def list_providers(ctx: Ctx, org_id: str, query: PageQuery) -> Page[Provider]:
    """The organization's identity provider, secrets withheld (Admin)."""
    ctx.require(org_id, Role.Admin)
    return keyset(ctx.db, "SELECT * FROM identity_providers WHERE org_id = ?", (org_id,), query,
                  _provider)


@op("DELETE", "/api/v1/orgs/{org_id}/identity-providers/{provider_id}", scope="admin")
def delete_provider(ctx: Ctx, org_id: str, provider_id: str) -> None:
    """Remove the organization's identity provider (Admin)."""
    ctx.require(org_id, Role.Admin)
    if not ctx.db.run("DELETE FROM identity_providers WHERE id = ? AND org_id = ?",
                      provider_id, org_id):
        raise NotFound("identity provider not found")
    ctx.audit(org_id, "identity_provider", provider_id, "delete")


def _private_ok(ctx: Ctx) -> bool:
    return ctx.settings.server.allow_private_urls


def _endpoints(ctx: Ctx, row: dict) -> dict:
    """Fill in endpoints from the provider's discovery document once, then keep them."""
    if row["authorization_endpoint"] and row["token_endpoint"] and row["jwks_uri"]:
        return row
    doc = oidc.discover(row["issuer_url"], allow_private=_private_ok(ctx))
    found = {k: row[k] or doc[k] for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")}
    with ctx.transaction():
        ctx.db.update("identity_providers", {"id": row["id"]}, {**found, "updated_at": now()})
    return {**row, **found}


def _redirect_uri(ctx: Ctx) -> str:
    return ctx.settings.server.base_url + "/api/v1/auth/sso/callback"


def _start(ctx: Ctx, org_id: str) -> Discovery:
    with ctx.transaction(write=False):
        row = ctx.db.one("SELECT * FROM identity_providers WHERE org_id = ?", org_id)
    if row is None:
        raise NotFound("SSO is not configured for this organization")
    row = _endpoints(ctx, row)
    verifier, challenge = oidc.pkce_pair()
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(16)
    with ctx.transaction():
        ctx.db.insert("sso_states", {
            "state": state, "org_id": org_id, "code_verifier": verifier, "nonce": nonce,
            "created_at": now(), "expires_at": iso(dt.datetime.now(dt.UTC) + STATE_TTL),
            "used_at": None})
    params = {"response_type": "code", "client_id": row["client_id"],
              "redirect_uri": _redirect_uri(ctx), "scope": "openid email profile",
              "state": state, "nonce": nonce, "code_challenge": challenge,
              "code_challenge_method": "S256"}
    return Discovery(authorization_url=f"{row['authorization_endpoint']}?{urlencode(params)}",
                     state=state)


@op("GET", "/api/v1/auth/sso/discover", auth=False, tx=False, errors=(404, 503))
def discover(ctx: Ctx, query: DiscoverQuery) -> Discovery:
    """The identity provider's authorization URL (with PKCE) and the state to expect back."""
    return _start(ctx, query.org_id)


@op("GET", "/api/v1/auth/sso/login", auth=False, tx=False, status=302, errors=(404, 503))
def login(ctx: Ctx, query: LoginQuery) -> Redirect:
    """Browser entry point: redirect to the identity provider of the org with this slug."""
    with ctx.transaction(write=False):
        org_id = ctx.db.value("SELECT id FROM orgs WHERE slug = ?", query.org)
    if org_id is None:
        raise NotFound("organization not found")
    return Redirect(location=_start(ctx, org_id).authorization_url)


@op("GET", "/api/v1/auth/sso/callback", auth=False, tx=False, errors=(401, 404, 503))
def callback(ctx: Ctx, query: CallbackQuery) -> TokenPair:
    """Finish SSO: exchange the code, validate the ID token, sign the user in."""
    with ctx.transaction():
        pending = ctx.db.one("SELECT * FROM sso_states WHERE state = ?", query.state)
        if pending is None or pending["used_at"] or pending["expires_at"] < now():
            raise Unauthorized("unknown, used or expired SSO state")
        ctx.db.update("sso_states", {"state": query.state}, {"used_at": now()})
        provider = ctx.db.one("SELECT * FROM identity_providers WHERE org_id = ?",
                              pending["org_id"])
    if provider is None:
        raise NotFound("SSO is not configured for this organization")
    provider = _endpoints(ctx, provider)
    allow = _private_ok(ctx)
    tokens = oidc.exchange(provider, query.code, pending["code_verifier"], _redirect_uri(ctx),
                           allow_private=allow)
    claims = oidc.verify_id_token(provider, tokens["id_token"], pending["nonce"],
                                  allow_private=allow)
    email = claims["email"].strip().lower()
    with ctx.transaction():
        user = ctx.db.one("SELECT * FROM users WHERE email = ?", email)
        if user is None:
            user = auth.create_user(ctx, email, None, claims.get("name") or email.split("@")[0])
        org_id = pending["org_id"]
        if ctx.role_in_db(org_id, user["id"]) is None:
            members.add_member(ctx, org_id, user["id"], Role.Member, via="sso")
        return auth.issue_tokens(ctx, user, org_id)
