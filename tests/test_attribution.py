"""Every action is attributable: ticket activity names the credential that acted (an access
token's session, an API key by id and name, an MCP client by its `initialize` name, or the
embedded CLI), through the HTTP API, `alloy ticket activity` and the real MCP client."""

from __future__ import annotations

import anyio
import pytest

from tests.support import Server, auth, cli
from tests.test_mcp_harness import HttpMcp, connect, make_world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("attribution"), ALLOY_REGISTRATION="open")
    yield make_world(server.home, server)
    server.stop()


@pytest.fixture(scope="module")
def ticket(world):
    """A ticket created with the user's access token (a session)."""
    r = world.api("POST", "/api/v1/projects", json={"org_id": world.org_id, "key": "ATT",
                                                     "name": "Attribution"})
    assert r.status_code == 201, r.text
    r = world.api("POST", f"/api/v1/projects/{r.json()['id']}/tickets", json={"title": "T"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _last_via(world, ticket_id: str) -> dict:
    r = world.api("GET", f"/api/v1/tickets/{ticket_id}/activity?limit=100")
    assert r.status_code == 200, r.text
    return r.json()["items"][-1]["via"]


def _mcp_update(world, ticket_id, transport, title, http=None):
    from mcp_types import Implementation

    async def go():
        async with connect(world, transport, http,
                           client_info=Implementation(name="Claude Code", version="1")) as c:
            result = await c.call_tool("update_ticket", {"ticket_id": ticket_id, "title": title})
            assert not result.is_error, result
    anyio.run(go)


def test_a_session_and_an_api_key_are_named(world, ticket):
    assert _last_via(world, ticket) == {"kind": "session", "id": None, "name": None,
                                        "client": None}
    r = world.api("POST", "/api/v1/api-keys", json={"name": "CI", "scopes": ["write"]})
    assert r.status_code == 201, r.text
    key = r.json()
    upd = world.server.http.patch(f"/api/v1/tickets/{ticket}", headers=auth(key["key"]),
                                  json={"title": "by CI"})
    assert upd.status_code == 200, upd.text
    assert _last_via(world, ticket) == {"kind": "api_key", "id": key["id"], "name": "CI",
                                        "client": None}


def test_mcp_clients_are_named_over_stdio_and_http(world, ticket):
    keys = world.api("GET", "/api/v1/api-keys").json()
    keys = keys["items"] if isinstance(keys, dict) else keys
    mcp_key = next(k["id"] for k in keys if k["name"] == "MCP Server")
    _mcp_update(world, ticket, "stdio-embedded", "by stdio")
    assert _last_via(world, ticket) == {"kind": "mcp", "id": None, "name": None,
                                        "client": "Claude Code"}
    _mcp_update(world, ticket, "stdio-remote", "by stdio remote")
    assert _last_via(world, ticket) == {"kind": "mcp", "id": mcp_key, "name": "MCP Server",
                                        "client": "Claude Code"}
    http = HttpMcp(world.mcp_env("http-embedded"), world.home / "mcp-attribution.log")
    try:
        _mcp_update(world, ticket, "http-embedded", "by http", http)
    finally:
        http.stop()
    assert _last_via(world, ticket) == {"kind": "mcp", "id": mcp_key, "name": "MCP Server",
                                        "client": "Claude Code"}


def test_a_declared_client_name_is_printable_and_short(world, ticket):
    r = world.server.http.patch(f"/api/v1/tickets/{ticket}", json={"title": "declared"},
                                headers={**auth(world.token),
                                         "X-Alloy-MCP-Client": "\x1b[31mx" + "y" * 300})
    assert r.status_code == 200, r.text
    via = _last_via(world, ticket)
    assert via["kind"] == "mcp" and via["client"] == ("[31mx" + "y" * 300)[:100]


def test_cli_activity_shows_via(world, ticket):
    env = world.mcp_env("stdio-embedded")  # the user saved by `alloy auth login`
    cli(["ticket", "update", "ATT-1", "--title", "by the CLI"], env)
    assert _last_via(world, ticket)["kind"] == "embedded"
    table = cli(["ticket", "activity", "ATT-1", "--limit", "100", "--format", "table"], env)
    for shown in ("VIA", "session", "key CI", "mcp Claude Code", "embedded"):
        assert shown in table.stdout, table.stdout
    plain = cli(["ticket", "activity", "ATT-1", "--limit", "100", "--format", "plain"], env)
    assert plain.stdout.splitlines()[0] == "ticket.created\tsession"
    as_json = cli(["ticket", "activity", "ATT-1", "--limit", "100", "--format", "json"], env)
    assert as_json.data["data"][0]["via"]["kind"] == "session"


def test_openapi_types_via(world):
    doc = world.server.http.get("/schema/openapi.json").json()
    schemas = doc["components"]["schemas"]
    via = schemas["Activity"]["properties"]["via"]
    refs = [s.get("$ref", "") for s in via.get("oneOf", via.get("anyOf", [via]))]
    assert "#/components/schemas/Credential" in refs, via
    assert set(schemas["Credential"]["properties"]) == {"kind", "id", "name", "client"}
    assert schemas["Credential"]["required"] == ["kind"]
