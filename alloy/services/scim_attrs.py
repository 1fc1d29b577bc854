"""What a SCIM directory says about its users and groups beyond Alloy's own fields.

`externalId`, a user's `name.givenName`/`familyName` and `emails` belong to the identity
provider's view of a person, one view per organization (accounts are global): they live in
`scim_attributes`, keyed by organization and user or team id, and are read back unchanged.
"""

from __future__ import annotations

import json

from alloy.context import Ctx
from alloy.domain import scim as S

FIELDS = ("external_id", "formatted", "given_name", "family_name", "emails")


def save(ctx: Ctx, org_id: str, resource_id: str, changes: dict) -> None:
    """Store `changes` (a subset of FIELDS; None clears, `emails` a list) for one resource."""
    if not changes:
        return
    row = {k: (json.dumps(v) if k == "emails" and v is not None else v)
           for k, v in changes.items()}
    key = {"org_id": org_id, "resource_id": resource_id}
    if not ctx.db.update("scim_attributes", key, row):
        ctx.db.insert("scim_attributes", {**key, **row})


def forget(ctx: Ctx, org_id: str, resource_id: str) -> None:
    ctx.db.run("DELETE FROM scim_attributes WHERE org_id = ? AND resource_id = ?",
               org_id, resource_id)


def external_id(value: object) -> str | None:
    return None if value is None else S.as_text(value, "externalId")


def emails(value: object) -> list[dict]:
    """A SCIM emails value -> [{"value", "type"?, "primary"?}] (a lone object is one email)."""
    items = [value] if isinstance(value, dict) else value
    if value is None:
        return []
    if not isinstance(items, list):
        raise S.ScimError('emails must be a list of {"value": "<address>"}')
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise S.ScimError('emails must be a list of {"value": "<address>"}')
        email = {"value": S.as_email(item.get("value"), "emails.value")}
        if item.get("type") is not None:
            email["type"] = S.as_text(item["type"], "emails.type", 32).lower()
        if item.get("primary") is not None:
            email["primary"] = S.as_bool(item["primary"], "emails.primary")
        out.append(email)
    return one_primary(out)


def one_primary(items: list[dict]) -> list[dict]:
    """RFC 7643 §2.4: `primary: true` at most once; the last one given wins."""
    last = max((i for i, e in enumerate(items) if e.get("primary")), default=None)
    return [{**e, "primary": False} if e.get("primary") and i != last else e
            for i, e in enumerate(items)]


def stored_emails(row: dict) -> list[dict] | None:
    return None if row.get("emails_json") is None else json.loads(row["emails_json"])
