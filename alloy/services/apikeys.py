"""API keys: long-lived, scoped (read < write < admin), optionally project-bound and expiring."""

from __future__ import annotations

import datetime as dt

from alloy.context import Ctx
from alloy.domain.identity import ApiKey, ApiKeyIn
from alloy.domain.page import Page, PageQuery, keyset
from alloy.domain.values import SCOPE_RANK, is_uuid, iso, new_id, now
from alloy.errors import Invalid, NotFound
from alloy.ops import op
from alloy.security import new_api_key, sha256
from alloy.services import orgs
from alloy.store.db import from_json


def _parse_expiry(text: str) -> str:
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("expires_at must be an RFC 3339 date or timestamp",
                      [{"field": "expires_at", "message": "not a date"}]) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if when <= dt.datetime.now(dt.UTC):
        raise Invalid("expires_at must be in the future",
                      [{"field": "expires_at", "message": "in the past"}])
    return iso(when)


def _key(row: dict, secret: str | None = None) -> ApiKey:
    out = ApiKey(id=row["id"], name=row["name"], key_prefix=row["key_prefix"],
                 scopes=from_json(row["scopes"]), project_ids=from_json(row["project_ids"]),
                 created_at=row["created_at"], last_used_at=row["last_used_at"],
                 expires_at=row["expires_at"])
    if secret:
        out.key = secret
    return out


def create_key(ctx: Ctx, org_id: str, user_id: str, name: str, scopes: list[str],
               project_ids: list[str], expires_at: str | None) -> ApiKey:
    secret = new_api_key()
    row = ctx.db.insert("api_keys", {
        "id": new_id(), "user_id": user_id, "org_id": org_id, "name": name,
        "key_hash": sha256(secret), "key_prefix": secret[:15] + "...", "scopes": scopes,
        "project_ids": project_ids, "created_at": now(), "last_used_at": None,
        "expires_at": expires_at, "revoked_at": None})
    ctx.audit(org_id, "api_key", row["id"], "create", {"name": name, "scopes": scopes})
    return _key(row, secret)


@op("POST", "/api/v1/api-keys")
def create(ctx: Ctx, body: ApiKeyIn) -> ApiKey:
    """Create an API key; the full key is shown only in this response."""
    org_id = _org_for(ctx, body.project_ids)
    ctx.require(org_id)
    bad = [s for s in body.scopes if s not in ("read", "write", "admin")]
    if bad or not body.scopes:
        raise Invalid("scopes must be read, write and/or admin",
                      [{"field": "scopes", "message": f"unknown scope {', '.join(bad)}"}])
    if any(not is_uuid(p) for p in body.project_ids):
        raise Invalid("project_ids must be UUIDs",
                      [{"field": "project_ids", "message": "expected UUIDs"}])
    known = {r["id"] for r in ctx.db.all("SELECT id FROM projects WHERE org_id = ?", org_id)}
    if missing := [p for p in body.project_ids if p not in known]:
        raise Invalid(f"no such project in this organization: {', '.join(missing)}",
                      [{"field": "project_ids", "message": f"not found: {p}"} for p in missing])
    mine = max(SCOPE_RANK.get(s, 0) for s in ctx.actor.scopes)
    if max(SCOPE_RANK[s] for s in body.scopes) > mine:
        raise Invalid("a key cannot grant more than the credentials that create it",
                      [{"field": "scopes", "message": "exceeds your scope"}])
    expires = None if body.expires_at is None else _parse_expiry(body.expires_at)
    project_ids, expires = _within_parent(ctx, body.project_ids, expires)
    return create_key(ctx, org_id, ctx.user_id, body.name, sorted(set(body.scopes),
                      key=SCOPE_RANK.get), project_ids, expires)


def _org_for(ctx: Ctx, project_ids: list[str]) -> str:
    """The key's org: for a login that names projects of one org, that org; else the org the
    user works in (`orgs.working_org`: the active team org, or the only one), not the
    personal org of registration that a login's token still carries. A key made by a key
    gets its parent's org."""
    if not ctx.key_org and project_ids and all(is_uuid(p) for p in project_ids):
        marks = ", ".join("?" * len(project_ids))
        found = {r["org_id"] for r in ctx.db.all(
            f"SELECT org_id FROM projects WHERE id IN ({marks})", *project_ids)}
        if len(found) == 1:
            return found.pop()
    return orgs.working_org(ctx, None, "an API key belongs to one organization",
                            "send X-Alloy-Org-Id, or name its project_ids")


def _within_parent(ctx: Ctx, project_ids: list[str], expires: str | None):
    """A key minted by a key is no broader than its parent: its projects, its lifetime.

    Unnamed, they are the parent's; wider, the request is refused (422). Scopes are checked
    above and the org is the parent's own (`ctx.org_of`), so nothing outlives or outreaches
    the credential that made it.
    """
    actor = ctx.actor
    if not actor.is_api_key:
        return project_ids, expires
    allowed = actor.allowed_project_ids
    if allowed is not None:
        if not project_ids:
            project_ids = list(allowed)
        elif set(project_ids) - set(allowed):
            raise Invalid("a key cannot reach projects its creating key cannot",
                          [{"field": "project_ids", "message": "outside your key's projects"}])
    limit = ctx.db.value("SELECT expires_at FROM api_keys WHERE id = ?", actor.api_key_id)
    if limit:
        if expires is None:
            expires = limit
        elif expires > limit:
            raise Invalid("a key cannot outlive the key that creates it",
                          [{"field": "expires_at", "message": f"after {limit}"}])
    return project_ids, expires


@op("GET", "/api/v1/api-keys")
def list_(ctx: Ctx, query: PageQuery) -> Page[ApiKey]:
    """The caller's active API keys (prefix only, never the key)."""
    return keyset(ctx.db, "SELECT * FROM api_keys WHERE user_id = ? AND revoked_at IS NULL",
                  (ctx.user_id,), query, _key)


@op("DELETE", "/api/v1/api-keys/{key_id}")
def revoke(ctx: Ctx, key_id: str) -> None:
    """Revoke one of the caller's API keys; it stops working at once."""
    row = ctx.db.one("SELECT * FROM api_keys WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                     key_id, ctx.user_id)
    # the UPDATE re-checks `revoked_at IS NULL` on the row it locks: revoked once, audited once
    if row is None or not ctx.db.run("UPDATE api_keys SET revoked_at = ? WHERE id = ? "
                                     "AND revoked_at IS NULL", now(), key_id):
        raise NotFound("API key not found")
    ctx.audit(row["org_id"], "api_key", key_id, "delete")
