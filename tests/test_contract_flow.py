"""Workflow, transition and sprint operations behave the same embedded and remote."""

from __future__ import annotations

from tests.contract import LocalSide, RemoteSide, normalize

KANBAN = {
    "name": "Kanban",
    "statuses": [{"name": "Open", "category": "todo"},
                 {"name": "Coding", "category": "in_progress"},
                 {"name": "Review", "category": "in_review"},
                 {"name": "Shipped", "category": "done"}],
    "transitions": [{"from": "Open", "to": "Coding"}, {"from": "Coding", "to": "Review"},
                    {"from": "Review", "to": "Shipped"}],
    "enforcement": "strict",
}


def scenario_flow(side, tag: str) -> list:
    seen = []
    owner = side.anon.call("auth.register", body={
        "email": f"flow-{tag}@example.com", "password": "password123", "display_name": "Flo"})
    a = side.as_user(owner["access_token"])
    org = a.call("orgs.create", body={"name": "Flow", "slug": f"flowco-{tag}"})
    oid = org["id"]
    seen.append(a.call("workflows.list", org_id=oid))
    kanban = a.call("workflows.create", org_id=oid, body=KANBAN)
    seen.append(kanban)
    seen.append(a.attempt("workflows.create", org_id=oid, body=KANBAN))  # duplicate name
    seen.append(a.attempt("workflows.create", org_id=oid, body={
        "name": "Bad", "statuses": [{"name": "A", "category": "nope"}],
        "transitions": [{"from": "A", "to": "Z"}]}))
    seen.append(a.call("workflows.get", workflow_id=kanban["id"]))
    seen.append(a.call("workflows.update", workflow_id=kanban["id"],
                       body={"name": "Kanban v2", "enforcement": "warn"}))
    seen.append(a.call("workflows.update", workflow_id=kanban["id"],
                       body={"name": "Kanban", "enforcement": "strict"}))
    spare = a.call("workflows.create", org_id=oid, body={**KANBAN, "name": "Spare"})
    seen.append(a.call("workflows.delete", workflow_id=spare["id"]))
    default_id = seen[0]["items"][0]["id"]
    seen.append(a.attempt("workflows.delete", workflow_id=default_id))

    project = a.call("projects.create", body={"org_id": oid, "key": "WFT", "name": "WF"})
    pid = project["id"]
    t1 = a.call("tickets.create", project_id=pid, body={"title": "one", "status": "Open"})
    t2 = a.call("tickets.create", project_id=pid, body={"title": "two"})
    seen.append(a.call("transitions.available", ticket_id=t1["id"]))
    seen.append(a.call("transitions.available_alt", ticket_id=t2["id"]))
    seen.append(a.call("transitions.transition", ticket_id=t1["id"],
                       body={"to_status": "coding"}))
    seen.append(a.attempt("transitions.transition", ticket_id=t1["id"],
                          body={"to_status": "Shipped"}))
    seen.append(a.attempt("transitions.transition", ticket_id=t1["id"], body={}))
    seen.append(a.call("transitions.transition", ticket_id=t2["id"],
                       body={"to_status": "in progress"}))
    seen.append(a.call("transitions.batch", body={
        "ticket_ids": [t1["id"], t2["id"], "00000000-0000-7000-8000-000000000000"],
        "to_status": "Review"}))

    sprint = a.call("sprints.create", project_id=pid, body={
        "name": "Sprint 1", "goal": "Ship it", "start_date": "2026-04-01",
        "end_date": "2026-04-03"})
    seen.append(sprint)
    sid = sprint["id"]
    seen.append(a.attempt("sprints.create", project_id=pid, body={
        "name": "Bad", "start_date": "2026-04-05", "end_date": "2026-04-01"}))
    seen.append(a.call("sprints.list", project_id=pid))
    seen.append(a.call("sprints.resolve", query={"ref": "sprint 1", "project_id": "wft"}))
    seen.append(a.call("sprints.resolve", query={"ref": sid[:13], "org_id": oid}))
    seen.append(a.attempt("sprints.resolve", query={"ref": "Sprint 9", "project_id": pid}))
    seen.append(a.call("sprints.get", sprint_id=sid))
    seen.append(a.call("sprints.update", sprint_id=sid, body={"goal": None}))
    seen.append(a.call("sprints.batch_assign", sprint_id=sid,
                       body={"ticket_ids": [t1["id"], t2["id"]]}))
    seen.append(a.attempt("sprints.complete", sprint_id=sid))
    seen.append(a.call("sprints.start", sprint_id=sid))
    seen.append(a.attempt("sprints.start", sprint_id=sid))
    seen.append(a.call("sprints.board", sprint_id=sid))
    seen.append(a.call("sprints.burndown", sprint_id=sid))
    seen.append(a.call("sprints.complete", sprint_id=sid))
    seen.append(a.attempt("sprints.delete", sprint_id=sid))
    seen.append(a.call("sprints.delete", sprint_id=sid, query={"cascade": True, "dry_run": True}))
    seen.append(a.call("sprints.delete", sprint_id=sid, query={"cascade": True}))
    seen.append(a.attempt("tickets.get", ticket_id=t1["id"]))
    return seen


def test_flow_contract(server, tmp_path):
    local = scenario_flow(LocalSide(tmp_path), "c1")
    remote = scenario_flow(RemoteSide(server), "c1")
    assert normalize(local) == normalize(remote)
    assert local[0]["items"][0]["name"] == "Default"
    assert {"error": "VALIDATION_ERROR", "status": 422} in local
    assert local[-1] == {"error": "NOT_FOUND", "status": 404}
    resolved = [r for r in local if isinstance(r, dict) and r.get("name") == "Sprint 1"]
    assert len({r["id"] for r in resolved}) == 1 and len(resolved) >= 3  # by name and prefix
