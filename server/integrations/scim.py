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
from alloy.errors import AlloyError, NotConfigured, Unauthorized
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
    """The token, read from the environment when the app is built."""

    def __init__(self) -> None:
        self.token = os.environ.get("ALLOY_SCIM_BEARER_TOKEN", "")

    def check(self, request: Request) -> None:
        if not self.token:
            raise NotConfigured("SCIM is not configured: set ALLOY_SCIM_BEARER_TOKEN")
        scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), self.token.encode())
        if not ok:
            raise Unauthorized("a valid SCIM bearer token is required")


async def _body(request: Request):
    raw = await request.body()
    try:
        return msgspec.json.decode(raw) if raw.strip() else None
    except msgspec.DecodeError:
        raise S.ScimError("request body is not valid JSON", "invalidSyntax") from None


# (method, path under /scim/v2/, core function, success status, request, response, summary):
# the routes and their OpenAPI entries both come from this table.
ENDPOINTS = (
    ("GET", "ServiceProviderConfig", "service_provider_config", 200, None, "Config",
     "Supported SCIM features"),
    ("GET", "Users", "list_users", 200, "query", "UserList",
     'List users (filter=userName eq "...", startIndex, count)'),
    ("POST", "Users", "create_user", 201, "User", "User",
     "Provision a user into the SCIM organization as a Member"),
    ("GET", "Users/{user_id}", "get_user", 200, None, "User", "One user"),
    ("PATCH", "Users/{user_id}", "patch_user", 200, "PatchOp", "User",
     "Update a user: active (deactivate/reactivate), displayName, userName"),
    ("PUT", "Users/{user_id}", "replace_user", 200, "User", "User",
     "Replace a user's userName, displayName and active"),
    ("DELETE", "Users/{user_id}", "delete_user", 204, None, None,
     "Deprovision: remove the user from the organization and its teams"),
    ("GET", "Groups", "list_groups", 200, "query", "GroupList",
     'List groups (filter=displayName eq "...", startIndex, count, excludedAttributes)'),
    ("POST", "Groups", "create_group", 201, "Group", "Group", "Create a team with members"),
    ("GET", "Groups/{team_id}", "get_group", 200, "query", "Group", "One group"),
    ("PATCH", "Groups/{team_id}", "patch_group", 200, "PatchOp", "Group",
     "Rename a group; add, remove or replace members"),
    ("DELETE", "Groups/{team_id}", "delete_group", 204, None, None,
     "Delete the team and its memberships"),
)


def routes(env) -> list:
    """The SCIM route handlers for `env` (registered by server.app.create_app)."""
    config = _Config()

    def handler(method: str, path: str, fn, status: int, kind: str | None):
        write = method != "GET"

        async def handle(request: Request) -> Response:
            try:
                config.check(request)
                args = list(request.path_params.values())
                if kind == "query":
                    args.append(dict(request.query_params))
                elif kind:
                    args.append(await _body(request))
                result = await to_thread.run_sync(
                    lambda: scim.call(env, fn, *args, write=write))
            except AlloyError as err:
                return _error(err)
            if result is None:
                return Response(content=b"", status_code=204)
            return _respond(status, result)

        litestar_path = "/scim/v2/" + path.replace("}", ":str}")
        return route(litestar_path, http_method=[method], name=f"scim.{fn.__name__}",
                     status_code=200, include_in_schema=False)(handle)

    return [handler(method, path, getattr(scim, fn), status, request)
            for method, path, fn, status, request, _, _ in ENDPOINTS]


def _obj(required: list[str], **props) -> dict:
    return {"type": "object", "required": required, "properties": props}


_STR, _BOOL = {"type": "string"}, {"type": "boolean"}
_MEMBER = _obj(["value"], value=_STR, display=_STR)
SCHEMAS = {
    "ScimUser": _obj(["userName"], schemas={"type": "array", "items": _STR}, id=_STR,
                     userName={**_STR, "description": "email"}, displayName=_STR,
                     active=_BOOL, name={"type": "object"}, meta={"type": "object"}),
    "ScimGroup": _obj(["displayName"], schemas={"type": "array", "items": _STR}, id=_STR,
                      displayName=_STR, members={"type": "array", "items": _MEMBER},
                      meta={"type": "object"}),
    "ScimPatchOp": _obj(["Operations"], schemas={"type": "array", "items": _STR},
                        Operations={"type": "array", "items": _obj(
                            ["op"], op={"enum": ["add", "replace", "remove"]}, path=_STR,
                            value={})}),
    "ScimError": _obj(["schemas", "status", "detail"], schemas={"type": "array", "items": _STR},
                      status=_STR, scimType=_STR, detail=_STR),
    "ScimServiceProviderConfig": {"type": "object"},
}
for _kind in ("User", "Group"):
    SCHEMAS[f"Scim{_kind}List"] = _obj(
        ["schemas", "totalResults", "startIndex", "itemsPerPage", "Resources"],
        schemas={"type": "array", "items": _STR}, totalResults={"type": "integer"},
        startIndex={"type": "integer"}, itemsPerPage={"type": "integer"},
        Resources={"type": "array", "items": {"$ref": f"#/components/schemas/Scim{_kind}"}})
_NAMES = {"Config": "ScimServiceProviderConfig", "User": "ScimUser", "Group": "ScimGroup",
          "UserList": "ScimUserList", "GroupList": "ScimGroupList", "PatchOp": "ScimPatchOp"}
_QUERY = {"list_users": ["filter", "startIndex", "count"],
          "list_groups": ["filter", "startIndex", "count", "excludedAttributes"],
          "get_group": ["excludedAttributes"]}


def _content(name: str) -> dict:
    return {MEDIA: {"schema": {"$ref": f"#/components/schemas/{_NAMES.get(name, name)}"}}}


def openapi(doc: dict) -> None:
    """Add the SCIM paths, schemas and their bearer scheme to the OpenAPI document."""
    error = {"description": "SCIM error", "content": _content("ScimError")}
    for method, path, fn, status, request, response, summary in ENDPOINTS:
        params = [{"name": p, "in": "path", "required": True, "schema": _STR}
                  for p in ("user_id", "team_id") if "{" + p + "}" in path]
        params += [{"name": q, "in": "query", "required": False, "schema": _STR}
                   for q in _QUERY.get(fn, [])]
        ok: dict = {"description": "OK"}
        if response:
            ok["content"] = _content(response)
        entry = {"operationId": f"scim.{fn}", "summary": summary, "tags": ["scim"],
                 "parameters": params, "security": [{"scim": []}],
                 "responses": {str(status): ok, "400": error, "401": error, "404": error,
                               "409": error, "503": error}}
        if request and request != "query":
            entry["requestBody"] = {"required": True, "content": _content(request)}
        doc["paths"].setdefault("/scim/v2/" + path, {})[method.lower()] = entry
    doc["components"]["schemas"].update(SCHEMAS)
    doc["components"]["securitySchemes"]["scim"] = {
        "type": "http", "scheme": "bearer", "description": "ALLOY_SCIM_BEARER_TOKEN"}
