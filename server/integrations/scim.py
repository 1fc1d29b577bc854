"""SCIM 2.0 routes under /scim/v2/, authenticated only by ALLOY_SCIM_BEARER_TOKEN.

These speak SCIM (RFC 7644), not Alloy's envelope: resources, ListResponse and the SCIM
error schema, as `application/scim+json`. The token is compared in constant time; each route
then runs its operation (declared `via="scim"` in `alloy.services.scim`, which also gives
its OpenAPI entry) with `run_as`, as the SCIM organization's first Owner.
"""

from __future__ import annotations

import hmac

import msgspec
from alloy.server.app import error_response
from alloy.server.errors import ErrorBody
from anyio import to_thread
from litestar import Request, Response, route

from alloy import ops
from alloy.dispatch import run_as
from alloy.domain import scim as S
from alloy.errors import AlloyError, Conflict, Invalid, NotConfigured, Unauthorized
from alloy.integrations import acting_actor

PREFIX = "/scim/v2/"
MEDIA = "application/scim+json"


def scim_error(err: AlloyError) -> ErrorBody:
    """A core error as a SCIM Error body (RFC 7644 §3.12): SCIM reports an invalid value as
    400 `invalidValue` (not 422) and a clash with existing data as 409 `uniqueness`."""
    status, kind = err.status, getattr(err, "scim_type", None)
    if not isinstance(err, S.ScimError):
        if isinstance(err, Conflict):
            kind = "uniqueness"
        elif isinstance(err, Invalid):
            status, kind = 400, "invalidValue"
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if status == 401 else None
    return ErrorBody(status, S.error_body(status, err.message, kind), MEDIA, headers)


class _Config:
    """The token (Settings.scim), read when the app is built."""

    def __init__(self, env) -> None:
        self.token = env.settings.scim.bearer_token

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


def _run(env, op: ops.Op, path: dict, body, query):
    return run_as(env, acting_actor(env, "scim"), op, body=body, query=query, **path)


def routes(env) -> list:
    """The SCIM route handlers for `env` (registered by server.app.create_app)."""
    config = _Config(env)

    def handler(op: ops.Op):
        async def handle(request: Request) -> Response:
            try:
                config.check(request)
                body = await _body(request) if op.body is not None else None
                query = dict(request.query_params) if op.query is not None else None
                result = await to_thread.run_sync(_run, env, op, dict(request.path_params),
                                                  body, query)
            except AlloyError as err:
                return error_response(err, scim_error)
            if result is None:
                return Response(content=b"", status_code=204)
            # RFC 7644 §3.3: a created resource's URI is in Location as in meta.location
            created = result.get("meta", {}).get("location") if op.status == 201 else None
            return Response(content=msgspec.json.encode(result), status_code=op.status,
                            media_type=MEDIA, headers={"Location": created} if created else None)

        return route(op.path.replace("}", ":str}"), http_method=[op.method], name=op.name,
                     status_code=200, include_in_schema=False)(handle)

    return [handler(op) for op in ops.integration_ops("scim")]


def _obj(required: list[str], **props) -> dict:
    return {"type": "object", "required": required, "properties": props}


_STR, _BOOL = {"type": "string"}, {"type": "boolean"}
_MEMBER = _obj(["value"], value=_STR, display=_STR)
SCHEMAS = {
    "ScimUser": _obj(["userName"], schemas={"type": "array", "items": _STR}, id=_STR,
                     userName={**_STR, "description": "email"}, displayName=_STR,
                     active=_BOOL, name={"type": "object"}, externalId=_STR,
                     emails={"type": "array", "items": {"type": "object"}},
                     meta={"type": "object"}),
    "ScimGroup": _obj(["displayName"], schemas={"type": "array", "items": _STR}, id=_STR,
                      displayName=_STR, members={"type": "array", "items": _MEMBER},
                      externalId=_STR,
                      meta={"type": "object"}),
    "ScimPatchOp": _obj(["Operations"], schemas={"type": "array", "items": _STR},
                        Operations={"type": "array", "items": _obj(
                            ["op"], op={"enum": ["add", "replace", "remove"]}, path=_STR,
                            value={})}),
    "ScimError": _obj(["schemas", "status", "detail"], schemas={"type": "array", "items": _STR},
                      status=_STR, scimType=_STR, detail=_STR),
    "ScimServiceProviderConfig": {"type": "object"},
    "ScimSearchRequest": {"type": "object", "properties": {
        "schemas": {"type": "array", "items": _STR}, "filter": _STR, "startIndex": {
            "type": "integer"}, "count": {"type": "integer"},
        "attributes": {"type": "array", "items": _STR},
        "excludedAttributes": {"type": "array", "items": _STR}}},
    "ScimSchema": {"type": "object", "description": "RFC 7643 §7"},
    "ScimResourceType": {"type": "object", "description": "RFC 7643 §6"},
    "ScimList": _obj(["schemas", "totalResults", "Resources"],
                     schemas={"type": "array", "items": _STR}, totalResults={"type": "integer"},
                     Resources={"type": "array", "items": {"type": "object"}}),
}
for _kind in ("User", "Group"):
    SCHEMAS[f"Scim{_kind}List"] = _obj(
        ["schemas", "totalResults", "startIndex", "itemsPerPage", "Resources"],
        schemas={"type": "array", "items": _STR}, totalResults={"type": "integer"},
        startIndex={"type": "integer"}, itemsPerPage={"type": "integer"},
        Resources={"type": "array", "items": {"$ref": f"#/components/schemas/Scim{_kind}"}})

# What the operations' `dict` annotations cannot say: the RFC 7643 schema of each one's body
# and answer (SCHEMAS above), and the query parameters it reads.
_PROJECTION = ("attributes", "excludedAttributes")
_LIST = ("filter", "startIndex", "count", *_PROJECTION)
SHAPES = {
    "scim_discovery.service_provider_config": (None, "ScimServiceProviderConfig", ()),
    "scim.list_users": (None, "ScimUserList", _LIST),
    "scim.create_user": ("ScimUser", "ScimUser", ()),
    "scim.get_user": (None, "ScimUser", _PROJECTION),
    "scim.search_users": ("ScimSearchRequest", "ScimUserList", ()),
    "scim_groups.search_groups": ("ScimSearchRequest", "ScimGroupList", ()),
    "scim_discovery.search_all": ("ScimSearchRequest", None, ()),
    "scim.patch_user": ("ScimPatchOp", "ScimUser", ()),
    "scim.replace_user": ("ScimUser", "ScimUser", ()),
    "scim.delete_user": (None, None, ()),
    "scim_groups.list_groups": (None, "ScimGroupList", _LIST),
    "scim_groups.create_group": ("ScimGroup", "ScimGroup", ()),
    "scim_groups.get_group": (None, "ScimGroup", _PROJECTION),
    "scim_groups.replace_group": ("ScimGroup", "ScimGroup", ()),
    "scim_groups.patch_group": ("ScimPatchOp", "ScimGroup", ()),
    "scim_groups.delete_group": (None, None, ()),
    "scim_discovery.list_schemas": (None, "ScimList", ()),
    "scim_discovery.get_schema": (None, "ScimSchema", ()),
    "scim_discovery.list_resource_types": (None, "ScimList", ()),
    "scim_discovery.get_resource_type": (None, "ScimResourceType", ()),
}


def _content(name: str) -> dict:
    return {MEDIA: {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def openapi(doc: dict) -> None:
    """Add the SCIM paths, schemas and their bearer scheme to the OpenAPI document."""
    error = {"description": "SCIM error", "content": _content("ScimError")}
    for op in ops.integration_ops("scim"):
        request, response, query = SHAPES[op.name]
        params = [{"name": p, "in": "path", "required": True, "schema": _STR}
                  for p in op.path_params]
        params += [{"name": q, "in": "query", "required": False, "schema": _STR}
                   for q in query]
        ok: dict = {"description": "OK"}
        if response:
            ok["content"] = _content(response)
        entry = {"operationId": op.name, "summary": op.summary, "tags": ["scim"],
                 "parameters": params, "security": [{"scim": []}],
                 "responses": {str(op.status): ok, "400": error, "401": error, "404": error,
                               "409": error, "503": error,
                               **{str(status): error for status in op.errors}}}
        if op.description:
            entry["description"] = op.description
        if request:
            entry["requestBody"] = {"required": True, "content": _content(request)}
        doc["paths"].setdefault(op.path, {})[op.method.lower()] = entry
    doc["components"]["schemas"].update(SCHEMAS)
    doc["components"]["securitySchemes"]["scim"] = {
        "type": "http", "scheme": "bearer", "description": "ALLOY_SCIM_BEARER_TOKEN"}
