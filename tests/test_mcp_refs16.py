"""MCP with one org at a time (issue 16): ALLOY_ORG_ID in remote mode, and tickets and
projects named as people name them (`SIDE-3`, `SIDE`), through a real SDK client."""

from __future__ import annotations

import datetime as dt
import json

import anyio
import pytest

from tests.support import auth
from tests.test_mcp_harness import connect, data, make_world
from tests.test_mcp_transports import INIT, run_mcp


@pytest.fixture(scope="module")
def side(tmp_path_factory):
    """A user with a personal org and a team org holding SIDE-1..3; a key made in the team."""
    from tests.support import Server

    home = tmp_path_factory.mktemp("mcp-refs")
    srv = Server(home, ALLOY_REGISTRATION="open")
    w = make_world(home, srv)
    team = w.api("POST", "/api/v1/orgs", json={"name": "Side", "slug": f"side-{w.user_id[:8]}"})
    team = team.json()
    h = {**auth(w.token), "X-Alloy-Org-Id": team["id"]}
    key = srv.http.post("/api/v1/api-keys", headers=h, json={
        "name": "Team MCP", "scopes": ["read", "write"]}).json()["key"]
    project = srv.http.post("/api/v1/projects", headers=h,
                            json={"org_id": team["id"], "key": "SIDE", "name": "Side"}).json()
    tickets = [srv.http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h,
                             json={"title": f"side {n}"}).json() for n in (1, 2, 3)]
    yield w, team, key, project, tickets
    srv.stop()


def _env(w, transport, **extra):
    def env(t):
        return {**w.mcp_env(t), **extra}
    return type("W", (), {"mcp_env": staticmethod(env), "home": w.home,
                          "api_key": w.api_key})()


@pytest.mark.parametrize("transport", ["stdio-remote", "stdio-embedded"])
def test_keys_name_tickets_and_projects(side, transport):
    w, team, key, project, tickets = side
    extra = {"ALLOY_ORG_ID": team["id"]}
    if transport == "stdio-remote":
        extra["ALLOY_API_TOKEN"] = key  # a key of the team org, which ALLOY_ORG_ID names
    env = _env(w, transport, **extra)

    async def go():
        async with connect(env, transport) as c:
            me = data(await c.call_tool("whoami", {}))
            assert me["org_id"] == team["id"]  # ALLOY_ORG_ID honoured
            got = data(await c.call_tool("get_ticket", {"ticket_id": "side-3"}))
            assert got["id"] == tickets[2]["id"]
            logged = data(await c.call_tool("log_time", {
                "ticket_id": "SIDE-3", "project_id": "SIDE", "date": dt.date.today().isoformat(),
                "duration_minutes": 120, "activity_type": "Coding"}))
            assert logged["ticket_id"] == tickets[2]["id"]
            assert logged["project_id"] == project["id"]
            await c.call_tool("batch_transition", {"ticket_ids": ["SIDE-1", "SIDE-2"],
                                                   "to_status": "Todo"})
            missing = await c.call_tool("get_ticket", {"ticket_id": "SIDE-99"})
            assert missing.is_error and "SIDE-99" in missing.content[0].text  # a tool error
    anyio.run(go)
    entries = w.api("GET", f"/api/v1/tickets/{tickets[2]['id']}/time-entries").json()["items"]
    assert 120 in [e["duration_minutes"] for e in entries]
    for t in tickets[:2]:
        assert w.api("GET", f"/api/v1/tickets/{t['id']}").json()["status"] == "Todo"


def test_embedded_finds_a_key_in_the_other_org(side):
    """Embedded, acting in the personal org: SIDE-2 lives in the one other org."""
    w, team, key, project, tickets = side
    env = _env(w, "stdio-embedded", ALLOY_ORG_ID=w.org_id)

    async def go():
        async with connect(env, "stdio-embedded") as c:
            assert data(await c.call_tool("whoami", {}))["org_id"] == w.org_id
            got = data(await c.call_tool("get_ticket", {"ticket_id": "SIDE-2"}))
            assert got["id"] == tickets[1]["id"]
    anyio.run(go)


def test_org_id_a_key_cannot_act_in_stops_the_start_clearly(side):
    w, team, key, project, tickets = side
    env = {**w.mcp_env("stdio-remote"), "ALLOY_ORG_ID": team["id"]}  # w.api_key: personal org
    proc = run_mcp(env, INIT + "\n")
    assert proc.returncode == 3, proc.stderr
    assert "ALLOY_ORG_ID" in proc.stderr and "api-key create" in proc.stderr
    assert "Traceback" not in proc.stderr and not proc.stdout
    ok = run_mcp({**env, "ALLOY_API_TOKEN": key}, INIT + "\n")
    assert ok.returncode == 0 and json.loads(ok.stdout.splitlines()[0])["id"] == 1
