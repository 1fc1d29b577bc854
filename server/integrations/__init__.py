"""Integrations with their own authentication (a static token or a signed payload).

Each module checks the request's credential in constant time, then runs the core in `alloy/`
as the integration's acting Owner (`alloy.integrations.acting_actor`, `dispatch.run_as`).
One declaration gives each endpoint its route and its OpenAPI entry: SCIM's endpoints are
operations declared `via="scim"`; Slack's and GitHub's signed endpoints are `Signed` below.
Errors go through the server's one mapper (`alloy.server.app.error_response`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import msgspec
from alloy.server.app import error_response
from litestar import Request, Response, route

from alloy.errors import AlloyError

_ERROR = {"$ref": "#/components/responses/Error"}


@dataclass(frozen=True)
class Signed:
    """One POST endpoint whose caller signs the raw body (no Bearer token)."""

    name: str  # operationId, `<integration>.<what>`
    path: str
    summary: str
    signer: str  # who signs, with what: said in the OpenAPI description
    headers: tuple[tuple[str, str], ...]  # required headers: (name, description)
    media_type: str  # of the request body
    body: dict  # JSON schema of the body
    answer: dict  # JSON schema of the 200 answer
    handle: Callable[[object, Request], Awaitable[dict]]  # (env, request): verify, then run

    def route(self, env):
        async def handle(request: Request) -> Response:
            try:
                result = await self.handle(env, request)
            except AlloyError as err:
                return error_response(err)
            return Response(content=msgspec.json.encode(result), status_code=200,
                            media_type="application/json")

        return route(self.path, http_method=["POST"], name=self.name,
                     include_in_schema=False)(handle)

    def openapi(self) -> dict:
        """The endpoint's path item."""
        return {"post": {
            "operationId": self.name, "summary": self.summary,
            "tags": [self.name.split(".", 1)[0]], "description": f"No Bearer auth: {self.signer}",
            "parameters": [{"name": h, "in": "header", "required": True,
                            "schema": {"type": "string"}, "description": d}
                           for h, d in self.headers],
            "requestBody": {"required": True, "content": {self.media_type: {"schema": self.body}}},
            "responses": {"200": {"description": "OK", "content": {
                "application/json": {"schema": self.answer}}},
                "400": _ERROR, "401": _ERROR, "503": _ERROR}}}


def signed() -> tuple[Signed, ...]:
    """Every signed endpoint: Slack's and GitHub's."""
    from alloy.server.integrations import github, slack

    return (*slack.ENDPOINTS, *github.ENDPOINTS)
