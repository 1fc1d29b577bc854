"""The Workflows & Statuses (12/16), Sprints & Boards (11), sprint playbook (30) and the
walkthroughs' workflow parts (40/44), run over HTTP as their curl examples are written."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import unique_email
from tests.support import auth

DEFAULT_STATUSES = [
    {"name": "Backlog", "category": "backlog"}, {"name": "Todo", "category": "todo"},
    {"name": "InProgress", "category": "in_progress"},
    {"name": "InReview", "category": "in_review"}, {"name": "Done", "category": "done"},
    {"name": "Cancelled", "category": "cancelled"}]

BUG_TRIAGE = {
    "name": "Bug Triage",
    "statuses": [
        {"name": "New", "category": "backlog"}, {"name": "Triaged", "category": "todo"},
        {"name": "Fixing", "category": "in_progress"},
        {"name": "Verifying", "category": "in_review"}, {"name": "Closed", "category": "done"},
        {"name": "WontFix", "category": "cancelled"}],
    "transitions": [
        {"from": "New", "to": "Triaged"}, {"from": "New", "to": "WontFix"},
        {"from": "Triaged", "to": "Fixing"}, {"from": "Triaged", "to": "WontFix"},
        {"from": "Fixing", "to": "Verifying"}, {"from": "Fixing", "to": "Triaged"},
        {"from": "Verifying", "to": "Closed"}, {"from": "Verifying", "to": "Fixing"}],
    "enforcement": "strict",
}

KANBAN = {
    "name": "Kanban",
    "statuses": [{"name": "Open", "category": "todo"},
                 {"name": "Coding", "category": "in_progress"},
                 {"name": "Review", "category": "in_progress"},
                 {"name": "Shipped", "category": "done"}],
    "transitions": [{"from": "Open", "to": "Coding"}, {"from": "Coding", "to": "Review"},
                    {"from": "Review", "to": "Shipped"}],
    "enforcement": "strict",
}


class Api:
    """A registered user with an org, speaking HTTP like the chapters' curl lines."""

    def __init__(self, server, prefix: str) -> None:
        self.server = server
        r = server.http.post("/api/v1/auth/register", json={
            "email": unique_email(prefix), "password": "guide-pass1", "display_name": prefix})
        assert r.status_code == 201, r.text
        self.user = r.json()
        self.headers = auth(self.user["access_token"])
        self.org = self.ok("POST", "/api/v1/orgs", {"name": f"{prefix} org",
                                                    "slug": f"{prefix}-{id(self)}"}, code=201)

    def req(self, method, path, body=None, params=None):
        return self.server.http.request(method, path, json=body, params=params,
                                        headers=self.headers)

    def ok(self, method, path, body=None, params=None, code=200):
        r = self.req(method, path, body, params)
        assert r.status_code == code, (r.status_code, r.text)
        return r.json() if r.content else None

    def project(self, key, name="Project"):
        return self.ok("POST", "/api/v1/projects", {"org_id": self.org["id"], "key": key,
                                                    "name": name}, code=201)

    def ticket(self, project_id, title="t", **extra):
        return self.ok("POST", f"/api/v1/projects/{project_id}/tickets",
                       {"title": title, **extra}, code=201)

    def assign(self, project_id, workflow_id):
        """PATCH /projects/{id} {"workflow_id"} where this build has project PATCH; else
        the row change that PATCH makes (projects.update lives on another branch)."""
        r = self.req("PATCH", f"/api/v1/projects/{project_id}", {"workflow_id": workflow_id})
        if r.status_code == 200:
            return
        assert r.status_code in (404, 405), r.text
        db = sqlite3.connect(self.server.home / "data" / "alloy.db", timeout=30)
        with db:
            db.execute("UPDATE projects SET workflow_id = ? WHERE id = ?",
                       (workflow_id, project_id))
        db.close()


@pytest.fixture
def api(server):
    return lambda prefix="guide": Api(server, prefix)


def test_workflows_guide(api):
    """Chapter 12 (and its second rendering, 16), sections 2-8."""
    me = api("guide-wf")
    org_id = me.org["id"]
    project = me.project("WF", "Workflow Demo Project")
    page = me.ok("GET", f"/api/v1/orgs/{org_id}/workflows")
    assert page["next_cursor"] is None and page["has_more"] is False
    (default,) = page["items"]
    assert default["name"] == "Default" and default["org_id"] == org_id
    assert default["statuses"] == DEFAULT_STATUSES
    assert default["enforcement"] == "none"
    assert len(default["transitions"]) == 30  # any to any

    wf = me.ok("POST", f"/api/v1/orgs/{org_id}/workflows", BUG_TRIAGE, code=201)
    assert {k: wf[k] for k in BUG_TRIAGE} == BUG_TRIAGE
    assert {"id", "org_id", "created_at", "updated_at"} <= set(wf)
    assert me.ok("GET", f"/api/v1/workflows/{wf['id']}")["name"] == "Bug Triage"
    renamed = me.ok("PATCH", f"/api/v1/workflows/{wf['id']}", {"name": "Bug Triage v2"})
    assert renamed["name"] == "Bug Triage v2" and renamed["enforcement"] == "strict"
    assert renamed["statuses"] == BUG_TRIAGE["statuses"]

    ticket = me.ticket(project["id"], "Fix login timeout", priority="High",
                       description="Users report session expiring too early",
                       reporter_id=me.user["user_id"])
    assert ticket["status"] == "Backlog" and ticket["ticket_number"] == 1
    moved = me.ok("POST", f"/api/v1/tickets/{ticket['id']}/transition",
                  {"to_status": "InProgress"})
    assert moved["status"] == "InProgress" and moved["priority"] == "High"
    assert "warning" not in moved
    avail = me.ok("GET", f"/api/v1/tickets/{ticket['id']}/transitions")
    assert avail["current_status"] == "InProgress"
    assert [s["name"] for s in avail["available"]] == ["Backlog", "Todo", "InReview", "Done",
                                                       "Cancelled"]
    assert me.ok("GET", f"/api/v1/tickets/{ticket['id']}/available-transitions") == avail

    # section 7: in a Bug Triage project, New -> Done (or Closed) is rejected, nothing moves
    triage = me.project("BT", "Triage")
    me.assign(triage["id"], wf["id"])
    bug = me.ticket(triage["id"], "Crash", status="New")
    for target, shown in (("Done", "Done"), ("closed", "Closed")):
        r = me.req("POST", f"/api/v1/tickets/{bug['id']}/transition", {"to_status": target})
        assert r.status_code == 422
        assert r.json() == {"error": {
            "code": "VALIDATION_ERROR", "details": [],
            "message": f"transition from 'New' to '{shown}' is not allowed by workflow "
                       "'Bug Triage v2'"}}
    assert me.ok("GET", f"/api/v1/tickets/{bug['id']}")["status"] == "New"
    avail = me.ok("GET", f"/api/v1/tickets/{bug['id']}/transitions")
    assert [s["name"] for s in avail["available"]] == ["Triaged", "WontFix"]
    for step in ("Triaged", "Fixing", "Verifying", "Closed"):
        assert me.ok("POST", f"/api/v1/tickets/{bug['id']}/transition",
                     {"to_status": step})["status"] == step

    # section 8: in use -> 409 with the count; unused -> 204
    r = me.req("DELETE", f"/api/v1/workflows/{wf['id']}")
    assert r.status_code == 409
    assert r.json()["error"] == {"code": "CONFLICT", "details": ["projects: 1"],
                                 "message": "Cannot delete workflow with existing dependents"}
    me.assign(triage["id"], None)
    r = me.req("DELETE", f"/api/v1/workflows/{wf['id']}")
    assert r.status_code == 204 and r.content == b""
    assert me.req("GET", f"/api/v1/workflows/{wf['id']}").status_code == 404


def test_warn_mode_body(api):
    """API Reference, Enforcement Modes: the warn answer, both documented shapes."""
    me = api("guide-warn")
    wf = me.ok("POST", f"/api/v1/orgs/{me.org['id']}/workflows", {
        "name": "Simple Flow",
        "statuses": [{"name": "Todo", "category": "todo"},
                     {"name": "InProgress", "category": "in_progress"},
                     {"name": "Done", "category": "done"}],
        "transitions": [{"from": "Todo", "to": "InProgress"},
                        {"from": "InProgress", "to": "Done"}]}, code=201)
    assert wf["enforcement"] == "none"
    me.ok("PATCH", f"/api/v1/workflows/{wf['id']}", {"enforcement": "warn"})
    project = me.project("SF")
    me.assign(project["id"], wf["id"])
    ticket = me.ticket(project["id"], status="Todo")
    body = me.ok("POST", f"/api/v1/tickets/{ticket['id']}/transition", {"to_status": "Done"})
    text = ("transition from 'Todo' to 'Done' is not allowed by workflow 'Simple Flow', "
            "but enforcement is set to warn")
    assert body["warning"] == text and body["status"] == "Done" and body["id"] == ticket["id"]
    assert body["ticket"]["id"] == ticket["id"] and body["ticket"]["status"] == "Done"
    assert me.ok("GET", f"/api/v1/tickets/{ticket['id']}")["status"] == "Done"
    # allowed moves carry no warning
    second = me.ticket(project["id"], status="Todo")
    plain = me.ok("POST", f"/api/v1/tickets/{second['id']}/transition",
                  {"to_status": "in progress"})
    assert plain["status"] == "InProgress" and "warning" not in plain and "ticket" not in plain


def test_walkthrough_custom_workflow(api):
    """Chapters 40/44 section 14, exactly as written: Kanban, WFT, Open -> Coding -> 422."""
    me = api("walk")
    wf = me.ok("POST", f"/api/v1/orgs/{me.org['id']}/workflows", KANBAN, code=201)
    assert {k: wf[k] for k in KANBAN} == KANBAN
    project = me.project("WFT", "Workflow Test Project")
    ticket = me.ticket(project["id"], "Workflow test ticket", description="Testing enforcement",
                       status="Open", priority="Medium", reporter_id=me.user["user_id"])
    assert ticket["status"] == "Open"
    assert me.ok("POST", f"/api/v1/tickets/{ticket['id']}/transition",
                 {"to_status": "Coding"})["status"] == "Coding"
    r = me.req("POST", f"/api/v1/tickets/{ticket['id']}/transition", {"to_status": "Shipped"})
    assert r.status_code == 422
    assert r.json() == {"error": {
        "code": "VALIDATION_ERROR", "details": [],
        "message": "transition from 'Coding' to 'Shipped' is not allowed by workflow 'Kanban'"}}


def test_batch_transition(api):
    me = api("batch")
    project = me.project("BA")
    a, b = me.ticket(project["id"])["id"], me.ticket(project["id"])["id"]
    missing = "00000000-0000-7000-8000-000000000000"
    out = me.ok("POST", "/api/v1/tickets/batch-transition",
                {"ticket_ids": [a, b, missing], "to_status": "Done"})
    assert out == {"succeeded": [{"id": a, "status": "Done"}, {"id": b, "status": "Done"}],
                   "failed": [{"id": missing, "reason": f"not found: ticket {missing}"}]}
    r = me.req("POST", "/api/v1/tickets/batch-transition", {"ticket_ids": [], "to_status": "x"})
    assert r.status_code == 422


def _sprint_body(name="Sprint 1", goal="Complete MVP foundations", start="2026-04-01",
                 end="2026-04-15"):
    return {"name": name, "goal": goal, "start_date": start, "end_date": end}


def test_sprints_guide(api):
    """Chapter 11 sections 2-9 (and the playbook's sprint steps, chapter 30)."""
    me = api("guide-sb")
    project = me.project("SB", "Sprint Board Project")
    pid = project["id"]
    t1 = me.ticket(pid, "Design landing page", priority="High")
    t2 = me.ticket(pid, "Set up database schema", priority="Medium")
    sprint = me.ok("POST", f"/api/v1/projects/{pid}/sprints", _sprint_body(), code=201)
    assert {k: sprint[k] for k in ("project_id", "name", "goal", "start_date", "end_date",
                                   "status")} == {
        "project_id": pid, "name": "Sprint 1", "goal": "Complete MVP foundations",
        "start_date": "2026-04-01", "end_date": "2026-04-15", "status": "Planned"}
    sid = sprint["id"]
    page = me.ok("GET", f"/api/v1/projects/{pid}/sprints")
    assert page == {"items": [sprint], "next_cursor": None, "has_more": False}
    assert me.ok("GET", f"/api/v1/projects/{pid}/sprints", params={"limit": 5})["items"][0][
        "status"] == "Planned"
    assert me.ok("GET", f"/api/v1/sprints/{sid}") == sprint
    updated = me.ok("PATCH", f"/api/v1/sprints/{sid}", {"goal": "Ship auth and landing page"})
    assert updated["goal"] == "Ship auth and landing page" and updated["name"] == "Sprint 1"
    assert me.ok("POST", f"/api/v1/sprints/{sid}/batch-assign",
                 {"ticket_ids": [t1["id"], t2["id"]]}) == {"assigned": 2}
    started = me.ok("POST", f"/api/v1/sprints/{sid}/start")
    assert started["status"] == "Active"
    r = me.req("POST", f"/api/v1/sprints/{sid}/start")
    assert r.status_code == 422
    assert r.json()["error"]["message"] == "sprint is Active; only a Planned sprint can be started"

    board = me.ok("GET", f"/api/v1/sprints/{sid}/board")
    assert board["sprint"]["id"] == sid
    assert [c["status"] for c in board["columns"]] == [s["name"] for s in DEFAULT_STATUSES]
    assert [t["id"] for t in board["columns"][0]["tickets"]] == [t1["id"], t2["id"]]
    me.ok("POST", f"/api/v1/tickets/{t1['id']}/transition", {"to_status": "InProgress"})
    board = me.ok("GET", f"/api/v1/sprints/{sid}/board")
    by_status = {c["status"]: [t["id"] for t in c["tickets"]] for c in board["columns"]}
    assert by_status["InProgress"] == [t1["id"]] and by_status["Backlog"] == [t2["id"]]

    burn = me.ok("GET", f"/api/v1/sprints/{sid}/burndown")
    assert burn["sprint_id"] == sid and len(burn["data"]) == 15
    assert [d["date"] for d in burn["data"]][:2] == ["2026-04-01", "2026-04-02"]
    assert set(burn["data"][0]) == {"date", "total_tickets", "completed_tickets",
                                    "remaining_tickets"}
    for d in burn["data"]:
        assert d["remaining_tickets"] == d["total_tickets"] - d["completed_tickets"]

    mid = me.ok("PATCH", f"/api/v1/sprints/{sid}",
                {"goal": "Ship Stripe checkout (invoicing moved to Sprint 5)"})
    assert mid["status"] == "Active"
    done = me.ok("POST", f"/api/v1/sprints/{sid}/complete")
    assert done["status"] == "Completed"
    assert me.ok("GET", f"/api/v1/tickets/{t1['id']}")["status"] == "InProgress"  # unchanged
    nxt = me.ok("POST", f"/api/v1/projects/{pid}/sprints", _sprint_body(
        "Sprint 5 — Invoicing & Notifications", "Ship invoice generation and email notifications",
        "2026-04-16", "2026-04-30"), code=201)
    assert nxt["name"] == "Sprint 5 — Invoicing & Notifications" and nxt["status"] == "Planned"
    assert len(me.ok("GET", f"/api/v1/projects/{pid}/sprints")["items"]) == 2

    # section 9: dry run counts, plain delete refuses, cascade removes sprint and tickets
    assert me.ok("DELETE", f"/api/v1/sprints/{sid}",
                 params={"cascade": "true", "dry_run": "true"}) == {
        "sprint_id": sid, "dependents": {"tickets": 2}}
    r = me.req("DELETE", f"/api/v1/sprints/{sid}")
    assert r.status_code == 409
    assert r.json()["error"] == {"code": "CONFLICT", "details": ["tickets: 2"],
                                 "message": "Cannot delete sprint with existing dependents"}
    r = me.req("DELETE", f"/api/v1/sprints/{sid}", params={"cascade": "true"})
    assert r.status_code == 204
    assert me.req("GET", f"/api/v1/tickets/{t1['id']}").status_code == 404
    assert me.req("DELETE", f"/api/v1/sprints/{nxt['id']}").status_code == 204


def test_sprint_rules(api):
    me = api("rules")
    pid = me.project("RU")["id"]
    r = me.req("POST", f"/api/v1/projects/{pid}/sprints",
               {"name": "", "start_date": "2026-02-30", "end_date": "soon"})
    assert r.status_code == 422
    assert {d["field"] for d in r.json()["error"]["details"]} == {"name"}
    r = me.req("POST", f"/api/v1/projects/{pid}/sprints",
               {"name": "S", "start_date": "2026-02-30", "end_date": "soon"})
    assert {d["field"] for d in r.json()["error"]["details"]} == {"start_date", "end_date"}
    r = me.req("POST", f"/api/v1/projects/{pid}/sprints", _sprint_body(start="2026-05-01",
                                                                        end="2026-04-01"))
    assert r.status_code == 422
    assert r.json()["error"]["details"] == [
        {"field": "end_date", "message": "end_date must not be before start_date"}]
    r = me.req("POST", f"/api/v1/projects/{pid}/sprints", _sprint_body(start="2026-04-01x"))
    assert {d["field"] for d in r.json()["error"]["details"]} == {"start_date"}
    stamped = me.ok("POST", f"/api/v1/projects/{pid}/sprints",
                    _sprint_body("Stamped", start="2026-04-01T09:00:00Z"), code=201)
    assert stamped["start_date"] == "2026-04-01"
    me.ok("DELETE", f"/api/v1/sprints/{stamped['id']}", code=204)
    r = me.req("POST", f"/api/v1/projects/{pid}/sprints", {"name": "S"})
    assert {d["field"] for d in r.json()["error"]["details"]} == {"start_date", "end_date"}

    one = me.ok("POST", f"/api/v1/projects/{pid}/sprints", _sprint_body("One"), code=201)
    two = me.ok("POST", f"/api/v1/projects/{pid}/sprints", _sprint_body("Two"), code=201)
    r = me.req("PATCH", f"/api/v1/sprints/{one['id']}", {"end_date": "2026-03-01"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "end_date"
    r = me.req("POST", f"/api/v1/sprints/{one['id']}/complete")
    assert r.status_code == 422
    assert r.json()["error"]["message"] == (
        "sprint is Planned; only an Active sprint can be completed")
    r = me.req("PATCH", f"/api/v1/sprints/{one['id']}", {"status": "Completed"})
    assert r.status_code == 422  # one step at a time
    assert me.ok("PATCH", f"/api/v1/sprints/{one['id']}", {"status": "active"})["status"] == \
        "Active"
    r = me.req("POST", f"/api/v1/sprints/{two['id']}/start")
    assert r.status_code == 422
    assert r.json()["error"]["message"] == (
        "sprint 'One' is already Active in this project; complete it first")
    me.ok("POST", f"/api/v1/sprints/{one['id']}/complete")
    r = me.req("POST", f"/api/v1/sprints/{one['id']}/batch-assign",
               {"ticket_ids": [me.ticket(pid)["id"]]})
    assert r.status_code == 422  # a Completed sprint takes no new tickets
    other = me.project("OT")
    stranger = me.ticket(other["id"])
    r = me.req("POST", f"/api/v1/sprints/{two['id']}/batch-assign",
               {"ticket_ids": [stranger["id"]]})
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "ticket_ids[0]"
    assert me.ok("POST", f"/api/v1/sprints/{two['id']}/start")["status"] == "Active"


def test_workflow_validation(api):
    me = api("wfval")
    oid = me.org["id"]
    r = me.req("POST", f"/api/v1/orgs/{oid}/workflows", {
        "name": "Bad", "statuses": [{"name": "A", "category": "nope"},
                                    {"name": "B", "category": "Done"},
                                    {"name": "b", "category": "todo"}],
        "transitions": [{"from": "B", "to": "Z"}], "enforcement": "sometimes"})
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert fields == {"enforcement"}  # body-level problems are reported first
    r = me.req("POST", f"/api/v1/orgs/{oid}/workflows", {
        "name": "Bad", "statuses": [{"name": "A", "category": "nope"},
                                    {"name": "B", "category": "Done"},
                                    {"name": "b", "category": "todo"}],
        "transitions": [{"from": "B", "to": "Z"}]})
    assert {d["field"] for d in r.json()["error"]["details"]} == {
        "statuses[0].category", "statuses[2].name", "transitions[0].to"}
    r = me.req("POST", f"/api/v1/orgs/{oid}/workflows", {"name": "Default", "statuses": [
        {"name": "A", "category": "todo"}], "transitions": []})
    assert r.status_code == 409
    # forgiving spellings are stored canonically
    wf = me.ok("POST", f"/api/v1/orgs/{oid}/workflows", {
        "name": "Std", "statuses": [{"name": "Backlog", "category": "To Do"},
                                    {"name": "In Progress", "category": "In Progress"},
                                    {"name": "Done", "category": "DONE"}],
        "transitions": [{"from": "backlog", "to": "in progress"},
                        {"from": "In Progress", "to": "Done"}], "enforcement": "Strict"},
        code=201)
    assert [s["category"] for s in wf["statuses"]] == ["todo", "in_progress", "done"]
    assert wf["transitions"] == [{"from": "Backlog", "to": "In Progress"},
                                 {"from": "In Progress", "to": "Done"}]
    # replacing statuses keeps the transitions that still make sense
    wf = me.ok("PATCH", f"/api/v1/workflows/{wf['id']}", {"statuses": [
        {"name": "Backlog", "category": "todo"}, {"name": "In Progress", "category": "in_progress"},
        {"name": "QA", "category": "in_review"}]})
    assert wf["transitions"] == [{"from": "Backlog", "to": "In Progress"}]
    default = me.ok("GET", f"/api/v1/orgs/{oid}/workflows")["items"][0]
    r = me.req("DELETE", f"/api/v1/workflows/{default['id']}")
    assert r.status_code == 409
