"""docs/mcp.md's examples, executed: the handshake one-liner, the assistant configurations
(started exactly as an assistant would start them) and the discovery curl."""

from __future__ import annotations

import json
import os
import re
import subprocess

import anyio
import pytest

from tests.support import BIN, ROOT
from tests.test_mcp_harness import TOOL_NAMES, HttpMcp, make_world

DOC = ROOT / "docs" / "mcp.md"


def blocks(tag: str) -> list[str]:
    return re.findall(rf"<!-- doc-test: {tag} -->\n```\w+\n(.*?)```", DOC.read_text(), re.S)


@pytest.fixture(scope="module")
def doc_world(tmp_path_factory):
    from tests.support import Server

    srv = Server(tmp_path_factory.mktemp("mcp-docs"), ALLOY_REGISTRATION="open")
    yield make_world(srv.home, srv)
    srv.stop()


def sh(script: str, world, env: dict) -> subprocess.CompletedProcess:
    script = (script.replace("http://localhost:3000", world.server.url)
              .replace("alloy_live_your_key", world.api_key))
    env = {**env, "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}"}
    return subprocess.run(["bash", "-c", script], env=env, text=True, capture_output=True,
                          timeout=60)


def test_handshake_example(doc_world):
    (script,) = blocks("handshake")
    proc = sh(script, doc_world, doc_world.mcp_env("stdio-embedded"))
    assert proc.returncode == 0, proc.stderr
    reply = json.loads(proc.stdout)
    assert reply["result"]["serverInfo"]["name"] == "alloy-mcp"
    assert reply["result"]["protocolVersion"] == "2024-11-05"


def test_assistant_configurations_start_the_server(doc_world):
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    configs = [json.loads(b)["mcpServers"]["alloy"] for b in blocks("config")]
    assert [c["command"] for c in configs] == ["alloy-mcp", "alloy-mcp"]

    async def start(cfg) -> list[str]:
        env = {k: v.replace("http://localhost:3000", doc_world.server.url)
               .replace("alloy_live_your_api_key_here", doc_world.api_key)
               for k, v in cfg.get("env", {}).items()}
        base = doc_world.mcp_env("stdio-embedded")  # data dir and saved login (embedded)
        params = StdioServerParameters(command=str(BIN / cfg["command"]), env={**base, **env})
        async with Client(params) as client:
            who = await client.call_tool("whoami", {})
            assert json.loads(who.content[0].text)["email"] == doc_world.email
            return [t.name for t in (await client.list_tools()).tools]

    for cfg in configs:
        assert sorted(anyio.run(start, cfg)) == sorted(TOOL_NAMES)


def test_discovery_example(doc_world):
    (script,) = blocks("discovery")
    http = HttpMcp(doc_world.mcp_env("http-remote"), doc_world.home / "docs-http.log")
    try:
        proc = sh(script.replace("localhost:3001", f"127.0.0.1:{http.port}"), doc_world,
                  dict(os.environ))
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout) == http.url
    finally:
        http.stop()


def test_help_names_the_environment():
    proc = subprocess.run([str(BIN / "alloy-mcp"), "--help"], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0 and "ALLOY_API_TOKEN" in proc.stdout and "--http" in proc.stdout
    bad = subprocess.run([str(BIN / "alloy-mcp"), "--http", "nope"], capture_output=True,
                         text=True, timeout=30)
    assert bad.returncode == 2 and "HOST:PORT" in bad.stderr


def test_failed_call_example(doc_world):
    """The failed-call example: get_ticket of an id that does not exist, answered as shown."""
    from tests.test_mcp_harness import connect

    (example,) = blocks("tool-error")

    async def call():
        async with connect(doc_world, "stdio-remote") as client:
            return await client.call_tool(
                "get_ticket", {"ticket_id": "00000000-0000-7000-8000-000000000000"})

    result = anyio.run(call)
    got = result.model_dump(by_alias=True, exclude_none=True, mode="json")
    got = {k: v for k, v in got.items() if k in ("content", "isError")}  # SDK bookkeeping aside
    assert got == json.loads(example)
