"""Projects, teams and tickets behave the same embedded and remote."""

from __future__ import annotations

from tests.contract import LocalSide, RemoteSide, normalize


def _user(side, tag: str, name: str, invite: str | None = None):
    body = {"email": f"{name}-{tag}@example.com", "password": "password123",
            "display_name": name.title()}
    if invite:
        body["invite_code"] = invite
    reg = side.anon.call("auth.register", body=body)
    return reg, side.as_user(reg["access_token"])


def scenario_work(side, tag: str) -> list:
    seen = []
    alice, a = _user(side, tag, "alice")
    org = a.call("orgs.create", body={"name": "Acme", "slug": f"acme-work-{tag}"})
    oid = org["id"]
    a = side.as_user(alice["access_token"], org_id=oid)
    team = a.call("teams.create", org_id=oid, body={"name": "Backend", "description": "APIs"})
    seen += [team, a.attempt("teams.create", org_id=oid, body={"name": "Backend"})]
    seen.append(a.call("teams.list", org_id=oid))
    seen.append(a.call("teams.get", team_id=team["id"]))
    seen.append(a.call("teams.update", team_id=team["id"], body={"description": None}))
    seen.append(a.call("teams.add_member", team_id=team["id"], body={"user_id": alice["user_id"]}))
    seen.append(a.call("teams.list_members", team_id=team["id"]))
    project = a.call("projects.create", body={
        "org_id": oid, "key": "back", "name": "Backend", "team_id": team["id"],
        "capitalization_type": "capex", "development_phase": "app-development",
        "budget_cents": 100000, "budget_period": "quarterly", "amortization_months": 36})
    pid = project["id"]
    seen.append(project)
    seen.append(a.attempt("projects.create", body={"org_id": oid, "key": "BACK", "name": "x"}))
    seen.append(a.attempt("projects.create", body={"org_id": oid, "key": "", "name": "",
                                                   "budget_cents": -1}))
    seen.append(a.call("projects.list", query={"org_id": oid}))
    seen.append(a.call("projects.get", project_id=pid))
    seen.append(a.call("projects.get_by_key", key="back", query={"org_id": oid}))
    seen.append(a.call("projects.update", project_id=pid, body={
        "name": "Backend API", "description": "REST", "development_phase": "PostImplementation",
        "budget_period": None}))
    seen.append(a.attempt("projects.update", project_id=pid, body={"capitalization_type": "x"}))
    t1 = a.call("tickets.create", project_id=pid, body={
        "title": "Fix login", "priority": "critical", "reporter_id": "ignored"})
    seen.append(t1)
    seen.append(a.call("tickets.create", project_id=pid, body={
        "title": "Write docs", "status": "todo", "assignee_id": alice["user_id"]}))
    seen.append(a.attempt("tickets.create", project_id=pid, body={"title": ""}))
    seen.append(a.call("tickets.list", project_id=pid, query={"status": "todo,backlog"}))
    seen.append(a.call("tickets.list", project_id=pid, query={"priority": "urgent", "limit": 1}))
    seen.append(a.call("tickets.get", ticket_id=t1["id"]))
    seen.append(a.call("tickets.resolve", query={"ref": "BACK-1", "org_id": oid}))
    seen.append(a.call("tickets.resolve", query={"ref": "2", "project_id": pid}))
    seen.append(a.attempt("tickets.resolve", query={"ref": "BACK-9", "org_id": oid}))
    seen.append(a.call("tickets.update", ticket_id=t1["id"], body={
        "status": "in progress", "assignee_id": alice["user_id"], "description": None}))
    seen.append(a.call("tickets.batch_update", body={"ticket_ids": [t1["id"]],
                                                     "priority": "low"}))
    seen.append(a.call("tickets.activity", ticket_id=t1["id"]))
    bob_invite = a.call("invites.create", org_id=oid, body={"role": "reporter"})
    bob, b = _user(side, tag, "bob", bob_invite["invite_code"])
    seen.append(b.call("projects.list", query={"org_id": oid}))
    seen.append(b.attempt("tickets.create", project_id=pid, body={"title": "x"}))
    seen.append(a.call("projects.add_member", project_id=pid, body={"user_id": bob["user_id"]}))
    seen.append(a.call("projects.list_members", project_id=pid))
    seen.append(b.call("tickets.create", project_id=pid, body={"title": "From Bob"}))
    sprints = [a.call("sprints.create", project_id=pid, body={
        "name": f"S{n}", "start_date": "2026-03-02", "end_date": "2026-03-13"}) for n in (1, 2, 3)]
    a.call("sprints.start", sprint_id=sprints[0]["id"])
    a.call("sprints.complete", sprint_id=sprints[0]["id"])
    a.call("sprints.start", sprint_id=sprints[2]["id"])
    summary = a.call("projects.summary", project_id=pid)  # S1 is Completed: left out
    counts = summary["ticket_summary"]  # statuses in the order tickets first had them
    assert (counts["total"], list(counts["by_status"].items()), counts["has_more"]) == (
        3, [("InProgress", 1), ("Todo", 1), ("Backlog", 1)], False), summary
    assert [s["name"] for s in summary["sprints"]] == ["S2", "S3"], summary
    seen.append(summary)
    seen.append(b.call("projects.summary", project_id=pid))
    seen.append(b.attempt("tickets.update", ticket_id=t1["id"], body={"title": "x"}))
    seen.append(a.call("projects.remove_member", project_id=pid, user_id=bob["user_id"]))
    seen.append(b.attempt("projects.get", project_id=pid))
    seen.append(b.attempt("projects.summary", project_id=pid))
    seen.append(a.call("tickets.batch_delete", body={"ticket_ids": [t1["id"]], "dry_run": True}))
    seen.append(a.call("tickets.delete", ticket_id=t1["id"],
                       query={"cascade": True, "dry_run": True}))
    seen.append(a.call("tickets.delete", ticket_id=t1["id"]))
    seen.append(a.attempt("tickets.get", ticket_id=t1["id"]))
    seen.append(a.attempt("teams.delete", team_id=team["id"]))
    seen.append(a.call("teams.delete", team_id=team["id"], query={"cascade": True,
                                                                  "dry_run": True}))
    seen.append(a.call("teams.remove_member", team_id=team["id"], user_id=alice["user_id"]))
    seen.append(a.call("teams.delete", team_id=team["id"], query={"cascade": True}))
    seen.append(a.call("projects.get", project_id=pid))
    seen.append(a.attempt("projects.delete", project_id=pid))
    seen.append(a.call("projects.delete", project_id=pid, query={"cascade": True,
                                                                 "dry_run": True}))
    seen.append(a.call("projects.delete", project_id=pid, query={"cascade": True}))
    seen.append(a.attempt("projects.get", project_id=pid))
    return seen


def test_work_contract(server, tmp_path):
    local = scenario_work(LocalSide(tmp_path), "w1")
    remote = scenario_work(RemoteSide(server), "w1")
    assert normalize(local) == normalize(remote)
    assert {"error": "CONFLICT", "status": 409} in local
    assert {"error": "FORBIDDEN", "status": 403} in local
