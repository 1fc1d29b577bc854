"""The OpenAPI document, generated from the operation declarations and their msgspec types."""

from __future__ import annotations

import functools
import typing

import msgspec

from alloy import ops, version

_REF = "#/components/schemas/{name}"


def _query_params(ref: dict, components: dict) -> list[dict]:
    """A query Struct as parameters; the types they name (enums such as GroupBy) stay in
    the document's components, which were built together with it."""
    schema = components[ref["$ref"].rsplit("/", 1)[1]]
    required = set(schema.get("required", []))
    return [{"name": n, "in": "query", "required": n in required, "schema": s}
            for n, s in schema["properties"].items()]


_ERROR = {"$ref": "#/components/responses/Error"}


def _body_required(ref: dict, components: dict) -> bool:
    """An absent body reads as {} (server/app.py), so a body is required only when one of
    its fields is: a PATCH of optional fields without a body is a valid no-op."""
    if "$ref" not in ref:
        return True
    return bool(components[ref["$ref"].rsplit("/", 1)[1]].get("required"))


def _optional(result) -> bool:
    return type(None) in typing.get_args(result)


def _path_schema(op, name: str) -> dict:
    """A path parameter's schema from its annotation (a string, or one of a few names)."""
    hint = typing.get_type_hints(op.fn, include_extras=True).get(name, str)
    return msgspec.json.schema(hint)


def _errors(op) -> dict:
    """The error answers an operation can give, from what it declares: a body can be
    malformed (400); signed-in operations check the credential (401), the role or scope
    (403) and that the named org or resource is visible (404); a path names a resource
    (404); writes can conflict (409); input is validated (422); rate limits apply (429)."""
    codes = ["422", "429"]
    if op.body is not None:
        codes.append("400")
    if op.auth:
        codes += ["401", "403", "404"]
    if op.path_params:
        codes.append("404")
    if op.write:
        codes.append("409")
    codes += map(str, op.errors)
    return {code: _ERROR for code in sorted(set(codes))}


@functools.cache
def openapi_document() -> bytes:
    all_ops = ops.all_ops()
    types = []
    for op in all_ops:
        types += [t for t in (op.body, op.result, op.query) if t not in (None, type(None))]
    schemas, components = msgspec.json.schema_components(types, ref_template=_REF)
    by_type = dict(zip(types, schemas, strict=True))
    paths: dict = {}
    for op in all_ops:
        entry: dict = {"operationId": op.name, "summary": op.summary, "tags": [op.tag],
                       "parameters": [{"name": p, "in": "path", "required": True,
                                       "schema": _path_schema(op, p)} for p in op.path_params]}
        if op.description:
            entry["description"] = op.description
        if op.query is not None:
            entry["parameters"] += _query_params(by_type[op.query], components)
        if op.body is not None:
            entry["requestBody"] = {"required": _body_required(by_type[op.body], components),
                                    "content": {"application/json": {"schema": by_type[op.body]}}}
        ok: dict = {"description": "OK"}
        if op.result not in (None, type(None)):
            ok["content"] = {op.media_type: {"schema": by_type[op.result]}}
        if op.download:
            ok.setdefault("content", {})[op.download] = {
                "schema": {"type": "string", "contentMediaType": op.download}}
        responses = {str(op.status): ok, **_errors(op)}
        if op.status != 204 and _optional(op.result):  # `-> X | None`: None answers 204
            responses["204"] = {"description": "No Content"}
        if op.auth:
            entry["security"] = [{"bearer": []}]
        entry["responses"] = responses
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    from alloy.server.integrations import signed

    for endpoint in signed():  # routes with their own (signature) authentication
        paths[endpoint.path] = endpoint.openapi()
    components["Error"] = {"type": "object", "properties": {"error": {
        "type": "object", "required": ["code", "message", "details"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "details": {"type": "array", "items": {}}}}}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Alloy API", "version": version()},
        "paths": paths,
        "components": {
            "schemas": components,
            "responses": {"Error": {"description": "Error envelope", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "JWT access token or alloy_live_ API key"}},
        },
    }
    from alloy.server.integrations import scim

    scim.openapi(doc)
    return msgspec.json.encode(doc)


__all__ = ["openapi_document", "typing"]
