"""Saved views as MCP resources: `alloy://views` lists them, `alloy://view/{name}` runs one,
embedded and remote over stdio."""

from __future__ import annotations

import json

import anyio
import pytest

from tests.support import Server
from tests.test_mcp_harness import connect, make_world, ok


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("mcp-views"), ALLOY_REGISTRATION="open")
    w = make_world(srv.home, srv)
    project = ok(w.api("POST", "/api/v1/projects",
                       json={"org_id": w.org_id, "key": "VIEW", "name": "Views"}), 201)
    for title in ("Launch rocket", "Paint fins"):
        ok(w.api("POST", f"/api/v1/projects/{project['id']}/tickets", json={"title": title}), 201)
    ok(w.api("POST", f"/api/v1/orgs/{w.org_id}/views",
             json={"name": "Rockets", "query": "rocket is:open"}), 201)
    yield w
    srv.stop()


@pytest.mark.parametrize("transport", ["stdio-embedded", "stdio-remote"])
def test_views_are_resources(world, transport):
    async def go():
        async with connect(world, transport) as client:
            listed = {r.name: r.uri for r in (await client.list_resources()).resources}
            views = await client.read_resource("alloy://views")
            ran = await client.read_resource("alloy://view/rockets")
            spaced = await client.read_resource("alloy://view/Rockets")
            try:
                await client.read_resource("alloy://view/nothing")
                missing = None
            except Exception as e:  # the SDK raises the JSON-RPC error
                missing = e
            return listed, views, ran, spaced, missing

    listed, views, ran, spaced, missing = anyio.run(go)
    assert listed["views"] == "alloy://views"
    assert [v["name"] for v in json.loads(views.contents[0].text)["data"]] == ["Rockets"]
    body = json.loads(ran.contents[0].text)
    assert body["view"]["query"] == "rocket is:open"
    assert [t["title"] for t in body["data"]] == ["Launch rocket"]
    assert json.loads(spaced.contents[0].text) == body
    assert missing is not None and "no view named 'nothing'" in str(missing)
