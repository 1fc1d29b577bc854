"""POST /api/v1/integrations/github/webhook: GitHub's signed pull request events.

No Bearer token: GitHub signs the raw body with the shared ALLOY_GITHUB_WEBHOOK_SECRET
(`X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`), checked here in constant time before
anything is parsed. The rules live in `alloy.services.github`.
"""

from __future__ import annotations

import hashlib
import hmac

from alloy.server.integrations import Signed
from anyio import to_thread
from litestar import Request

from alloy.errors import BadRequest, NotConfigured, Unauthorized


def verify(secret: str, raw: bytes, header: str | None) -> None:
    """Raise Unauthorized unless `header` is the body's signature under `secret`."""
    if not header:
        raise Unauthorized("missing X-Hub-Signature-256 header")
    expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), header.strip().encode()):
        raise Unauthorized("X-Hub-Signature-256 does not match the payload")


async def _webhook(env, request: Request) -> dict:
    from alloy.services import github

    secret = env.settings.github.webhook_secret
    if not secret:
        raise NotConfigured("the GitHub integration is not configured: set "
                            "ALLOY_GITHUB_WEBHOOK_SECRET")
    raw = await request.body()
    verify(secret, raw, request.headers.get("x-hub-signature-256"))
    event = request.headers.get("x-github-event")
    if not event:
        raise BadRequest("missing X-GitHub-Event header")
    return await to_thread.run_sync(github.handle, env, event.strip(), raw)


ENDPOINTS = (Signed(
    name="github.webhook", path="/api/v1/integrations/github/webhook",
    summary="Move the tickets a pull request names (opened/reopened, merged, closed)",
    signer="GitHub signs the raw body with the webhook secret.",
    headers=(("X-Hub-Signature-256", "sha256= + hex HMAC-SHA256 of the body"),
             ("X-GitHub-Event", "pull_request (ping answers ok)")),
    media_type="application/json", body={"type": "object", "additionalProperties": True},
    answer={"type": "object", "required": ["status"], "properties": {
        "status": {"type": "string"}, "reason": {"type": "string"},
        "ticket_refs_found": {"type": "array", "items": {"type": "string"}},
        "transitions": {"type": "array", "items": {"type": "object"}},
        "not_found": {"type": "array", "items": {"type": "string"}},
        "failed": {"type": "array", "items": {"type": "object"}}}},
    handle=_webhook),)
