"""Registration, login, token refresh with rotation, logout, and resolving credentials."""

from __future__ import annotations

import datetime as dt
import json
import re

from alloy.actor import Actor, Credential
from alloy.context import Ctx
from alloy.domain.identity import EMAIL_PATTERN, LoginIn, Me, RefreshIn, RegisterIn, TokenPair
from alloy.domain.values import iso, new_id, now
from alloy.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from alloy.ops import op
from alloy.security import (
    API_KEY_PREFIX,
    hash_password,
    new_refresh_token,
    sha256,
    verify_password,
)
from alloy.services import invites, orgs


def create_user(ctx: Ctx, email: str, password_hash: str | None,
                display_name: str | None) -> dict:
    """The one way an account is made: registration, SSO, SCIM and imports all come here.

    The password is hashed beforehand, outside the write lock (None: signs in through SSO).
    The email must be an address (422) no account has (409) and is kept lower case; the
    display name is trimmed to 255 characters, else it is the email's local part.
    """
    email = email.strip().lower()
    if len(email) > 320 or not re.match(EMAIL_PATTERN, email):
        raise Invalid(f"invalid email '{email}'",
                      [{"field": "email", "message": "not an email address"}])
    if ctx.db.one("SELECT 1 FROM users WHERE email = ?", email):
        raise Conflict("a user with this email already exists")
    display_name = (display_name or "").strip()[:255] or email.split("@")[0]
    t = now()
    user = ctx.db.insert("users", {"id": new_id(), "email": email, "display_name": display_name,
                                   "password_hash": password_hash,
                                   "created_at": t, "updated_at": t})
    ctx.audit(None, "user", user["id"], "create", {"email": email})
    return user


def issue_tokens(ctx: Ctx, user: dict, org_id: str | None,
                 family_id: str | None = None) -> TokenPair:
    """A fresh access token and a stored (hashed) refresh token for `user`.

    A login starts a family; a rotation continues the family of the token it replaces."""
    refresh = new_refresh_token()
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=ctx.settings.auth.refresh_ttl_days)
    token_id = new_id()
    ctx.db.insert("refresh_tokens", {"id": token_id, "user_id": user["id"], "org_id": org_id,
                                     "token_hash": sha256(refresh), "created_at": now(),
                                     "expires_at": iso(expires), "revoked_at": None,
                                     "family_id": family_id or token_id})
    access = ctx.env.jwt.issue({"sub": user["id"], "email": user["email"], "org_id": org_id})
    return TokenPair(access_token=access, refresh_token=refresh, user_id=user["id"],
                     email=user["email"], display_name=user["display_name"], org_id=org_id)


def default_org(ctx: Ctx, user_id: str) -> str | None:
    return ctx.db.value("SELECT org_id FROM org_members WHERE user_id = ? "
                        "ORDER BY joined_at, org_id LIMIT 1", user_id)


@op("POST", "/api/v1/auth/register", auth=False, tx=False)
def register(ctx: Ctx, body: RegisterIn) -> TokenPair:
    """Create an account; it gets a personal organization, or joins the inviting one."""
    mode = ctx.settings.auth.registration
    if mode == "disabled":
        raise Forbidden("registration is disabled on this server")
    if mode == "invite" and not body.invite_code:
        raise Forbidden("registration is invite-only: a valid invite_code is required")
    password_hash = hash_password(body.password, ctx.settings.auth.password_hashing)
    with ctx.transaction():
        invite = invites.usable(ctx, body.invite_code, body.email) if body.invite_code else None
        if mode == "invite" and invite is None:
            raise Forbidden("registration is invite-only: a valid invite_code is required")
        user = create_user(ctx, body.email, password_hash, body.display_name)
        if invite is not None:
            org_id = invites.accept_row(ctx, invite, user["id"])
        else:
            org_id = orgs.insert_personal(ctx, body.display_name, body.email, user["id"])["id"]
        return issue_tokens(ctx, user, org_id)


@op("POST", "/api/v1/auth/login", auth=False, status=200, tx=False, errors=(401,))
def login(ctx: Ctx, body: LoginIn) -> TokenPair:
    """Exchange email and password for an access token and a refresh token."""
    with ctx.transaction(write=False):
        user = ctx.db.one("SELECT * FROM users WHERE email = ?", body.email.strip().lower())
    stored = user["password_hash"] if user else None  # unknown: a dummy hash, same cost
    if not verify_password(stored, body.password, ctx.settings.auth.password_hashing) \
            or user is None:
        raise Unauthorized("invalid email or password")
    with ctx.transaction():
        return issue_tokens(ctx, user, default_org(ctx, user["id"]))


def _live_refresh(ctx: Ctx, token: str) -> dict | None:
    """The stored row of a usable refresh token, else None (the caller answers 401).

    A revoked token presented again was stolen or replayed (OAuth 2.0 Security BCP): its
    whole family is revoked, so the newer token the thief or the user holds dies too. The
    callers run without a unit of work (`tx=False`) so this revocation commits although
    the request then fails.
    """
    row = ctx.db.locked("SELECT * FROM refresh_tokens WHERE token_hash = ?", sha256(token))
    if row is not None and row["revoked_at"]:
        ctx.db.run("UPDATE refresh_tokens SET revoked_at = ? "
                   "WHERE family_id = ? AND revoked_at IS NULL",
                   now(), row["family_id"] or row["id"])
        return None
    if row is None or row["expires_at"] < now():
        return None
    return row


_REFUSED = "refresh token is invalid, expired or revoked"


@op("POST", "/api/v1/auth/refresh", auth=False, status=200, tx=False, errors=(401,))
def refresh(ctx: Ctx, body: RefreshIn) -> TokenPair:
    """Rotate a refresh token: the old one is revoked, a new pair is returned."""
    with ctx.transaction():
        row = _live_refresh(ctx, body.refresh_token)
        if row is not None:
            ctx.db.update("refresh_tokens", {"id": row["id"]}, {"revoked_at": now()})
            user = ctx.db.one("SELECT * FROM users WHERE id = ?", row["user_id"])
            org_id = row["org_id"]
            if org_id is None or ctx.role_in_db(org_id, user["id"]) is None:
                org_id = default_org(ctx, user["id"])
            return issue_tokens(ctx, user, org_id, row["family_id"] or row["id"])
    raise Unauthorized(_REFUSED)


@op("POST", "/api/v1/auth/logout", auth=False, status=204, tx=False, errors=(401,))
def logout(ctx: Ctx, body: RefreshIn) -> None:
    """Revoke a refresh token so it can never be used again."""
    with ctx.transaction():
        row = _live_refresh(ctx, body.refresh_token)
        if row is not None:
            ctx.db.update("refresh_tokens", {"id": row["id"]}, {"revoked_at": now()})
            return
    raise Unauthorized(_REFUSED)


@op("GET", "/api/v1/auth/me")
def me(ctx: Ctx) -> Me:
    """The caller's identity, current organization, role and key restrictions."""
    a = ctx.actor
    user = ctx.db.one("SELECT display_name, email FROM users WHERE id = ?", a.user_id)
    if user is None:
        raise Unauthorized("user no longer exists")
    role = ctx.role_in(a.org_id) if a.org_id else None
    return Me(user_id=a.user_id, org_id=a.org_id if role else None, email=user["email"],
              display_name=user["display_name"], role=role, scopes=list(a.scopes),
              allowed_project_ids=None if a.allowed_project_ids is None
              else list(a.allowed_project_ids))


SESSION = Credential(kind="session")


def authenticate(env, token: str, org_id: str | None = None) -> Actor:
    """Resolve a bearer credential (JWT or API key) to an Actor, or raise Unauthorized."""
    token = token.strip()
    if token.startswith((API_KEY_PREFIX, "alloy_test_")):
        actor = _api_key_actor(env, token)
        if org_id and org_id != actor.org_id:  # X-Alloy-Org-Id: a key acts in its own org
            raise NotFound("organization not found")
        return actor
    claims = env.jwt.verify(token)
    if not claims or "sub" not in claims:
        raise Unauthorized("invalid or expired token")
    return Actor(user_id=claims["sub"], email=claims.get("email", ""),
                 org_id=org_id or claims.get("org_id"), org_named=bool(org_id),
                 credential=SESSION)


def _api_key_actor(env, token: str) -> Actor:
    from alloy.store import IDENTITY

    with env.store.unit(write=False, scope=IDENTITY) as db:  # found by hash, tenant unknown
        row = db.one("SELECT k.*, u.email FROM api_keys k JOIN users u ON u.id = k.user_id "
                     "WHERE k.key_hash = ?", sha256(token))
    t = now()
    if row is None or row["revoked_at"] or (row["expires_at"] and row["expires_at"] <= t):
        raise Unauthorized("API key is invalid, expired or revoked")
    if not row["last_used_at"] or row["last_used_at"][:16] != t[:16]:
        with env.store.unit(scope=IDENTITY) as db:  # at most one write a minute per key
            db.update("api_keys", {"id": row["id"]}, {"last_used_at": t})
            db.commit()
    projects = json.loads(row["project_ids"])
    return Actor(user_id=row["user_id"], email=row["email"], org_id=row["org_id"],
                 scopes=tuple(json.loads(row["scopes"])),
                 allowed_project_ids=tuple(projects) if projects else None,
                 credential=Credential(kind="api_key", id=row["id"], name=row["name"]))
