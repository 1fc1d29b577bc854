"""SCIM 2.0 routes under /scim/v2/, authenticated only by ALLOY_SCIM_BEARER_TOKEN.

These speak SCIM (RFC 7644), not Alloy's envelope: resources, ListResponse and the SCIM
error schema, as `application/scim+json`. The token is compared in constant time; the rules
live in `alloy.services.scim`, which acts as the SCIM organization's first Owner.
"""

from __future__ import annotations

import hmac
import os

import msgspec
from anyio import to_thread
from litestar import Request, Response, route

from alloy.domain import scim as S
from alloy.errors import AlloyError
from alloy.services import scim

MEDIA = "application/scim+json"


def _respond(status: int, body: dict) -> Response:
    return Response(content=msgspec.json.encode(body), status_code=status, media_type=MEDIA)


def _error(err: AlloyError) -> Response:
    kind = getattr(err, "scim_type", None)
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if err.status == 401 else None
    body = S.error_body(err.status, err.message, kind, err.code)
    return Response(content=msgspec.json.encode(body), status_code=err.status,
                    media_type=MEDIA, headers=headers)


class _Config:
    """The token and organization, read from the environment when the app is built."""

    def __init__(self) -> None:
        self.token = os.environ.get("ALLOY_SCIM_BEARER_TOKEN", "")
        self.org_id = os.environ.get("ALLOY_SCIM_ORG_ID", "").strip() or None

    def check(self, request: Request) -> None:
        if not self.token:
            raise S.NotConfigured("SCIM is not configured: set ALLOY_SCIM_BEARER_TOKEN")
        scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), self.token.encode())
        if not ok:
            err = AlloyError("a valid SCIM bearer token is required")
            err.code, err.status = "UNAUTHORIZED", 401
            raise err


async def _body(request: Request):
    raw = await request.body()
    try:
        return msgspec.json.decode(raw) if raw.strip() else None
    except msgspec.DecodeError:
        raise S.ScimError("request body is not valid JSON", "invalidSyntax") from None


def routes(env) -> list:
    """The SCIM route handlers for `env` (registered by server.app.create_app)."""
    config = _Config()

    def handler(path: str, method: str, fn, *, status: int = 200, body: bool = False,
                query: bool = False, write: bool = False):
        async def handle(request: Request) -> Response:
            try:
                config.check(request)
                args = list(request.path_params.values())
                if body:
                    args.append(await _body(request))
                if query:
                    args.append(dict(request.query_params))
                result = await to_thread.run_sync(
                    lambda: scim.call(env, config.org_id, fn, *args, write=write))
            except AlloyError as err:
                return _error(err)
            if result is None:
                return Response(content=b"", status_code=204)
            return _respond(status, result)

        name = f"scim.{method.lower()}.{path}"
        return route("/scim/v2/" + path, http_method=[method], name=name, status_code=200,
                     include_in_schema=False)(handle)

    return [
        handler("ServiceProviderConfig", "GET", scim.service_provider_config),
        handler("Users", "GET", scim.list_users, query=True),
        handler("Users", "POST", scim.create_user, status=201, body=True, write=True),
        handler("Users/{user_id:str}", "GET", scim.get_user),
        handler("Users/{user_id:str}", "PATCH", scim.patch_user, body=True, write=True),
        handler("Users/{user_id:str}", "PUT", scim.replace_user, body=True, write=True),
        handler("Users/{user_id:str}", "DELETE", scim.delete_user, status=204, write=True),
        handler("Groups", "GET", scim.list_groups, query=True),
        handler("Groups", "POST", scim.create_group, status=201, body=True, write=True),
        handler("Groups/{team_id:str}", "GET", scim.get_group, query=True),
        handler("Groups/{team_id:str}", "PATCH", scim.patch_group, body=True, write=True),
        handler("Groups/{team_id:str}", "DELETE", scim.delete_group, status=204, write=True),
    ]
