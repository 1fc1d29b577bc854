"""Every tool of the MCP Tools Reference, called through `alloy-mcp` with the SDK's client,
over stdio and HTTP, embedded and remote; each effect checked through the HTTP API.

One scenario per transport runs the tools in a dependent order (project -> tickets -> ...);
a step that needed an earlier step's output fails with it.
"""

from __future__ import annotations

import datetime as dt

import anyio
import pytest

from tests.test_mcp_harness import (
    PROMPTS,
    TEMPLATES,
    TOOL_NAMES,
    HttpMcp,
    Step,
    _eq,
    _fail,
    connect,
    data,
    get,
    gone,
    ids,
    keep,
    make_world,
    ok,
    run_steps,
)

TODAY = dt.date.today()


def _created_project(w, s, r):
    s["project"] = r["id"]
    assert get(w, f"/api/v1/projects/{r['id']}")["key"] == s["key"]


def _updated_project(w, s, r):
    p = get(w, f"/api/v1/projects/{s['project']}")
    assert (p["name"], p["budget_cents"], p["description"]) == ("Renamed", 500000, None)


def _workflow_renamed_and_assigned(w, s, r):
    assert get(w, f"/api/v1/workflows/{s['workflow']}")["name"] == "Strict Flow v2"
    ok(w.api("PATCH", f"/api/v1/projects/{s['project']}", json={"workflow_id": s["workflow"]}))


def _ticket(key):
    def check(w, s, r):
        assert r["status"] == "Backlog" and r["project_id"] == s["project"], r
        s[key] = r["id"]
        assert get(w, f"/api/v1/tickets/{r['id']}")["title"] == r["title"]
    return check


def _ticket_is(field, value, key="ticket"):
    def check(w, s, r):
        want = s[value[1:]] if isinstance(value, str) and value.startswith("$") else value
        assert get(w, f"/api/v1/tickets/{s[key]}")[field] == want
    return check


def _status_is(status, key="ticket"):
    return _ticket_is("status", status, key)


def _tags_are(keys):
    def check(w, s, r):
        tags = get(w, f"/api/v1/orgs/{w.org_id}/ticket/{s['ticket']}/tags")
        tags = tags["items"] if isinstance(tags, dict) else tags
        assert sorted(t["key"] for t in tags) == keys
    return check


def _in(path_fn, key, present=True, field="id"):
    def check(w, s, r):
        found = get(w, path_fn(w, s))
        items = found["items"] if isinstance(found, dict) else found
        assert (s[key] in [i.get(field) for i in items]) is present
    return check


def _listed(key, shape="data", field="id"):
    def check(w, s, r):
        items = r if shape == "array" else r[shape]
        assert s[key] in [i.get(field) for i in items], r
    return check


WORKFLOW = {
    "name": "Strict Flow", "enforcement": "strict",
    "statuses": [{"name": n, "category": c} for n, c in [
        ("Backlog", "todo"), ("Todo", "todo"), ("InProgress", "in_progress"),
        ("InReview", "in_progress"), ("Done", "done"), ("Cancelled", "cancelled")]],
    "transitions": [{"from": a, "to": b} for a, b in [
        ("Backlog", "Todo"), ("Backlog", "Cancelled"), ("Todo", "InProgress"),
        ("Todo", "Cancelled"), ("InProgress", "InReview"), ("InReview", "Done"),
        ("InReview", "InProgress")]]}
P, T, T2 = ("project",), ("ticket",), ("ticket", "ticket2")

STEPS = [
    Step("ping", lambda s: {}, lambda w, s, r: (w.email in r and w.org_id in r) or _fail(r)),
    Step("whoami", lambda s: {}, lambda w, s, r: _eq(r, {
        "user_id": w.user_id, "org_id": w.org_id, "email": w.email, "role": "Owner"})),
    Step("create_project", lambda s: {"key": s["key"], "name": "Rocket Launch",
                                      "description": "Space exploration"}, _created_project, gives=('project',)),
    Step("list_projects", lambda s: {}, _listed("project", "items"), P),
    Step("get_project", lambda s: {"project_id": s["project"]},
         lambda w, s, r: _eq(r["key"], s["key"]), P),
    Step("update_project", lambda s: {"project_id": s["project"], "name": "Renamed",
                                      "budget_cents": 500000, "budget_period": "Monthly",
                                      "description": None}, _updated_project, P),
    Step("create_team", lambda s: {"name": "Backend", "description": "Backend engineering"},
         lambda w, s, r: (keep("team")(w, s, r),
                          _eq(get(w, f"/api/v1/teams/{r['id']}")["name"], "Backend")), gives=('team',)),
    Step("list_teams", lambda s: {}, _listed("team"), ("team",)),
    Step("create_workflow", lambda s: dict(WORKFLOW), keep("workflow"), gives=('workflow',)),
    Step("list_workflows", lambda s: {}, _listed("workflow"), ("workflow",)),
    Step("get_workflow", lambda s: {"workflow_id": s["workflow"]},
         lambda w, s, r: _eq(r["enforcement"], "strict"), ("workflow",)),
    Step("update_workflow", lambda s: {"workflow_id": s["workflow"], "name": "Strict Flow v2"},
         _workflow_renamed_and_assigned, ("workflow", "project"), gives=("strict",)),
    Step("create_ticket", lambda s: {"project_id": s["project"], "title": "Fix login timeout",
                                     "priority": "High"}, _ticket("ticket"), P, gives=('ticket',)),
    Step("create_ticket", lambda s: {"project_id": s["project"], "title": "Second"},
         _ticket("ticket2"), P, gives=('ticket2',)),
    Step("get_ticket", lambda s: {"ticket_id": s["ticket"]},
         lambda w, s, r: _eq((r["id"], r["priority"]), (s["ticket"], "High")), T),
    Step("search_tickets", lambda s: {"project_id": s["project"], "priority": "High"},
         lambda w, s, r: _eq((ids(r["data"]), r["has_more"]), ([s["ticket"]], False)), T),
    Step("update_ticket", lambda s: {"ticket_id": s["ticket"], "priority": "Urgent",
                                     "description": "Critical path"},
         _ticket_is("priority", "Urgent"), T),
    Step("assign_ticket", lambda s: {"ticket_id": s["ticket"], "assignee_id": s["me"]},
         _ticket_is("assignee_id", "$me"), T, gives=("assigned",)),
    Step("get_my_tickets", lambda s: {"project_id": s["project"]},
         lambda w, s, r: _eq(ids(r["data"]), [s["ticket"]]), ("ticket", "assigned")),
    Step("transition_ticket", lambda s: {"ticket_id": s["ticket"], "to_status": "Todo"},
         _status_is("Todo"), T, gives=("todo",)),
    Step("transition_ticket", lambda s: {"ticket_id": s["ticket"], "to_status": "Done"},
         needs=("ticket", "strict", "todo"),
         error="Available transitions: [InProgress, Cancelled]"),
    Step("check_transition", lambda s: {"ticket_id": s["ticket"], "to": "Done"},
         lambda w, s, r: _eq((r["allowed"], r["from_status"], "not allowed" in r["reason"]),
                             (False, "Todo", True)), ("ticket", "strict", "todo")),
    Step("batch_transition", lambda s: {"ticket_ids": [s["ticket2"]], "to_status": "Todo"},
         lambda w, s, r: (_eq(ids(r["succeeded"]), [s["ticket2"]]),
                          _status_is("Todo", "ticket2")(w, s, r)), T2),
    Step("batch_update_tickets", lambda s: {"ticket_ids": [s["ticket"], s["ticket2"]],
                                            "priority": "Low"},
         lambda w, s, r: (_eq(r["updated"], 2), _ticket_is("priority", "Low", "ticket2")(
             w, s, r)), T2),
    Step("add_comment", lambda s: {"ticket_id": s["ticket"], "body": "Reproduced on staging"},
         lambda w, s, r: (keep("comment")(w, s, r), _eq(r["author_id"], w.user_id)), T, gives=('comment',)),
    Step("list_comments", lambda s: {"ticket_id": s["ticket"]}, _listed("comment"),
         ("comment",)),
    Step("update_comment", lambda s: {"comment_id": s["comment"], "body": "A duplicate of #45"},
         lambda w, s, r: _eq(get(w, f"/api/v1/comments/{s['comment']}")["body"],
                             "A duplicate of #45"), ("comment",)),
    Step("create_label", lambda s: {"name": "bug", "color": "#FF5733"},
         lambda w, s, r: (keep("label")(w, s, r),
                          _eq(get(w, f"/api/v1/labels/{r['id']}")["name"], "bug")), gives=('label',)),
    Step("list_labels", lambda s: {}, _listed("label"), ("label",)),
    Step("get_label", lambda s: {"label_id": s["label"]},
         lambda w, s, r: _eq(r["color"], "#FF5733"), ("label",)),
    Step("update_label", lambda s: {"label_id": s["label"], "name": "critical",
                                    "color": "#FF0000"},
         lambda w, s, r: _eq(get(w, f"/api/v1/labels/{s['label']}")["name"], "critical"),
         ("label",)),
    Step("add_ticket_label", lambda s: {"ticket_id": s["ticket"], "label_id": s["label"]},
         lambda w, s, r: (_eq(r["id"], s["label"]), _in(
             lambda w, s: f"/api/v1/tickets/{s['ticket']}/labels", "label")(w, s, r)),
         ("label", "ticket"), gives=("labelled",)),
    Step("remove_ticket_label", lambda s: {"ticket_id": s["ticket"], "label_id": s["label"]},
         _in(lambda w, s: f"/api/v1/tickets/{s['ticket']}/labels", "label", False),
         ("label", "ticket", "labelled")),
    Step("set_tags", lambda s: {"entity_type": "ticket", "entity_id": s["ticket"], "tags": [
        {"key": "environment", "value": "production"}, {"key": "team", "value": "platform"}]},
         lambda w, s, r: (_eq(len(r["data"]), 2), _tags_are(["environment", "team"])(w, s, r)),
         T, gives=("tagged",)),
    Step("get_tags", lambda s: {"entity_type": "ticket", "entity_id": s["ticket"]},
         lambda w, s, r: _eq(sorted(t["key"] for t in r["data"]), ["environment", "team"]),
         ("tagged",)),
    Step("search_by_tag", lambda s: {"key": "environment", "value": "production"},
         lambda w, s, r: _eq([t["entity_id"] for t in r["data"]], [s["ticket"]]), ("tagged",)),
    Step("delete_tag", lambda s: {"entity_type": "ticket", "entity_id": s["ticket"],
                                  "tag_key": "team"}, _tags_are(["environment"]), ("tagged",)),
    Step("create_sprint", lambda s: {"project_id": s["project"], "name": "Sprint 1",
                                     "goal": "Onboarding", "start_date": str(TODAY),
                                     "end_date": str(TODAY + dt.timedelta(days=14))},
         lambda w, s, r: (keep("sprint")(w, s, r), _eq(r["status"], "Planned")), P, gives=('sprint',)),
    Step("list_sprints", lambda s: {"project_id": s["project"]}, _listed("sprint"),
         ("sprint",)),
    Step("get_sprint", lambda s: {"sprint_id": s["sprint"]},
         lambda w, s, r: _eq(r["name"], "Sprint 1"), ("sprint",)),
    Step("update_sprint", lambda s: {"sprint_id": s["sprint"], "goal": "Polish the API"},
         lambda w, s, r: _eq(get(w, f"/api/v1/sprints/{s['sprint']}")["goal"],
                             "Polish the API"), ("sprint",)),
    Step("batch_update_tickets", lambda s: {"ticket_ids": [s["ticket"]],
                                            "sprint_id": s["sprint"]},
         _ticket_is("sprint_id", "$sprint"), ("sprint", "ticket")),
    Step("start_sprint", lambda s: {"sprint_id": s["sprint"]},
         lambda w, s, r: _eq(get(w, f"/api/v1/sprints/{s['sprint']}")["status"], "Active"),
         ("sprint",), gives=("started",)),
    Step("get_sprint_burndown", lambda s: {"sprint_id": s["sprint"]},
         lambda w, s, r: _eq((r["sprint_id"], type(r["data_points"])), (s["sprint"], list)),
         ("sprint",)),
    Step("get_project_summary", lambda s: {"project_id": s["project"]},
         lambda w, s, r: _eq((r["project"]["key"], r["ticket_summary"]["total"],
                              ids(r["sprints"])), (s["key"], 2, [s["sprint"]])),
         ("sprint", "ticket2")),
    Step("resource projects", lambda s: {}, _listed("project"), P,
         uri=lambda s: "alloy://projects"),
    Step("resource project", lambda s: {}, lambda w, s, r: _eq(r["id"], s["project"]), P,
         uri=lambda s: f"alloy://project/{s['key']}"),
    Step("resource ticket", lambda s: {}, lambda w, s, r: _eq(r["id"], s["ticket"]), T,
         uri=lambda s: f"alloy://ticket/{s['ticket']}"),
    Step("resource sprint-board", lambda s: {}, lambda w, s, r: _eq(
        s["ticket"] in [t["id"] for c in r["columns"] for t in c["tickets"]], True),
         ("sprint", "started"), uri=lambda s: f"alloy://sprint/{s['sprint']}/board"),
    Step("resource my-assigned-tickets", lambda s: {}, lambda w, s, r: _eq(
        ids(r["data"]), [s["ticket"]]), ("ticket", "assigned"),
         uri=lambda s: f"alloy://user/{s['me']}/assigned"),
    Step("complete_sprint", lambda s: {"sprint_id": s["sprint"]},
         lambda w, s, r: _eq(get(w, f"/api/v1/sprints/{s['sprint']}")["status"],
                             "Completed"), ("sprint", "started")),
    Step("get_ticket_activity", lambda s: {"ticket_id": s["ticket"]},
         lambda w, s, r: _eq(bool(r["items"]) and "next_cursor" in r, True), T),
    Step("log_time", lambda s: {"ticket_id": s["ticket"], "project_id": s["project"],
                                "date": str(TODAY), "duration_minutes": 90,
                                "activity_type": "Coding"},
         lambda w, s, r: (keep("entry")(w, s, r), _eq((r["status"], r["user_id"]),
                                                      ("Draft", w.user_id))), T, gives=('entry',)),
    Step("get_time_entry", lambda s: {"time_entry_id": s["entry"]},
         lambda w, s, r: _eq(r["duration_minutes"], 90), ("entry",)),
    Step("update_time_entry", lambda s: {"time_entry_id": s["entry"], "duration_minutes": 120,
                                         "activity_type": "CodeReview"},
         lambda w, s, r: _eq(get(w, f"/api/v1/time-entries/{s['entry']}")["duration_minutes"],
                             120), ("entry",)),
    Step("list_time_entries", lambda s: {"ticket_id": s["ticket"]}, _listed("entry"),
         ("entry",)),
    Step("get_time_report", lambda s: {}, _listed("entry"), ("entry",)),
    Step("submit_time_entry", lambda s: {"time_entry_id": s["entry"]},
         lambda w, s, r: _eq(get(w, f"/api/v1/time-entries/{s['entry']}")["status"],
                             "Submitted"), ("entry",), gives=("submitted",)),
    Step("approve_time_entry", lambda s: {"time_entry_id": s["entry"]},
         lambda w, s, r: _eq(get(w, f"/api/v1/time-entries/{s['entry']}")["approved_by"],
                             w.user_id), ("entry", "submitted")),
    Step("log_time", lambda s: {"ticket_id": s["ticket"], "project_id": s["project"],
                                "date": str(TODAY), "duration_minutes": 15,
                                "activity_type": "Meetings"}, keep("entry2"), T, gives=('entry2',)),
    Step("delete_time_entry", lambda s: {"time_entry_id": s["entry2"]},
         lambda w, s, r: (_eq(r, "deleted successfully."),
                          gone(w, f"/api/v1/time-entries/{s['entry2']}")), ("entry2",)),
    Step("get_capitalization_report", lambda s: {"period": TODAY.strftime("%Y-%m")},
         lambda w, s, r: _eq(r["period"], TODAY.strftime("%Y-%m"))),
    Step("get_capitalization_export", lambda s: {"period": TODAY.strftime("%Y-%m")},
         lambda w, s, r: _eq(str(r).startswith("Period,Project,ProjectKey"), True)),
    Step("list_members", lambda s: {},
         lambda w, s, r: _eq([(m["user_id"], m["role"]) for m in r["items"]],
                             [(w.user_id, "Owner")])),
    Step("create_invite", lambda s: {"email": "dev@example.com", "role": "Admin"},
         lambda w, s, r: (keep("invite")(w, s, r), _eq(r["role"], "Admin"), _in(
             lambda w, s: f"/api/v1/orgs/{w.org_id}/invites", "invite")(w, s, r)), gives=('invite',)),
    Step("list_invites", lambda s: {}, _listed("invite", "array"), ("invite",)),
    Step("add_project_member", lambda s: {"project_id": s["project"], "user_id": s["me"]},
         _in(lambda w, s: f"/api/v1/projects/{s['project']}/members", "me", field="user_id"),
         P, gives=("member",)),
    Step("list_project_members", lambda s: {"project_id": s["project"]},
         lambda w, s, r: _eq([m["user_id"] for m in r], [s["me"]]), ("project", "member")),
    Step("remove_project_member", lambda s: {"project_id": s["project"], "user_id": s["me"]},
         _in(lambda w, s: f"/api/v1/projects/{s['project']}/members", "me", False, "user_id"),
         ("project", "member")),
    Step("create_api_key", lambda s: {"name": "CI Pipeline"},
         lambda w, s, r: (keep("key_id")(w, s, r), _eq(
             (r["key"].startswith("alloy_live_"), r["scopes"]), (True, ["read", "write"])),
                          _in(lambda w, s: "/api/v1/api-keys", "key_id")(w, s, r)), gives=('key_id',)),
    Step("list_api_keys", lambda s: {}, _listed("key_id", "array"), ("key_id",)),
    Step("delete_api_key", lambda s: {"id": s["key_id"]},
         _in(lambda w, s: "/api/v1/api-keys", "key_id", False), ("key_id",)),
    Step("export_data", lambda s: {}, lambda w, s, r: _eq((r["version"], r["source"]),
                                                          (1, "alloy"))),
    Step("import_data", lambda s: {"data": {
        "version": 1, "source": "alloy", "exported_at": "2026-01-01T00:00:00Z",
        "projects": [], "labels": [], "workflows": [], "users": []}},
         lambda w, s, r: _eq(r["status"], "ok")),
    Step("link_tickets", lambda s: {"ticket_id": s["ticket"], "kind": "blocks",
                                    "target_id": s["ticket2"]},
         lambda w, s, r: (keep("relation")(w, s, r), _eq(
             (r["kind"], r["ticket"]["id"]), ("blocks", s["ticket2"]))), T2,
         gives=("relation",)),
    Step("list_relations", lambda s: {"ticket_id": s["ticket2"]},
         lambda w, s, r: _eq([(x["kind"], x["ticket"]["id"]) for x in r["data"]],
                             [("blocked_by", s["ticket"])]), ("relation",)),
    Step("link_tickets", lambda s: {"ticket_id": s["ticket2"], "kind": "blocks",
                                    "target_id": s["ticket"]}, needs=("relation",),
         error="would close a blocking cycle"),
    Step("set_parent", lambda s: {"ticket_id": s["ticket2"], "parent_id": s["ticket"]},
         lambda w, s, r: _eq(get(w, f"/api/v1/tickets/{s['ticket2']}")["parent_id"],
                             s["ticket"]), T2, gives=("parented",)),
    Step("get_ticket_tree", lambda s: {"ticket_id": s["ticket"]},
         lambda w, s, r: _eq([(c["id"], c["blocked"]) for c in r["children"]],
                             [(s["ticket2"], True)]), ("parented", "relation")),
    Step("set_parent", lambda s: {"ticket_id": s["ticket2"], "parent_id": None},
         lambda w, s, r: _eq(get(w, f"/api/v1/tickets/{s['ticket2']}")["parent_id"], None),
         ("parented",)),
    Step("unlink_tickets", lambda s: {"ticket_id": s["ticket2"], "target_id": s["ticket"],
                                      "kind": "duplicates"}, needs=("relation",),
         error="has no duplicates to"),
    Step("unlink_tickets", lambda s: {"ticket_id": s["ticket2"], "target_id": s["ticket"],
                                      "kind": "blocked_by"},
         lambda w, s, r: (_eq(r, "Removed 1 relation."), _eq(get(
             w, f"/api/v1/tickets/{s['ticket']}/relations")["items"], [])), ("relation",)),
    Step("delete_comment", lambda s: {"comment_id": s["comment"]},
         lambda w, s, r: gone(w, f"/api/v1/comments/{s['comment']}"), ("comment",)),
    Step("delete_label", lambda s: {"label_id": s["label"], "cascade": True},
         lambda w, s, r: gone(w, f"/api/v1/labels/{s['label']}"), ("label",)),
    Step("delete_ticket", lambda s: {"ticket_id": s["ticket2"]},
         lambda w, s, r: (_eq(r, "deleted successfully."),
                          gone(w, f"/api/v1/tickets/{s['ticket2']}")), ("ticket2",)),
    Step("delete_sprint", lambda s: {"sprint_id": s["sprint"], "cascade": True},
         lambda w, s, r: gone(w, f"/api/v1/sprints/{s['sprint']}"), ("sprint",)),
    Step("delete_project", lambda s: {"project_id": s["project"], "cascade": True,
                                      "dry_run": True},
         lambda w, s, r: _eq("dependents" in r, True), P),
    Step("delete_project", lambda s: {"project_id": s["project"], "cascade": True},
         lambda w, s, r: (_eq(r, f"Deleted project {s['project']} and all dependents"),
                          gone(w, f"/api/v1/projects/{s['project']}")), P,
         gives=("project_gone",)),
    Step("delete_workflow", lambda s: {"workflow_id": s["workflow"]},
         lambda w, s, r: gone(w, f"/api/v1/workflows/{s['workflow']}"),
         ("workflow", "project_gone")),
    Step("delete_team", lambda s: {"team_id": s["team"]},
         lambda w, s, r: gone(w, f"/api/v1/teams/{s['team']}"), ("team",)),
]


@pytest.fixture(scope="module")
def world_server(tmp_path_factory):
    from tests.support import Server

    srv = Server(tmp_path_factory.mktemp("mcp-tools"), ALLOY_REGISTRATION="open")
    yield srv
    srv.stop()


@pytest.fixture(scope="module", params=["stdio-embedded", "stdio-remote", "http-embedded",
                                        "http-remote"])
def scenario(request, world_server):
    transport = request.param
    world = make_world(world_server.home, world_server)
    http = HttpMcp(world.mcp_env(transport), world.home / f"mcp-{transport}.log") \
        if transport.startswith("http") else None
    state = {"me": world.user_id, "key": "ROCKET"}

    async def go():
        async with connect(world, transport, http) as client:
            listing = await list_everything(client)
            return await run_steps(client, world, STEPS, state), listing

    try:
        yield anyio.run(go)
    finally:
        if http:
            http.stop()


async def list_everything(client) -> dict:
    """Names, prompt arguments, resources and templates as the client sees them."""
    tools = (await client.list_tools()).tools
    prompts = (await client.list_prompts()).prompts
    rendered = {p.name: (await client.get_prompt(p.name, {a.name: f"<{a.name}>" for a in
                                                           p.arguments or []})).messages
                for p in prompts}
    return {"tools": [t.name for t in tools],
            "schemas": {t.name: t.input_schema for t in tools},
            "prompts": {p.name: [a.name for a in p.arguments or []] for p in prompts},
            "prompt_required": [a.name for p in prompts for a in p.arguments or [] if a.required],
            "rendered": {n: m[0].content.text for n, m in rendered.items()},
            "resources": {r.name: r.uri for r in (await client.list_resources()).resources},
            "templates": {t.uri_template: t.name
                          for t in (await client.list_resource_templates()).resource_templates},
            "server": client.server_info.name}


def test_listing_matches_the_reference(scenario):
    outcomes, listing = scenario
    assert listing["tools"] == TOOL_NAMES and listing["server"] == "alloy-mcp"
    assert listing["prompts"] == PROMPTS and listing["prompt_required"] == []
    for name, args in PROMPTS.items():  # given arguments are written into the instructions
        assert all(f"<{a}>" in listing["rendered"][name] for a in args), name
    me = listing["resources"]["my-assigned-tickets"]
    assert listing["resources"] == {"projects": "alloy://projects", "my-assigned-tickets": me,
                                    "views": "alloy://views"}
    assert me.startswith("alloy://user/") and me.endswith("/assigned")
    assert listing["templates"] == TEMPLATES
    create = listing["schemas"]["create_ticket"]
    assert create["required"] == ["project_id", "title"]
    assert set(create["properties"]) == {"project_id", "title", "description", "status",
                                         "priority", "assignee_id"}


@pytest.mark.parametrize("tool", TOOL_NAMES + [f"resource {r}" for r in (
    "projects", "project", "ticket", "sprint-board", "my-assigned-tickets")])
def test_tool(scenario, tool):
    outcomes = scenario[0].get(tool)
    assert outcomes, f"no step calls {tool}"
    failures = [reason for kind, reason in outcomes if kind == "fail"]
    assert not failures, "\n".join(failures)


def test_project_summary_counts_every_ticket(world_server):
    """The summary is counted by the core, not over the first 2,000 tickets a client fetched
    (which answered total 2000 and has_more true here)."""
    world = make_world(world_server.home, world_server)
    statuses = ["Backlog"] * 1500 + ["Done"] * 500 + ["InProgress"]
    export = {"version": 1, "source": "alloy", "exported_at": "2026-01-01T00:00:00Z",
              "users": [], "labels": [], "workflows": [], "projects": [{
                  "key": "BIG", "name": "Big",
                  "sprints": [{"name": "S1", "start_date": "2026-01-01",
                               "end_date": "2026-01-14"}],
                  "tickets": [{"title": f"T{i}", "status": st}
                              for i, st in enumerate(statuses)]}]}

    async def go():
        async with connect(world, "stdio-embedded") as client:
            await client.call_tool("import_data", {"data": export})
            project = get(world, f"/api/v1/projects/key/BIG?org_id={world.org_id}")
            return project, data(await client.call_tool("get_project_summary",
                                                        {"project_id": project["id"]}))

    project, summary = anyio.run(go)
    _eq(summary, {
        "project": {"id": project["id"], "name": "Big", "key": "BIG", "description": None},
        "ticket_summary": {"total": 2001, "has_more": False,
                           "by_status": {"Backlog": 1500, "Done": 500, "InProgress": 1}},
        "sprints": [{"id": summary["sprints"][0]["id"], "name": "S1", "status": "Planned",
                     "start_date": "2026-01-01", "end_date": "2026-01-14"}]})
    assert list(summary["ticket_summary"]) == ["total", "by_status", "has_more"]


def test_output_schemas_are_object_schemas_from_the_declared_results():
    """outputSchema comes from each operation's declared result (issue 24): a valid JSON
    Schema of an object, for every tool that answers one object; none for text answers."""
    import jsonschema
    from alloy.server.mcp import catalog
    from alloy.server.mcp.outputs import output_schema

    declared = {}
    for tool in catalog.TOOLS.values():
        schema = output_schema(tool)
        if schema is not None:
            jsonschema.Draft202012Validator.check_schema(schema)
            assert schema["type"] == "object", tool.name
            declared[tool.name] = schema
    assert {"create_ticket", "get_ticket", "search_tickets", "list_projects", "log_time",
            "get_capitalization_report", "get_project_summary"} <= set(declared)
    assert not {"delete_comment", "get_capitalization_export", "export_data"} & set(declared)
    assert set(declared["search_tickets"]["required"]) == {"data", "next_cursor", "has_more"}
    assert "title" in declared["get_ticket"]["properties"]
