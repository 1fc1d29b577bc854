"""MCP `search_tickets` with `query` (the query language), embedded and remote over stdio,
and the `/alloy:search` prompt that uses it."""

from __future__ import annotations

import anyio
import pytest

from tests.support import Server
from tests.test_mcp_harness import connect, data, make_world, ok


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("mcp-search"), ALLOY_REGISTRATION="open")
    w = make_world(srv.home, srv)
    for key in ("ROCK", "ROLL"):
        project = ok(w.api("POST", "/api/v1/projects",
                           json={"org_id": w.org_id, "key": key, "name": key}), 201)
        for title, priority in ((f"Launch {key} rocket", "High"), (f"Paint {key} fins", "Low")):
            ok(w.api("POST", f"/api/v1/projects/{project['id']}/tickets",
                     json={"title": title, "priority": priority}), 201)
    yield w
    srv.stop()


@pytest.mark.parametrize("transport", ["stdio-embedded", "stdio-remote"])
def test_search_tickets_takes_a_query(world, transport):
    async def go():
        async with connect(world, transport) as client:
            calls = {
                "words": {"query": "rocket"},
                "qualifiers": {"query": "priority:>=high sort:number-asc"},
                "scoped": {"query": "launch", "project_id": "ROLL"},
                "filters": {"query": "fins", "priority": "Low", "status": "Backlog"},
                "paged": {"query": "sort:number-asc", "limit": 1},
                "listing": {"project_id": "ROCK", "priority": "High"},
            }
            out = {name: data(await client.call_tool("search_tickets", args))
                   for name, args in calls.items()}
            bad = await client.call_tool("search_tickets", {"query": "prio:high"})
            neither = await client.call_tool("search_tickets", {"priority": "High"})
            prompt = await client.get_prompt("search", {"query": "rocket is:open"})
            return out, bad, neither, prompt

    out, bad, neither, prompt = anyio.run(go)
    keys = {name: [t["key"] for t in page["data"]] for name, page in out.items()}
    assert set(keys["words"]) == {"ROCK-1", "ROLL-1"}
    assert keys["qualifiers"] == ["ROCK-1", "ROLL-1"]
    assert keys["scoped"] == ["ROLL-1"]
    assert set(keys["filters"]) == {"ROCK-2", "ROLL-2"}
    assert keys["paged"] == ["ROCK-1"] and out["paged"]["has_more"] is True
    assert keys["listing"] == ["ROCK-1"]  # without query: the reference's project listing
    assert bad.is_error and 'unknown qualifier "prio:"' in bad.content[0].text
    assert neither.is_error and "query or project_id" in neither.content[0].text
    said = prompt.messages[0].content.text
    assert "rocket is:open" in said and "search_tickets" in said and "`query`" in said
