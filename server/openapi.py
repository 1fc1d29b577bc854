"""The OpenAPI document, generated from the operation declarations and their msgspec types."""

from __future__ import annotations

import functools
import typing

import msgspec

from alloy import ops, version

_REF = "#/components/schemas/{name}"


def _query_params(cls) -> list[dict]:
    (schema,), components = msgspec.json.schema_components([cls], ref_template=_REF)
    props = components[cls.__name__]["properties"]
    required = set(components[cls.__name__].get("required", []))
    return [{"name": n, "in": "query", "required": n in required, "schema": s}
            for n, s in props.items()]


@functools.cache
def openapi_document() -> bytes:
    all_ops = ops.all_ops()
    types = []
    for op in all_ops:
        types += [t for t in (op.body, op.result) if t not in (None, type(None))]
    schemas, components = msgspec.json.schema_components(types, ref_template=_REF)
    by_type = dict(zip(types, schemas, strict=True))
    paths: dict = {}
    for op in all_ops:
        entry: dict = {"operationId": op.name, "summary": op.summary, "tags": [op.tag],
                       "parameters": [{"name": p, "in": "path", "required": True,
                                       "schema": {"type": "string"}} for p in op.path_params]}
        if op.description:
            entry["description"] = op.description
        if op.query is not None:
            entry["parameters"] += _query_params(op.query)
        if op.body is not None:
            entry["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": by_type[op.body]}}}
        ok: dict = {"description": "OK"}
        if op.result not in (None, type(None)):
            ok["content"] = {op.media_type: {"schema": by_type[op.result]}}
        responses = {str(op.status): ok}
        if op.auth:
            responses["401"] = {"$ref": "#/components/responses/Error"}
            entry["security"] = [{"bearer": []}]
        responses["422"] = {"$ref": "#/components/responses/Error"}
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
