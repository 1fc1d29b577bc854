"""The MCP Guide's transports and start-up rules: the raw stdio handshake, token checks at
start (prefix, /auth/me) with clear errors and exit codes, per-request Bearer auth over
HTTP, the OAuth discovery document, and actionable MCP errors."""

from __future__ import annotations

import json
import subprocess

import anyio
import httpx
import pytest

from tests.support import BIN, auth, base_env, free_port
from tests.test_mcp_harness import HttpMcp, connect, data, make_world

INIT = ('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":'
        '"2024-11-05","capabilities":{},"clientInfo":{"name":"test","version":"0.1.0"}}}')


@pytest.fixture(scope="module")
def mcp_server(tmp_path_factory):
    from tests.support import Server

    srv = Server(tmp_path_factory.mktemp("mcp-transports"), ALLOY_REGISTRATION="open")
    yield srv
    srv.stop()


@pytest.fixture
def world(mcp_server):
    return make_world(mcp_server.home, mcp_server)


def run_mcp(env: dict, stdin: str = "", args=()) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "alloy-mcp"), *args], env=env, input=stdin, text=True,
                          capture_output=True, timeout=60)


@pytest.mark.parametrize("transport", ["stdio-remote", "stdio-embedded"])
def test_stdio_handshake_as_the_guide_shows(world, transport):
    proc = run_mcp(world.mcp_env(transport), INIT + "\n")
    assert proc.returncode == 0, proc.stderr
    reply = json.loads(proc.stdout.splitlines()[0])
    assert reply["id"] == 1
    assert reply["result"]["serverInfo"]["name"] == "alloy-mcp"
    assert reply["result"]["protocolVersion"] == "2024-11-05"
    caps = reply["result"]["capabilities"]
    assert {"tools", "prompts", "resources"} <= set(caps)


def test_startup_errors_are_clear_with_exit_codes(world, tmp_path):
    env = base_env(tmp_path, ALLOY_API_URL=world.server.url)
    cases = [
        ({"ALLOY_API_TOKEN": "not-an-alloy-key"}, 3, "invalid API token"),
        ({"ALLOY_API_TOKEN": "alloy_live_" + "x" * 32}, 3, "unauthorized"),
        ({}, 3, "ALLOY_API_TOKEN is not"),
        ({"ALLOY_API_TOKEN": world.api_key,
          "ALLOY_API_URL": f"http://127.0.0.1:{free_port()}"}, 8, "Failed to connect"),
    ]
    for extra, code, text in cases:
        proc = run_mcp({**env, **extra}, INIT + "\n")
        assert proc.returncode == code, (extra, proc.returncode, proc.stderr)
        assert text in proc.stderr and "Traceback" not in proc.stderr and not proc.stdout
    embedded = run_mcp(base_env(tmp_path / "empty"), INIT + "\n")
    assert embedded.returncode == 3 and "alloy auth login" in embedded.stderr


def test_http_bearer_per_request_and_discovery(mcp_server, world):
    other = make_world(mcp_server.home, mcp_server)
    http = HttpMcp(world.mcp_env("http-remote"), world.home / "mcp-http-auth.log")
    try:
        body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": json.loads(INIT)[
            "params"]}
        headers = {"Accept": "application/json, text/event-stream"}
        anonymous = httpx.post(http.url + "/mcp", json=body, headers=headers)
        assert anonymous.status_code == 401 and "Bearer" in anonymous.headers["www-authenticate"]
        forged = httpx.post(http.url + "/mcp", json=body,
                            headers={**headers, **auth("alloy_live_" + "y" * 32)})
        assert forged.status_code == 401
        meta = httpx.get(http.url + "/.well-known/oauth-authorization-server").json()
        assert meta["issuer"] == http.url and meta["token_endpoint"].startswith(
            world.server.url)
        resource = httpx.get(http.url + "/.well-known/oauth-protected-resource/mcp").json()
        assert resource["resource"] == http.url + "/mcp"

        async def whoami(w, bearer):
            async with connect(w, "http-remote", http, bearer) as client:
                return data(await client.call_tool("whoami", {}))

        # one server, each request acts as its own Bearer token
        assert anyio.run(whoami, world, world.api_key)["email"] == world.email
        assert anyio.run(whoami, other, other.api_key)["email"] == other.email
        assert anyio.run(whoami, other, other.token)["user_id"] == other.user_id
        keys = world.api("GET", "/api/v1/api-keys").json()
        mine = next(k["id"] for k in keys if k["name"] == "MCP Server")
        assert world.api("DELETE", f"/api/v1/api-keys/{mine}").status_code == 204
        revoked = httpx.post(http.url + "/mcp", json=body,
                             headers={**headers, **auth(world.api_key)})
        assert revoked.status_code == 401
    finally:
        http.stop()


def test_tool_failures_are_results_the_assistant_reads(mcp_server, world):
    """DESIGN.md: a tool that runs and fails answers a result with isError and the book's
    message; JSON-RPC errors are for protocol faults (unknown tool -32602, unknown resource
    -32002)."""
    from mcp.shared.exceptions import MCPError

    invite = world.api("POST", f"/api/v1/orgs/{world.org_id}/invites",
                       json={"role": "Viewer"}).json()
    viewer = mcp_server.http.post("/api/v1/auth/register", json={
        "email": f"viewer-{world.email}", "password": "password123", "display_name": "V",
        "invite_code": invite["invite_code"]}).json()
    key = mcp_server.http.post("/api/v1/api-keys", headers=auth(viewer["access_token"]),
                               json={"name": "viewer"}).json()["key"]

    async def go():
        results, faults = {}, {}
        async with connect(world, "stdio-remote") as client:
            for name, args in [
                    ("delete_api_key", {"id": "00000000-0000-7000-8000-000000000000"}),
                    ("get_ticket", {"ticket_id": "00000000-0000-7000-8000-000000000000"}),
                    ("create_invite", {"role": "Emperor"}),
                    ("create_api_key", {}),
                    ("create_api_key", {"name": "x", "bogus": 1})]:
                result = await client.call_tool(name, args)
                results[(name, tuple(args))] = (result.is_error, result.content[0].text)
            for kind, call in [("tool", client.call_tool("no_such_tool", {})),
                               ("resource", client.read_resource("alloy://nothing/here")),
                               ("ticket", client.read_resource(
                                   "alloy://ticket/00000000-0000-7000-8000-000000000000"))]:
                try:
                    await call
                except MCPError as e:
                    faults[kind] = (e.code, e.message)
        world.api_key = key  # now act as the Viewer
        async with connect(world, "stdio-remote") as client:
            result = await client.call_tool("create_invite", {"email": "x@example.com"})
            results["viewer"] = (result.is_error, result.content[0].text)
        return results, faults

    results, faults = anyio.run(go)
    failed, msg = results[("delete_api_key", ("id",))]
    assert failed and msg.startswith("Not found: ") and "Verify the ID" in msg
    failed, msg = results[("get_ticket", ("ticket_id",))]
    assert failed and msg.startswith("Not found: ")
    failed, msg = results[("create_invite", ("role",))]
    assert failed and msg.startswith("Validation error: ") and "role" in msg
    failed, msg = results[("create_api_key", ())]
    assert failed and "name: is required" in msg
    failed, msg = results[("create_api_key", ("name", "bogus"))]
    assert failed and "bogus: unknown parameter" in msg
    failed, msg = results["viewer"]
    assert failed and msg.startswith("Permission denied: ")
    assert faults["tool"][0] == -32602 and "Unknown tool: no_such_tool" in faults["tool"][1]
    assert faults["resource"][0] == -32002 and "alloy://nothing/here" in faults["resource"][1]
    assert faults["ticket"][0] == -32002
    assert "Traceback" not in str(results) + str(faults)


@pytest.mark.parametrize("transport", ["stdio-remote", "stdio-embedded"])
def test_end_of_input_waits_for_the_answers(world, transport):
    """`printf '<initialize>\\n<initialized>\\n<tools/call>\\n' | alloy-mcp`: input ends
    while the call runs; the answer still comes before the server exits."""
    lines = [INIT, '{"jsonrpc":"2.0","method":"notifications/initialized"}',
             '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_projects",'
             '"arguments":{}}}',
             '{"jsonrpc":"2.0","id":3,"method":"tools/list"}']
    proc = run_mcp(world.mcp_env(transport), "\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    replies = {r["id"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert set(replies) == {1, 2, 3}, proc.stdout
    assert not replies[2]["result"].get("isError"), replies[2]
    assert "items" in json.loads(replies[2]["result"]["content"][0]["text"])


@pytest.mark.parametrize("remote", [True, False])
def test_http_needs_no_startup_identity(world, remote):
    """Over HTTP the Bearer token is the identity: no ALLOY_API_TOKEN, no saved login needed."""
    env = base_env(world.home)  # the server's database, but an empty config dir (no login)
    env["ALLOY_CONFIG_DIR"] = str(world.home / "no-login")
    if remote:
        env["ALLOY_API_URL"] = world.server.url
    http = HttpMcp(env, world.home / f"mcp-http-bare-{remote}.log")

    async def whoami():
        async with connect(world, "http", http, world.api_key) as client:
            return data(await client.call_tool("whoami", {}))

    try:
        assert anyio.run(whoami)["user_id"] == world.user_id
    finally:
        http.stop()


def test_embedded_http_serves_the_token_endpoint_it_advertises(world):
    """Embedded `alloy-mcp --http` has no API server beside it: the discovery document's
    token and refresh endpoints are its own, and they work."""
    env = base_env(world.home)
    env["ALLOY_CONFIG_DIR"] = str(world.home / "no-login-token")
    http = HttpMcp(env, world.home / "mcp-http-token.log")
    try:
        meta = httpx.get(http.url + "/.well-known/oauth-authorization-server").json()
        assert meta["token_endpoint"] == http.url + "/api/v1/auth/login"
        login = httpx.post(meta["token_endpoint"],
                           json={"email": world.email, "password": "password123"})
        assert login.status_code == 200, login.text
        pair = login.json()
        body = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": json.loads(INIT)["params"]}
        headers = {"Accept": "application/json, text/event-stream"}
        init = httpx.post(http.url + "/mcp", json=body,
                          headers={**headers, **auth(pair["access_token"])})
        assert init.status_code == 200, init.text
        again = httpx.post(meta["alloy_refresh_endpoint"],
                           json={"refresh_token": pair["refresh_token"]})
        assert again.status_code == 200 and again.json()["access_token"]
        wrong = httpx.post(meta["token_endpoint"],
                           json={"email": world.email, "password": "wrong-password"})
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "UNAUTHORIZED"
        junk = httpx.post(meta["token_endpoint"], content=b"{not json",
                          headers={"Content-Type": "application/json"})
        assert junk.status_code == 400 and junk.json()["error"]["code"] == "BAD_REQUEST"
        missing = httpx.post(meta["token_endpoint"], json={"email": world.email})
        assert missing.status_code in (400, 422) and "error" in missing.json()
    finally:
        http.stop()
