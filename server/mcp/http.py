"""`alloy-mcp --http HOST:PORT`: streamable HTTP, a Bearer token checked on every request.

The token (an Alloy API key or access token) is resolved with `auth.me` through the same
client the tools use, so a revoked key stops working at once. Discovery documents:
`/.well-known/oauth-authorization-server` (RFC 8414, as the MCP Guide names it) and
`/.well-known/oauth-protected-resource/mcp` (RFC 9728, from the SDK).
"""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING

from alloy.server.mcp.app import build
from alloy.server.mcp.session import Backend
from anyio import to_thread
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from alloy.errors import AlloyError, BadRequest

if TYPE_CHECKING:
    from alloy.domain.identity import Me

log = logging.getLogger("alloy.mcp")


class AlloyTokenVerifier:
    """Accept a Bearer token when Alloy says who it belongs to (`GET /api/v1/auth/me`)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def _me(self, token: str) -> Me | None:
        session = self.backend.session(token)
        try:
            return session.me()
        except AlloyError as e:
            log.info("rejected bearer token: %s", e.message)
            return None
        finally:
            session.close()

    async def verify_token(self, token: str) -> AccessToken | None:
        me = await to_thread.run_sync(self._me, token)
        if me is None:
            return None
        return AccessToken(token=token, client_id=me.user_id, subject=me.user_id,
                           scopes=[s for s in me.scopes if s != "*"])


def public_base(host: str, port: int) -> str:
    shown = "localhost" if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}"


def discovery(base: str, backend: Backend) -> dict:
    """OAuth 2.1 authorization-server metadata: tokens are Alloy API keys or access tokens."""
    api = backend.api_url.rstrip("/") if backend.api_url else base
    return {
        "issuer": base,
        "token_endpoint": f"{api}/api/v1/auth/login",
        "alloy_refresh_endpoint": f"{api}/api/v1/auth/refresh",
        "response_types_supported": [],
        "grant_types_supported": ["password", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": ["read", "write", "admin"],
        "bearer_methods_supported": ["header"],
        "alloy_token_types": ["api_key", "access_token"],
        "alloy_api_key_prefixes": ["alloy_live_", "alloy_test_"],
    }


def _token_routes(backend: Backend) -> list[Route]:
    """Embedded mode has no API server to send people to: the discovery document's token and
    refresh endpoints are served here, by the same operations `alloy serve` runs."""
    if backend.api_url:
        return []
    from alloy.server.errors import envelope  # the API's one error envelope

    from alloy.client.local import LocalClient

    def exchange(op: str, body) -> tuple[int, dict]:
        try:
            return 200, LocalClient(backend.env).call(op, body=body)
        except AlloyError as e:
            return tuple(envelope(e)[:2])

    def endpoint(op: str):
        async def handle(request: Request) -> JSONResponse:
            try:
                body = await request.json()
            except ValueError:
                status, answer = envelope(BadRequest("the body is not JSON"))[:2]
            else:
                status, answer = await to_thread.run_sync(exchange, op, body)
            return JSONResponse(answer, status_code=status)
        return handle

    return [Route("/api/v1/auth/login", endpoint("auth.login"), methods=["POST"]),
            Route("/api/v1/auth/refresh", endpoint("auth.refresh"), methods=["POST"])]


def app(backend: Backend, host: str, port: int):
    base = public_base(host, port)
    server = build(backend)
    doc = discovery(base, backend)

    async def metadata(request: Request) -> JSONResponse:
        return JSONResponse(doc, headers={"Access-Control-Allow-Origin": "*"})

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auth = AuthSettings(issuer_url=base, resource_server_url=f"{base}/mcp",
                            validate_token_resource=False)
    starlette = server.streamable_http_app(
        streamable_http_path="/mcp", host=host, auth=auth,
        token_verifier=AlloyTokenVerifier(backend),
        custom_starlette_routes=[Route("/.well-known/oauth-authorization-server", metadata,
                                       methods=["GET"]), *_token_routes(backend)])
    mcp_route = next(r for r in starlette.router.routes if getattr(r, "path", "") == "/mcp")
    starlette.router.routes.append(Route("/", mcp_route.endpoint))
    return starlette


def serve(backend: Backend, host: str, port: int) -> None:
    import uvicorn

    log.info("alloy-mcp listening on http://%s:%s (%s mode)", host, port, backend.mode)
    uvicorn.run(app(backend, host, port), host=host, port=port, log_level="warning")
