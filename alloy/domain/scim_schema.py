"""SCIM discovery documents (RFC 7643 §5-7, RFC 7644 §4): the schemas and resource types
Alloy serves, describing exactly the attributes it keeps.

Generic SCIM clients build their models from these documents, so an attribute listed here
must round-trip: the User schema lists only what Alloy stores (userName, displayName, name
parts, emails, active, externalId), the Group schema a team's name and members.
"""

from __future__ import annotations

from alloy.domain.scim import GROUP, SPC, USER

SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"


def _attr(name: str, kind: str = "string", *, subs: list | None = None, many: bool = False,
          required: bool = False, mutability: str = "readWrite", returned: str = "default",
          unique: str = "none", exact: bool = False, refs: list | None = None,
          canonical: list | None = None, description: str = "") -> dict:
    out = {"name": name, "type": kind, "multiValued": many, "description": description or name,
           "required": required, "caseExact": exact, "mutability": mutability,
           "returned": returned, "uniqueness": unique}
    if subs is not None:
        out["subAttributes"] = subs
    if refs is not None:
        out["referenceTypes"] = refs
    if canonical is not None:
        out["canonicalValues"] = canonical
    return out


_EXTERNAL_ID = _attr("externalId", exact=True,
                     description="The identity provider's identifier for the resource")

_USER_ATTRS = [
    _attr("userName", required=True, unique="server",
          description="The person's email address (Alloy's sign-in name), unique"),
    _attr("displayName", description="The name shown in Alloy"),
    _attr("name", "complex", subs=[
        _attr("formatted", description="The full name (the display name when none is given)"),
        _attr("givenName"), _attr("familyName")]),
    _attr("emails", "complex", many=True, subs=[
        _attr("value"), _attr("type", canonical=["work", "home", "other"]),
        _attr("primary", "boolean")]),
    _attr("active", "boolean", description="Whether the person may use the organization"),
    _EXTERNAL_ID,
]

_GROUP_ATTRS = [
    _attr("displayName", required=True, unique="server", description="The team name"),
    _attr("members", "complex", many=True, subs=[
        _attr("value", mutability="immutable", description="A user id"),
        _attr("$ref", "reference", mutability="immutable", refs=["User"]),
        _attr("display", mutability="readOnly"),
        _attr("type", mutability="immutable", canonical=["User"])]),
    _EXTERNAL_ID,
]

_RO = {"mutability": "readOnly"}
_SPC_ATTRS = [
    _attr("documentationUri", "reference", refs=["external"], **_RO),
    *(_attr(f, "complex", required=True, subs=[_attr("supported", "boolean", required=True,
                                                    **_RO)], **_RO)
      for f in ("patch", "changePassword", "sort", "etag")),
    _attr("bulk", "complex", required=True, subs=[
        _attr("supported", "boolean", required=True, **_RO),
        _attr("maxOperations", "integer", required=True, **_RO),
        _attr("maxPayloadSize", "integer", required=True, **_RO)], **_RO),
    _attr("filter", "complex", required=True, subs=[
        _attr("supported", "boolean", required=True, **_RO),
        _attr("maxResults", "integer", required=True, **_RO)], **_RO),
    _attr("authenticationSchemes", "complex", many=True, required=True, subs=[
        _attr("type", required=True, **_RO), _attr("name", required=True, **_RO),
        _attr("description", required=True, **_RO), _attr("primary", "boolean", **_RO)],
        **_RO),
]

_RT_ATTRS = [
    _attr("id", **_RO), _attr("name", required=True, **_RO), _attr("description", **_RO),
    _attr("endpoint", "reference", required=True, refs=["uri"], **_RO),
    _attr("schema", "reference", required=True, exact=True, refs=["uri"], **_RO),
    _attr("schemaExtensions", "complex", many=True, subs=[
        _attr("schema", "reference", required=True, exact=True, refs=["uri"], **_RO),
        _attr("required", "boolean", required=True, **_RO)], **_RO),
]

_SCHEMA_ATTRS = [
    _attr("id", required=True, **_RO), _attr("name", **_RO), _attr("description", **_RO),
    _attr("attributes", "complex", many=True, required=True, subs=[
        _attr(n, k, **_RO) for n, k in (
            ("name", "string"), ("type", "string"), ("multiValued", "boolean"),
            ("description", "string"), ("required", "boolean"), ("canonicalValues", "string"),
            ("caseExact", "boolean"), ("mutability", "string"), ("returned", "string"),
            ("uniqueness", "string"), ("referenceTypes", "string"),
            ("subAttributes", "complex"))], **_RO),
]

_SCHEMAS = [
    (USER, "User", "An Alloy account in the organization", _USER_ATTRS),
    (GROUP, "Group", "A team of the organization", _GROUP_ATTRS),
    (SPC, "Service Provider Configuration", "What this server supports", _SPC_ATTRS),
    (RESOURCE_TYPE, "ResourceType", "A resource type this server serves", _RT_ATTRS),
    (SCHEMA, "Schema", "A schema this server uses", _SCHEMA_ATTRS),
]

RESOURCE_TYPES = {"User": ("/Users", USER, "Alloy accounts in the organization"),
                  "Group": ("/Groups", GROUP, "Teams of the organization")}


def schemas(base_url: str) -> list[dict]:
    return [{"schemas": [SCHEMA], "id": urn, "name": name, "description": text,
             "attributes": attrs,
             "meta": {"resourceType": "Schema", "location": f"{base_url}/scim/v2/Schemas/{urn}"}}
            for urn, name, text, attrs in _SCHEMAS]


def resource_types(base_url: str) -> list[dict]:
    return [{"schemas": [RESOURCE_TYPE], "id": name, "name": name, "endpoint": endpoint,
             "description": text, "schema": urn, "schemaExtensions": [],
             "meta": {"resourceType": "ResourceType",
                      "location": f"{base_url}/scim/v2/ResourceTypes/{name}"}}
            for name, (endpoint, urn, text) in RESOURCE_TYPES.items()]
