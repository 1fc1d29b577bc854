"""The HTTP API for projects, teams and tickets, as chapters 10, 14, 40/44 use it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import unique_email
from tests.support import auth


def _register(server, email: str, password: str, name: str, invite: str | None = None):
    body = {"email": email, "password": password, "display_name": name}
    if invite:
        body["invite_code"] = invite
    r = server.http.post("/api/v1/auth/register", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_projects_and_tickets_guide(server):
    """Chapter 10, step by step."""
    http = server.http
    reg = _register(server, "guide-pt@alloy.dev", "guide-pt-pass1", "PT Guide User")
    h, user_id = auth(reg["access_token"]), reg["user_id"]
    org = http.post("/api/v1/orgs", headers=h, json={"name": "Guide Org",
                                                     "slug": "guide-pt-org"}).json()
    r = http.post("/api/v1/projects", headers=h, json={
        "org_id": org["id"], "key": "GUIDE", "name": "Guide Project",
        "description": "A project for the guide walkthrough"})
    assert r.status_code == 201
    project = r.json()
    assert project["key"] == "GUIDE" and project["ticket_counter"] == 0
    assert project["description"] == "A project for the guide walkthrough"
    for f in ("team_id", "workflow_id", "capitalization_type", "development_phase",
              "cost_center_id", "amortization_months", "budget_cents", "budget_period"):
        assert project[f] is None
    pid = project["id"]
    listed = http.get(f"/api/v1/projects?org_id={org['id']}", headers=h).json()
    assert [p["key"] for p in listed["items"]] == ["GUIDE"]
    assert listed["next_cursor"] is None and listed["has_more"] is False
    assert http.get(f"/api/v1/projects?org_id={org['id']}&limit=5", headers=h).json()["items"]
    assert http.get(f"/api/v1/projects/{pid}", headers=h).json()["name"] == "Guide Project"
    by_key = http.get(f"/api/v1/projects/key/GUIDE?org_id={org['id']}", headers=h).json()
    assert by_key["id"] == pid
    upd = http.patch(f"/api/v1/projects/{pid}", headers=h, json={
        "name": "Guide Project (Updated)", "description": "Updated description"}).json()
    assert upd["name"] == "Guide Project (Updated)" and upd["description"] == "Updated description"

    r = http.post(f"/api/v1/projects/{pid}/tickets", headers=h, json={
        "title": "Set up CI pipeline", "description": "Configure GitHub Actions for the project",
        "priority": "High", "reporter_id": user_id})
    assert r.status_code == 201
    t1 = r.json()
    assert (t1["ticket_number"], t1["status"], t1["priority"], t1["reporter_id"]) == (
        1, "Backlog", "High", user_id)
    assert http.get(f"/api/v1/tickets/{t1['id']}", headers=h).json()["title"] == t1["title"]
    res = http.get(f"/api/v1/tickets/resolve?ref=GUIDE-1&org_id={org['id']}", headers=h).json()
    assert res["ticket"]["id"] == t1["id"] and res["ticket"]["ticket_number"] == 1
    assert res["suggestions"] == []
    t2 = http.post(f"/api/v1/projects/{pid}/tickets", headers=h, json={
        "title": "Write API docs", "description": "Document all REST endpoints",
        "priority": "Medium", "status": "Todo", "reporter_id": user_id}).json()
    assert (t2["ticket_number"], t2["status"], t2["priority"]) == (2, "Todo", "Medium")
    everything = http.get(f"/api/v1/projects/{pid}/tickets", headers=h).json()
    assert [t["ticket_number"] for t in everything["items"]] == [1, 2]
    backlog = http.get(f"/api/v1/projects/{pid}/tickets?status=Backlog", headers=h).json()
    assert [t["title"] for t in backlog["items"]] == ["Set up CI pipeline"]
    medium = http.get(f"/api/v1/projects/{pid}/tickets?priority=Medium", headers=h).json()
    assert [t["ticket_number"] for t in medium["items"]] == [2]
    upd = http.patch(f"/api/v1/tickets/{t2['id']}", headers=h, json={
        "priority": "Urgent", "assignee_id": user_id}).json()
    assert (upd["priority"], upd["assignee_id"], upd["status"]) == ("Urgent", user_id, "Todo")
    crit = http.patch(f"/api/v1/tickets/{t2['id']}", headers=h,
                      json={"status": "InProgress", "priority": "Critical"}).json()
    assert (crit["status"], crit["priority"]) == ("InProgress", "Urgent")
    activity = http.get(f"/api/v1/tickets/{t2['id']}/activity", headers=h).json()
    # A status change is always its own `transition` row, whichever operation made it.
    assert [a["payload"]["action"] for a in activity["items"]] == [
        "create", "update", "transition"]
    assert activity["items"][2]["payload"]["changes"] == [
        {"field": "status", "old": "Todo", "new": "InProgress"}]
    change = activity["items"][1]["payload"]["changes"]
    assert {"field": "priority", "old": "Medium", "new": "Urgent"} in change
    assert activity["items"][1]["actor"] == user_id


def test_teams_roles_and_permissions_guide(server):
    """Chapter 14: invite, members, project members, Reporter scoping, forbidden actions."""
    http = server.http
    reg = _register(server, "guide-tp@alloy.dev", "guide-tp-pass1", "TP Guide User")
    h, user_id = auth(reg["access_token"]), reg["user_id"]
    org = http.post("/api/v1/orgs", headers=h, json={"name": "Permissions Guide Org",
                                                     "slug": "guide-tp-org"}).json()
    code = http.post(f"/api/v1/orgs/{org['id']}/invites", headers=h, json={
        "email": "alice-tp@alloy.dev", "role": "member", "created_by": user_id}).json()
    alice = _register(server, "alice-tp@alloy.dev", "alice-tp-pass1", "Alice Member",
                      code["invite_code"])
    project = http.post("/api/v1/projects", headers=h, json={
        "org_id": org["id"], "key": "PERM", "name": "Permissions Demo",
        "description": "Project for the permissions guide"}).json()
    assert project["ticket_counter"] == 0
    pid = project["id"]
    r = http.post(f"/api/v1/projects/{pid}/members", headers=h, json={"user_id": user_id})
    assert r.status_code == 201
    assert set(r.json()) >= {"project_id", "user_id", "created_at"}
    members = http.get(f"/api/v1/projects/{pid}/members", headers=h).json()["items"]
    assert [m["user_id"] for m in members] == [user_id]
    assert http.post(f"/api/v1/projects/{pid}/members", headers=h,
                     json={"user_id": user_id}).status_code == 409

    # Reporter scoping: silent on lists, 403 on the unassigned project.
    rep_code = http.post(f"/api/v1/orgs/{org['id']}/invites", headers=h,
                         json={"role": "reporter"}).json()["invite_code"]
    rep = _register(server, unique_email("rep"), "password123", "Rep", rep_code)
    rh = auth(rep["access_token"])
    assert http.get(f"/api/v1/projects?org_id={org['id']}", headers=rh).json()["items"] == []
    assert http.get(f"/api/v1/projects/{pid}", headers=rh).status_code == 403
    http.post(f"/api/v1/projects/{pid}/members", headers=auth(alice["access_token"]),
              json={"user_id": rep["user_id"]})
    assert [p["id"] for p in http.get(f"/api/v1/projects?org_id={org['id']}",
                                      headers=rh).json()["items"]] == [pid]

    view_code = http.post(f"/api/v1/orgs/{org['id']}/invites", headers=h,
                          json={"role": "viewer"}).json()["invite_code"]
    viewer = _register(server, unique_email("viewer"), "password123", "View", view_code)
    denied = http.post("/api/v1/projects", headers=auth(viewer["access_token"]), json={
        "org_id": org["id"], "key": "DENY", "name": "Should Fail"})
    assert denied.status_code == 403
    assert denied.json() == {"error": {"code": "FORBIDDEN",
                                       "message": "requires Member role or above",
                                       "details": []}}
    # Teams (designed in the same style): create, members, own a project, guarded delete.
    team = http.post(f"/api/v1/orgs/{org['id']}/teams", headers=h,
                     json={"name": "Backend", "description": "Backend engineering team"})
    assert team.status_code == 201
    tid = team.json()["id"]
    assert http.post(f"/api/v1/teams/{tid}/members", headers=h,
                     json={"user_id": alice["user_id"]}).status_code == 201
    assert http.patch(f"/api/v1/projects/{pid}", headers=h,
                      json={"team_id": tid}).json()["team_id"] == tid
    blocked = http.delete(f"/api/v1/teams/{tid}", headers=h)
    assert blocked.status_code == 409
    assert blocked.json()["error"]["details"] == ["members: 1", "projects: 1"]
    assert http.delete(f"/api/v1/teams/{tid}", headers=auth(alice["access_token"]),
                       params={"cascade": "true"}).status_code == 403
    preview = http.delete(f"/api/v1/teams/{tid}?cascade=true&dry_run=true", headers=h).json()
    assert preview == {"team_id": tid, "dependents": {"members": 1, "projects": 1}}
    assert http.delete(f"/api/v1/teams/{tid}?cascade=true", headers=h).status_code == 204
    assert http.get(f"/api/v1/projects/{pid}", headers=h).json()["team_id"] is None


def test_walkthrough_project_ticket_parts(server):
    """Chapters 40/44: project, tickets, filters, budget, delete guards, Reporter vs Member."""
    http = server.http
    reg = _register(server, "walkthrough@alloy.dev", "walkthrough1", "Walkthrough User")
    h, user_id = auth(reg["access_token"]), reg["user_id"]
    org = http.post("/api/v1/orgs", headers=h, json={"name": "Acme Corp",
                                                     "slug": "acme-wt"}).json()
    project = http.post("/api/v1/projects", headers=h, json={
        "org_id": org["id"], "key": "ALLOY", "name": "Alloy Project",
        "description": "End-to-end walkthrough project"}).json()
    pid = project["id"]
    assert http.get(f"/api/v1/projects/{pid}", headers=h).json()["key"] == "ALLOY"
    ids = []
    for title, status, prio in [("Set up CI pipeline", "Backlog", "High"),
                                ("Fix login redirect", "InProgress", "High"),
                                ("Write API docs", "Backlog", "Low")]:
        t = http.post(f"/api/v1/projects/{pid}/tickets", headers=h, json={
            "title": title, "description": "...", "status": status, "priority": prio,
            "reporter_id": user_id}).json()
        assert (t["title"], t["status"], t["priority"], t["reporter_id"]) == (
            title, status, prio, user_id)
        ids.append(t["id"])
    assert len(http.get(f"/api/v1/projects/{pid}/tickets", headers=h).json()["items"]) == 3
    inprog = http.get(f"/api/v1/projects/{pid}/tickets?status=InProgress", headers=h).json()
    assert [t["status"] for t in inprog["items"]] == ["InProgress"]
    budget = http.patch(f"/api/v1/projects/{pid}", headers=h, json={
        "budget_cents": 1000000, "budget_period": "Monthly"}).json()
    assert (budget["name"], budget["budget_cents"], budget["budget_period"]) == (
        "Alloy Project", 1000000, "Monthly")

    blocked = http.delete(f"/api/v1/projects/{pid}", headers=h)
    assert blocked.status_code == 409
    err = blocked.json()["error"]
    assert err["code"] == "CONFLICT"
    assert err["message"] == "Cannot delete project with existing dependents"
    assert "tickets: 3" in err["details"]
    preview = http.delete(f"/api/v1/projects/{pid}?cascade=true&dry_run=true", headers=h)
    assert preview.status_code == 200
    assert preview.json()["project_id"] == pid and preview.json()["dependents"]["tickets"] == 3
    tprev = http.delete(f"/api/v1/tickets/{ids[2]}?cascade=true&dry_run=true", headers=h).json()
    assert tprev["ticket_id"] == ids[2] and isinstance(tprev["dependents"], dict)
    assert http.delete(f"/api/v1/tickets/{ids[2]}?cascade=true", headers=h).status_code == 204

    invite = http.post(f"/api/v1/orgs/{org['id']}/invites", headers=h, json={
        "email": "reporter@alloy.dev", "role": "reporter", "created_by": user_id}).json()
    assert invite["role"] == "Reporter"
    rep = _register(server, "reporter@alloy.dev", "repreprep1", "Reporter User",
                    invite["invite_code"])
    rh = auth(rep["access_token"])
    # "Reporters can create tickets in projects they are assigned to": assign first.
    http.post(f"/api/v1/projects/{pid}/members", headers=h, json={"user_id": rep["user_id"]})
    r = http.post(f"/api/v1/projects/{pid}/tickets", headers=rh, json={
        "title": "Reporter ticket", "description": "Created by reporter", "status": "Backlog",
        "priority": "Low", "reporter_id": rep["user_id"]})
    assert r.status_code == 201 and r.json()["reporter_id"] == rep["user_id"]
    denied = http.patch(f"/api/v1/tickets/{r.json()['id']}", headers=rh,
                        json={"title": "Updated by reporter"})
    assert denied.status_code == 403
    assert denied.json()["error"]["message"] == "requires Member role or above"
    denied = http.post("/api/v1/projects", headers=rh, json={
        "org_id": org["id"], "key": "REP1", "name": "Reporter Project"})
    assert denied.status_code == 403
    assert denied.json()["error"]["message"] == "requires Member role or above"


def test_deprecated_actor_fields_are_ignored(server, register):
    owner, other = register("owner"), register("other")
    h = auth(owner["access_token"])
    project = server.http.post("/api/v1/projects", headers=h, json={
        "org_id": owner["org_id"], "key": "DEP", "name": "Deprecated"}).json()
    t = server.http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h, json={
        "title": "x", "reporter_id": other["user_id"]}).json()
    assert t["reporter_id"] == owner["user_id"]
    t = server.http.patch(f"/api/v1/tickets/{t['id']}", headers=h,
                          json={"reporter_id": other["user_id"]}).json()
    assert t["reporter_id"] == owner["user_id"]


def test_bad_input_is_422_never_500(server, register):
    owner, stranger = register("owner"), register("stranger")
    h = auth(owner["access_token"])
    base = "/api/v1/projects"
    bad = server.http.post(base, headers=h, json={"org_id": owner["org_id"], "key": "9BAD",
                                                  "name": "", "budget_cents": -5,
                                                  "capitalization_type": "sometimes",
                                                  "development_phase": "later"})
    assert bad.status_code == 422
    fields = {d["field"] for d in bad.json()["error"]["details"]}
    assert fields == {"key", "name", "budget_cents", "capitalization_type", "development_phase"}
    p = server.http.post(base, headers=h, json={"org_id": owner["org_id"], "key": "VAL",
                                                "name": "Validation"}).json()
    tickets = f"{base}/{p['id']}/tickets"
    r = server.http.post(tickets, headers=h, json={"title": "x", "assignee_id": "not-a-uuid",
                                                   "sprint_id": "nope", "priority": "meh"})
    assert r.status_code == 422
    assert {d["field"] for d in r.json()["error"]["details"]} == {"assignee_id", "sprint_id",
                                                                   "priority"}
    r = server.http.post(tickets, headers=h, json={"title": "x",
                                                   "assignee_id": stranger["user_id"]})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "assignee_id"
    assert server.http.post(tickets, headers=h, content=b"{nope",
                            ).status_code == 400
    assert server.http.get(f"{tickets}?limit=0", headers=h).status_code == 422
    assert server.http.get(f"{tickets}?cursor=garbage", headers=h).status_code == 422
    r = server.http.post("/api/v1/tickets/batch-update", headers=h, json={"ticket_ids": []})
    assert r.status_code == 422
    t = server.http.post(tickets, headers=h, json={"title": "x"}).json()
    r = server.http.post("/api/v1/tickets/batch-update", headers=h,
                         json={"ticket_ids": [t["id"]]})
    assert r.status_code == 422
    r = server.http.get("/api/v1/tickets/resolve?ref=what%20is%20this", headers=h)
    assert r.status_code == 422
    assert server.http.get("/api/v1/tickets/resolve", headers=h).status_code == 422
    r = server.http.get("/api/v1/tickets/resolve?ref=3", headers=h)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "project_id"


def test_resolve_refs_and_suggestions(server, register):
    owner = register("resolver")
    h = auth(owner["access_token"])
    p = server.http.post("/api/v1/projects", headers=h, json={
        "org_id": owner["org_id"], "key": "RSLV", "name": "Resolve"}).json()
    made = [server.http.post(f"/api/v1/projects/{p['id']}/tickets", headers=h,
                             json={"title": f"T{i}"}).json() for i in range(1, 6)]

    def resolve(**params):
        return server.http.get("/api/v1/tickets/resolve", headers=h, params=params)

    assert resolve(ref=made[0]["id"]).json()["ticket"]["key"] == "RSLV-1"
    assert resolve(ref="rslv-2").json()["ticket"]["id"] == made[1]["id"]
    assert resolve(ref="3", project_id=p["id"]).json()["ticket"]["id"] == made[2]["id"]
    assert resolve(ref="#4", project_id="RSLV").json()["ticket"]["id"] == made[3]["id"]
    miss = resolve(ref="RSLV-9")
    assert miss.status_code == 404
    assert [d["key"] for d in miss.json()["error"]["details"]] == ["RSLV-5", "RSLV-4", "RSLV-3"]
    typo = resolve(ref="RSVL-2")
    assert typo.status_code == 404
    assert [d["key"] for d in typo.json()["error"]["details"]] == ["RSLV-2"]


def test_batch_update_and_delete(server, register):
    owner = register("batch")
    h = auth(owner["access_token"])
    p = server.http.post("/api/v1/projects", headers=h, json={
        "org_id": owner["org_id"], "key": "BAT", "name": "Batch"}).json()
    ids = [server.http.post(f"/api/v1/projects/{p['id']}/tickets", headers=h,
                            json={"title": f"T{i}"}).json()["id"] for i in range(3)]
    r = server.http.post("/api/v1/tickets/batch-update", headers=h,
                         json={"ticket_ids": ids[:2], "status": "Done", "priority": "high"})
    assert r.status_code == 200 and r.json() == {"updated": 2}
    statuses = [server.http.get(f"/api/v1/tickets/{i}", headers=h).json()["status"] for i in ids]
    assert statuses == ["Done", "Done", "Backlog"]
    ghost = "01234567-89ab-7def-8123-456789abcdef"
    r = server.http.post("/api/v1/tickets/batch-update", headers=h,
                         json={"ticket_ids": [ids[2], ghost], "status": "Todo"})
    assert r.status_code == 404
    assert server.http.get(f"/api/v1/tickets/{ids[2]}", headers=h).json()["status"] == "Backlog"
    r = server.http.post("/api/v1/tickets/batch-delete", headers=h,
                         json={"ticket_ids": ids, "cascade": True, "dry_run": True})
    assert r.json() == {"deleted": ids, "blocked": []}
    assert server.http.get(f"/api/v1/tickets/{ids[0]}", headers=h).status_code == 200
    r = server.http.post("/api/v1/tickets/batch-delete", headers=h, json={"ticket_ids": ids})
    assert r.json() == {"deleted": ids, "blocked": []}
    assert server.http.get(f"/api/v1/tickets/{ids[0]}", headers=h).status_code == 404


def test_finance_fields(server, register):
    owner = register("finance")
    h = auth(owner["access_token"])
    p = server.http.post("/api/v1/projects", headers=h, json={
        "org_id": owner["org_id"], "key": "FIN", "name": "Finance Feature",
        "capitalization_type": "Capex", "development_phase": "AppDevelopment",
        "cost_center_id": "ENG-001", "budget_cents": 5000000, "budget_period": "Quarterly",
        "amortization_months": 36}).json()
    assert (p["capitalization_type"], p["development_phase"], p["budget_period"]) == (
        "Capex", "AppDevelopment", "Quarterly")
    url = f"/api/v1/projects/{p['id']}"
    p = server.http.patch(url, headers=h, json={"capitalization_type": "opex",
                                                "development_phase": "post-implementation",
                                                "budget_period": "yearly"}).json()
    assert (p["capitalization_type"], p["development_phase"], p["budget_period"]) == (
        "Opex", "PostImplementation", "Yearly")
    p = server.http.patch(url, headers=h, json={"development_phase": "preliminary"}).json()
    assert p["development_phase"] == "Preliminary" and p["cost_center_id"] == "ENG-001"
    p = server.http.patch(url, headers=h, json={"cost_center_id": None, "budget_cents": None,
                                                "amortization_months": None}).json()
    assert (p["cost_center_id"], p["budget_cents"], p["amortization_months"]) == (None,) * 3
    assert p["capitalization_type"] == "Opex"  # absent stays


def test_fifty_concurrent_creates_are_numbered_1_to_50(server, register):
    owner = register("race")
    h = auth(owner["access_token"])
    p = server.http.post("/api/v1/projects", headers=h, json={
        "org_id": owner["org_id"], "key": "RACE", "name": "Race"}).json()
    url = f"{server.url}/api/v1/projects/{p['id']}/tickets"

    def make(i: int) -> int:
        with httpx.Client(timeout=60) as c:
            r = c.post(url, headers=h, json={"title": f"ticket {i}"})
            assert r.status_code == 201, r.text
            return r.json()["ticket_number"]

    with ThreadPoolExecutor(max_workers=50) as pool:
        numbers = list(pool.map(make, range(50)))
    assert sorted(numbers) == list(range(1, 51))
    again = server.http.get(f"/api/v1/projects/{p['id']}", headers=h).json()
    assert again["ticket_counter"] == 50
