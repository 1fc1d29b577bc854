"""SCIM 2.0 wire shapes and parsing (RFC 7643/7644): errors, filters, PATCH operations.

SCIM is the identity provider's protocol, not ours: its resources, list responses and errors
have their own JSON shapes, which is what Okta and Azure AD parse. Nothing here touches the
database; `alloy.services.scim` applies the parsed requests.
"""

from __future__ import annotations

import json
import re

from alloy.errors import AlloyError

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SPC = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"

MAX_COUNT = 200  # itemsPerPage ceiling (advertised in ServiceProviderConfig)


class ScimError(AlloyError):
    """A SCIM error: `status` and the RFC 7644 `scimType` (invalidFilter, uniqueness, ...)."""

    code, status = "BAD_REQUEST", 400

    def __init__(self, message: str, scim_type: str | None = "invalidValue",
                 status: int = 400) -> None:
        super().__init__(message)
        self.scim_type, self.status = scim_type, status
        self.code = {400: "BAD_REQUEST", 409: "CONFLICT", 404: "NOT_FOUND"}.get(status,
                                                                               self.code)


def error_body(status: int, detail: str, scim_type: str | None = None) -> dict:
    """The SCIM Error document (RFC 7644 §3.12), and nothing else: identity providers'
    validators reject members the schema does not define."""
    body = {"schemas": [ERROR], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return body


# `attr eq "value"`; attr may carry a value filter, as Entra's `emails[type eq "work"].value`.
_FILTER = re.compile(r'^\s*([A-Za-z][\w.]*(?:\[\s*type\s+eq\s+"\w+"\s*\]\.value)?)'
                     r'\s+(eq)\s+"((?:[^"\\]|\\.)*)"\s*$', re.I)
_TYPED = re.compile(r'^(\w+)\[\s*type\s+eq\s+"(\w+)"\s*\]\.value$', re.I)


def typed_path(path: str) -> tuple[str, str] | None:
    """`emails[type eq "work"].value` -> ("emails", "work"): a value of one type."""
    m = _TYPED.match(path.strip())
    return (m.group(1).lower(), m.group(2).lower()) if m else None


def parse_filter(text: str | None, allowed: dict[str, str]) -> tuple[str, str] | None:
    """`attr eq "value"` -> (column, value); `allowed` maps lower-case attribute -> column.

    Only equality on the attributes the identity providers query by is supported; anything
    else is a 400 `invalidFilter`, which tells the provider rather than silently matching all.
    """
    if text is None or not text.strip():
        return None
    m = _FILTER.match(text)
    if not m:
        raise ScimError(f"unsupported filter {text!r}: use {_names(allowed)} eq \"value\"",
                        "invalidFilter")
    attr = m.group(1).lower()
    if (typed := typed_path(attr)) is not None:
        attr = f"{typed[0]}.value"
    column = allowed.get(attr)
    if column is None:
        raise ScimError(f"cannot filter on {m.group(1)!r}: use {_names(allowed)}",
                        "invalidFilter")
    try:
        return column, json.loads(f'"{m.group(3)}"')
    except ValueError:
        raise ScimError(f"bad escape in filter value {m.group(3)!r}", "invalidFilter") from None


def filter_type(text: str | None) -> str | None:
    """The `type` a filter such as `emails[type eq "work"].value eq "..."` asks for."""
    m = _FILTER.match(text or "")
    typed = typed_path(m.group(1)) if m else None
    return typed[1] if typed else None


def _names(allowed: dict[str, str]) -> str:
    return " or ".join(sorted({k for k in allowed if "." not in k}))


def page_args(start: str | None, count: str | None) -> tuple[int, int]:
    """SCIM pagination: 1-based `startIndex` (below 1 means 1), `count` capped, negatives 0."""
    try:
        s = int(start) if start not in (None, "") else 1
        c = int(count) if count not in (None, "") else 100
    except ValueError:
        raise ScimError("startIndex and count must be integers", "invalidValue") from None
    return min(max(s, 1), 2**31), min(max(c, 0), MAX_COUNT)


SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"


def search_query(body: object) -> dict:
    """A SearchRequest body (POST .search, RFC 7644 §3.4.3) as the query string of a GET."""
    payload = require_object(body)
    query = {}
    for key, name in (("attributes", "attributes"), ("excludedattributes", "excludedAttributes"),
                      ("filter", "filter"), ("startindex", "startIndex"), ("count", "count")):
        value = payload.get(key)
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        if value is not None:
            query[name] = str(value)
    return query


def list_response(resources: list, total: int, start: int) -> dict:
    return {"schemas": [LIST], "totalResults": total, "startIndex": start,
            "itemsPerPage": len(resources), "Resources": resources}


def as_bool(value: object, what: str) -> bool:
    """SCIM booleans; Azure AD sends "True"/"False" strings, so accept those too."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ScimError(f"{what} must be a boolean")


def as_text(value: object, what: str, max_length: int = 255) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScimError(f"{what} must be a non-empty string")
    if len(value) > max_length:
        raise ScimError(f"{what} is longer than {max_length} characters")
    return value.strip()


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def as_email(value: object, what: str = "userName") -> str:
    text = as_text(value, what, 320).lower()
    if not _EMAIL.match(text):
        raise ScimError(f"{what} must be an email address")
    return text


def require_object(payload: object) -> dict:
    """A request body with its attribute names lower-cased at every level: RFC 7643 §2.1
    makes them case-insensitive (`{"UserName": ...}` is `userName`)."""
    if not isinstance(payload, dict):
        raise ScimError("request body must be a JSON object", "invalidSyntax")
    return folded(payload)


def folded(value: object) -> object:
    """`value` with every object key lower-cased and the core schema URN prefix dropped."""
    if isinstance(value, dict):
        return {attr_name(k): folded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [folded(v) for v in value]
    return value


def attr_name(name: str) -> str:
    """An attribute name as compared: lower case, without its core schema URN
    (`urn:ietf:params:scim:schemas:core:2.0:User:userName` is `username`)."""
    low = str(name).strip().lower()
    for urn in (USER, GROUP):
        if low.startswith(urn.lower() + ":"):
            return low[len(urn) + 1:]
    return low


def projected(resource: dict, query: dict | None) -> dict:
    """`attributes=` / `excludedAttributes=` (RFC 7644 §3.9) applied to a resource: names
    are case-insensitive, `name.givenName` selects a sub-attribute; `id` and `schemas` are
    always returned."""
    query = query or {}
    wanted, unwanted = (_names_in(query.get(k)) for k in ("attributes", "excludedAttributes"))
    if not wanted and not unwanted:
        return resource
    out = {}
    for key, value in resource.items():
        low = key.lower()
        if low in ("id", "schemas"):
            out[key] = value
        elif wanted:
            subs = {w.split(".", 1)[1] for w in wanted if w.startswith(low + ".")}
            if low in wanted:
                out[key] = value
            elif subs and isinstance(value, (dict, list)):
                if kept := _sub(value, lambda k, s=subs: k.lower() in s):
                    out[key] = kept  # an empty complex attribute is left out
        elif low not in unwanted:
            subs = {w.split(".", 1)[1] for w in unwanted if w.startswith(low + ".")}
            out[key] = _sub(value, lambda k, s=subs: k.lower() not in s) if subs else value
    return out


def _names_in(text: str | None) -> set[str]:
    return {attr_name(n) for n in (text or "").split(",") if n.strip()}


def _sub(value, keep):
    if isinstance(value, list):
        return [kept for v in value if (kept := _sub(v, keep))]
    return {k: v for k, v in value.items() if keep(k)} if isinstance(value, dict) else value


def operations(payload: object) -> list[tuple[str, str | None, object]]:
    """A PatchOp body -> [(op, path, value)], op lower-case ('add'|'replace'|'remove')."""
    ops = require_object(payload).get("operations")
    if not isinstance(ops, list) or not ops:
        raise ScimError("Operations must be a non-empty list of operations", "invalidSyntax")
    parsed = []
    for item in ops:
        if not isinstance(item, dict):
            raise ScimError("each operation must be an object", "invalidSyntax")
        name = str(item.get("op", "")).lower()  # Entra sends "Replace"
        if name not in ("add", "replace", "remove"):
            raise ScimError(f"unsupported op {item.get('op')!r}: use add, replace or remove",
                            "invalidSyntax")
        path = item.get("path")
        if path is not None and (not isinstance(path, str) or not path.strip()):
            raise ScimError("path must be a non-empty string", "invalidPath")
        if name == "remove" and path is None:
            raise ScimError("remove needs a path", "noTarget")
        if name != "remove" and "value" not in item:
            raise ScimError(f"{name} needs a value", "invalidValue")
        parsed.append((name, path.strip() if path else None, item.get("value")))
    return parsed


def attributes(path: str | None, value: object) -> dict[str, object]:
    """An add/replace as {lower-case attribute: value}: one path, or an object of several."""
    if path is not None:
        return {attr_name(path): value}
    if not isinstance(value, dict):
        raise ScimError("an operation without a path needs an object value", "invalidValue")
    return dict(value)  # already folded by require_object


_MEMBER_FILTER = re.compile(r'^members\s*\[\s*value\s+eq\s+"([^"]*)"\s*\]$', re.I)


def member_filter(path: str) -> str | None:
    """`members[value eq "id"]` -> id (the remove form Okta and Azure AD send)."""
    m = _MEMBER_FILTER.match(path.strip())
    return m.group(1) if m else None


def member_ids(value: object) -> list[str]:
    """A members value, `[{"value": id}, ...]` (a lone object is accepted too) -> ids."""
    items = [value] if isinstance(value, dict) else value
    if not isinstance(items, list):
        raise ScimError('members must be a list of {"value": "<user id>"}')
    ids = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise ScimError('members must be a list of {"value": "<user id>"}')
        ids.append(item["value"])
    return ids


def service_provider_config(base_url: str) -> dict:
    """What this server supports, as RFC 7643 section 5 describes it."""
    return {
        "schemas": [SPC],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_COUNT},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [{
            "type": "oauthbearertoken", "name": "Bearer token", "primary": True,
            "description": "The static token set in ALLOY_SCIM_BEARER_TOKEN"}],
        "meta": {"resourceType": "ServiceProviderConfig",
                 "location": f"{base_url}/scim/v2/ServiceProviderConfig"},
    }
