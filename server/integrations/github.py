"""POST /api/v1/integrations/github/webhook: GitHub's signed pull request events.

No Bearer token: GitHub signs the raw body with the shared ALLOY_GITHUB_WEBHOOK_SECRET
(`X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`), checked here in constant time before
anything is parsed. The rules live in `alloy.services.github`.
"""

from __future__ import annotations

import hashlib
import hmac
import os

import msgspec
from anyio import to_thread
from litestar import Request, Response, route

from alloy.errors import AlloyError, BadRequest, NotConfigured, Unauthorized

PATH = "/api/v1/integrations/github/webhook"


def verify(secret: str, raw: bytes, header: str | None) -> None:
    """Raise Unauthorized unless `header` is the body's signature under `secret`."""
    if not header:
        raise Unauthorized("missing X-Hub-Signature-256 header")
    expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), header.strip().encode()):
        raise Unauthorized("X-Hub-Signature-256 does not match the payload")


_ERROR = {"$ref": "#/components/responses/Error"}
# A Litestar route, not an operation: its OpenAPI entry is written here.
OPENAPI = {PATH: {"post": {
    "operationId": "github.webhook", "tags": ["github"],
    "summary": "Move the tickets a pull request names (opened/reopened, merged, closed)",
    "description": "No Bearer auth: GitHub signs the raw body with the webhook secret.",
    "parameters": [
        {"name": "X-Hub-Signature-256", "in": "header", "required": True,
         "schema": {"type": "string"}, "description": "sha256= + hex HMAC-SHA256 of the body"},
        {"name": "X-GitHub-Event", "in": "header", "required": True,
         "schema": {"type": "string"}, "description": "pull_request (ping answers ok)"}],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "additionalProperties": True}}}},
    "responses": {
        "200": {"description": "What was done", "content": {"application/json": {"schema": {
            "type": "object", "required": ["status"], "properties": {
                "status": {"type": "string"},
                "ticket_refs_found": {"type": "array", "items": {"type": "string"}},
                "transitions": {"type": "array", "items": {"type": "object"}}}}}}},
        "400": _ERROR, "401": _ERROR, "503": _ERROR}}}}


def routes(env) -> list:
    def _error(err: AlloyError) -> Response:
        return Response(content=msgspec.json.encode(err.envelope()), status_code=err.status,
                        media_type="application/json")

    @route(PATH, http_method=["POST"], include_in_schema=False, name="github.webhook")
    async def github_webhook(request: Request) -> Response:
        from alloy.services import github

        try:
            secret = os.environ.get("ALLOY_GITHUB_WEBHOOK_SECRET")
            if not secret:
                raise NotConfigured("the GitHub integration is not configured: set "
                                    "ALLOY_GITHUB_WEBHOOK_SECRET")
            raw = await request.body()
            verify(secret, raw, request.headers.get("x-hub-signature-256"))
            event = request.headers.get("x-github-event")
            if not event:
                raise BadRequest("missing X-GitHub-Event header")
            result = await to_thread.run_sync(github.handle, env, event.strip(), raw)
        except AlloyError as err:
            return _error(err)
        return Response(content=msgspec.json.encode(result), status_code=200,
                        media_type="application/json")

    return [github_webhook]
