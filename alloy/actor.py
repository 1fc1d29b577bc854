"""Who is acting: the identity a request or an embedded command runs as, and through what.

The role is not frozen in here: it is read from the database per organization on every
call (see `alloy.context.Ctx.role_in`), so a changed role applies at once.
"""

from __future__ import annotations

import msgspec

# Sent by a client acting for an MCP client (the name from its `initialize` clientInfo).
MCP_CLIENT_HEADER = "X-Alloy-MCP-Client"


class Credential(msgspec.Struct, frozen=True, kw_only=True):
    """What an action came through, recorded on every audit row (the activity's `via`).

    kind: session (an access token) | api_key | mcp (through alloy-mcp) | integration
    (SCIM, Slack, GitHub) | embedded (in-process, as the saved user, no token).
    id, name: the API key acted with (for an integration, name is the integration).
    client: the MCP client's self-declared name.
    """

    kind: str
    id: str | None = None
    name: str | None = None
    client: str | None = None


EMBEDDED = Credential(kind="embedded")


def client_name(raw: str | None) -> str:
    """A declared MCP client name fit to store and print: printable, at most 100 characters."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable()).strip()[:100]
    return text or "unknown"


def via_label(via: dict | None) -> str:
    """A credential in a few words, as the CLI and TUI show it: "key CI", "mcp Claude"."""
    if not via:
        return "-"
    kind = via.get("kind") or "-"
    if kind == "api_key":
        return f"key {via.get('name') or via.get('id')}"
    if kind == "mcp":
        return f"mcp {via.get('client') or 'unknown'}"
    if kind == "integration":
        return f"integration {via.get('name')}"
    return kind


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    user_id: str
    email: str = ""
    org_id: str | None = None
    org_named: bool = False  # org_id was named for this request (X-Alloy-Org-Id, ALLOY_ORG_ID)
    scopes: tuple[str, ...] = ("*",)
    allowed_project_ids: tuple[str, ...] | None = None
    credential: Credential = EMBEDDED  # an actor built in-process acts without a token

    @property
    def api_key_id(self) -> str | None:
        return self.credential.id

    @property
    def is_api_key(self) -> bool:
        return self.api_key_id is not None

    def through_mcp(self, client: str | None) -> Actor:
        """The same identity and key, acting for the MCP client named `client`."""
        via = msgspec.structs.replace(self.credential, kind="mcp", client=client_name(client))
        return msgspec.structs.replace(self, credential=via)
