"""The MCP Workflow Tutorial (spec 43), end to end through the SDK's client, on stdio and HTTP.

The demo data (Acme's DEMO project: 6 tickets, an active sprint, a strict workflow) is made
through the HTTP API, then the ten tutorial steps run as the assistant would call them.
"""

from __future__ import annotations

import datetime as dt

import anyio
import pytest

from tests.test_mcp_harness import HttpMcp, Step, World, _eq, connect, make_world, ok, run_steps
from tests.test_mcp_tools import WORKFLOW

TODAY = dt.date.today()
DEMO = [("Set up CI pipeline", "High", "Backlog"), ("Fix login redirect", "High", "InProgress"),
        ("Write API docs", "Medium", "Backlog"), ("Add dark mode", "Low", "InProgress"),
        ("Create project skeleton", "Medium", "Done"), ("Deploy staging", "High", "Backlog")]
ERROR = ("Transition failed: Cannot transition from Todo to Done. Current status: Todo. "
         "Available transitions: [InProgress, Cancelled]")


def seed(w: World) -> dict:
    """What ./scripts/seed-demo.sh gives the tutorial, made through the API."""
    project = ok(w.api("POST", "/api/v1/projects", json={
        "org_id": w.org_id, "key": "DEMO", "name": "Demo Project",
        "description": "A demo project for Alloy"}), 201)
    tickets = [ok(w.api("POST", f"/api/v1/projects/{project['id']}/tickets", json={
        "title": t, "priority": p, "status": s}), 201)["id"] for t, p, s in DEMO]
    flow = ok(w.api("POST", f"/api/v1/orgs/{w.org_id}/workflows", json=WORKFLOW), 201)
    ok(w.api("PATCH", f"/api/v1/projects/{project['id']}", json={"workflow_id": flow["id"]}))
    sprint = ok(w.api("POST", f"/api/v1/projects/{project['id']}/sprints", json={
        "name": "Sprint 1", "start_date": str(TODAY),
        "end_date": str(TODAY + dt.timedelta(days=14))}), 201)
    ok(w.api("POST", f"/api/v1/sprints/{sprint['id']}/batch-assign",
             json={"ticket_ids": tickets}))
    ok(w.api("POST", f"/api/v1/sprints/{sprint['id']}/start"))
    return {"demo": project["id"], "ci": tickets[0], "sprint": sprint["id"]}


def _summary(w, s, r):
    _eq(r["project"]["key"], "DEMO")
    _eq((r["ticket_summary"]["total"], r["ticket_summary"]["by_status"]),
        (6, {"Backlog": 3, "InProgress": 2, "Done": 1}))
    _eq([(x["name"], x["status"]) for x in r["sprints"]], [("Sprint 1", "Active")])


def _burndown(w, s, r):
    _eq(r["sprint_id"], s["sprint"])
    known = [p for p in r["data_points"] if p["remaining"] is not None]  # days to come: null
    last = known[-1]
    _eq((last["total"], last["completed"], last["remaining"]), (6, 1, 5))


FLOW = [
    Step("ping", lambda s: {}, lambda w, s, r: _eq(
        r.startswith("Alloy MCP connected to ") and f" as {w.email} (org " in r, True)),
    Step("whoami", lambda s: {}, lambda w, s, r: _eq((r["email"], r["user_id"], r["org_id"]),
                                                     (w.email, w.user_id, w.org_id))),
    Step("get_project_summary", lambda s: {"project_id": s["demo"]}, _summary, ("demo",)),
    Step("search_tickets", lambda s: {"project_id": s["demo"], "priority": "High"},
         lambda w, s, r: _eq(([t["title"] for t in r["data"]], r["has_more"]), (
             ["Set up CI pipeline", "Fix login redirect", "Deploy staging"], False)), ("demo",)),
    Step("assign_ticket", lambda s: {"ticket_id": s["ci"], "assignee_id": s["me"]},
         lambda w, s, r: _eq((r["assignee_id"], r["ticket_number"]), (w.user_id, 1)), ("ci",)),
    Step("transition_ticket", lambda s: {"ticket_id": s["ci"], "to_status": "Todo"},
         lambda w, s, r: _eq(r.get("status", r.get("ticket", {}).get("status")), "Todo"),
         ("ci",)),
    Step("transition_ticket", lambda s: {"ticket_id": s["ci"], "to_status": "Done"},
         needs=("ci",), error=ERROR),
    Step("add_comment", lambda s: {"ticket_id": s["ci"], "body": "Will use GitHub Actions "
                                   "with Rust caching. ETA: end of sprint."},
         lambda w, s, r: _eq((r["author_id"], r["parent_comment_id"]), (w.user_id, None)),
         ("ci",)),
    Step("log_time", lambda s: {"ticket_id": s["ci"], "project_id": s["demo"],
                                "date": str(TODAY), "duration_minutes": 120,
                                "activity_type": "Coding"},
         lambda w, s, r: _eq((r["status"], r["duration_minutes"], r["activity_type"]),
                             ("Draft", 120, "Coding")), ("ci",)),
    Step("create_ticket", lambda s: {
        "project_id": s["demo"], "title": "Fix Docker build cache invalidation",
        "description": "Docker layer caching breaks on dependency updates, causing 20-minute "
                       "builds", "priority": "Urgent"},
         lambda w, s, r: _eq((r["ticket_number"], r["status"], r["priority"], r["reporter_id"]),
                             (7, "Backlog", "Urgent", w.user_id)), ("demo",)),
    Step("get_sprint_burndown", lambda s: {"sprint_id": s["sprint"]}, _burndown, ("sprint",)),
]


@pytest.fixture(scope="module")
def tutorial_server(tmp_path_factory):
    from tests.support import Server

    srv = Server(tmp_path_factory.mktemp("mcp-tutorial"), ALLOY_REGISTRATION="open")
    yield srv
    srv.stop()


@pytest.mark.parametrize("transport", ["stdio-remote", "http-remote", "stdio-embedded",
                                       "http-embedded"])
def test_tutorial_flow(tutorial_server, transport):
    world = make_world(tutorial_server.home, tutorial_server)
    state = {"me": world.user_id, **seed(world)}
    http = HttpMcp(world.mcp_env(transport), world.home / f"tutorial-{transport}.log") \
        if transport.startswith("http") else None

    async def go():
        async with connect(world, transport, http) as client:
            return await run_steps(client, world, FLOW, state)

    try:
        outcomes = anyio.run(go)
    finally:
        if http:
            http.stop()
    failures = [why for steps in outcomes.values() for kind, why in steps if kind == "fail"]
    assert not failures, "\n".join(failures)
