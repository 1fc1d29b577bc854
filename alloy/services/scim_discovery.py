"""SCIM discovery (RFC 7644 §4): what this server supports, its schemas and resource types,
so a generic SCIM client can find its way without being told."""

from __future__ import annotations

from alloy import ops
from alloy.context import Ctx
from alloy.domain import scim as S
from alloy.domain import scim_schema


@ops.op("GET", "/scim/v2/ServiceProviderConfig", via="scim")
def service_provider_config(ctx: Ctx) -> dict:
    """Supported SCIM features."""
    return S.service_provider_config(ctx.settings.server.base_url)


@ops.op("GET", "/scim/v2/Schemas", via="scim")
def list_schemas(ctx: Ctx) -> dict:
    """The schemas of the resources served (User, Group) and of discovery itself."""
    found = scim_schema.schemas(ctx.settings.server.base_url)
    return S.list_response(found, len(found), 1)


@ops.op("GET", "/scim/v2/Schemas/{schema_id}", via="scim")
def get_schema(ctx: Ctx, schema_id: str) -> dict:
    """One schema, by its URN."""
    return _one(scim_schema.schemas(ctx.settings.server.base_url), schema_id, "schema")


@ops.op("GET", "/scim/v2/ResourceTypes", via="scim")
def list_resource_types(ctx: Ctx) -> dict:
    """The resource types served: User and Group."""
    found = scim_schema.resource_types(ctx.settings.server.base_url)
    return S.list_response(found, len(found), 1)


@ops.op("GET", "/scim/v2/ResourceTypes/{name}", via="scim")
def get_resource_type(ctx: Ctx, name: str) -> dict:
    """One resource type, by name."""
    return _one(scim_schema.resource_types(ctx.settings.server.base_url), name, "resource type")


def _one(found: list[dict], wanted: str, what: str) -> dict:
    for item in found:
        if item["id"] == wanted:
            return item
    raise S.ScimError(f"{what} {wanted} not found", None, 404)


@ops.op("POST", "/scim/v2/.search", via="scim", status=200, errors=(501,))
def search_all(ctx: Ctx, body: object) -> dict:
    """A search across resource types: 501, as RFC 7644 §3.12 answers what is not
    implemented (search /Users/.search or /Groups/.search)."""
    raise S.ScimError("searching several resource types at once is not supported: "
                      "POST /Users/.search or /Groups/.search", None, 501)
