"""Permission matrix for workflows, transitions and sprints: each of the five roles is
allowed or gets 403 as the API Reference says; another org's member gets 404."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import unique_email
from tests.support import auth

ROLES = ("Owner", "Admin", "Member", "Reporter", "Viewer")
RANK = {r: 5 - i for i, r in enumerate(ROLES)}
WF = {"name": "X", "statuses": [{"name": "A", "category": "todo"},
                                {"name": "B", "category": "done"}],
      "transitions": [{"from": "A", "to": "B"}], "enforcement": "strict"}


def _register(server, prefix):
    r = server.http.post("/api/v1/auth/register", json={
        "email": unique_email(prefix), "password": "password123", "display_name": prefix})
    assert r.status_code == 201, r.text
    return r.json()


def _ok(r, *codes):
    assert r.status_code in codes, r.text
    return r.json() if r.content else None


def _add_project_member(server, owner, project_id, user_id, org_id):
    """Reporters only see projects they belong to. Uses the members endpoint when this
    build has it; otherwise writes the membership row the endpoint would write."""
    r = server.http.post(f"/api/v1/projects/{project_id}/members", json={"user_id": user_id},
                         headers=auth(owner))
    if r.status_code in (200, 201):
        return
    db = sqlite3.connect(server.home / "data" / "alloy.db", timeout=30)
    with db:
        db.execute("INSERT INTO project_members (project_id, user_id, org_id, created_at) "
                   "VALUES (?, ?, ?, '2026-01-01T00:00:00.000Z')", (project_id, user_id, org_id))
    db.close()


@pytest.fixture(scope="module")
def world(server):
    owner = _register(server, "rbac-owner")
    tok = owner["access_token"]
    org = _ok(server.http.post("/api/v1/orgs", json={"name": "RBAC", "slug": f"rbac-{id(owner)}"},
                               headers=auth(tok)), 201)
    project = _ok(server.http.post("/api/v1/projects", json={
        "org_id": org["id"], "key": "RB", "name": "RBAC"}, headers=auth(tok)), 201)
    tokens = {"Owner": tok}
    for role in ROLES[1:]:
        user = _register(server, f"rbac-{role.lower()}")
        _ok(server.http.post(f"/api/v1/orgs/{org['id']}/members",
                             json={"user_id": user["user_id"], "role": role},
                             headers=auth(tok)), 201)
        tokens[role] = user["access_token"]
        if role == "Reporter":
            _add_project_member(server, tok, project["id"], user["user_id"], org["id"])
    outsider = _register(server, "rbac-outsider")["access_token"]
    return {"server": server, "owner": tok, "org": org["id"], "project": project["id"],
            "tokens": tokens, "outsider": outsider}


def _as(world, token, method, path, body=None, params=None):
    return world["server"].http.request(method, path, json=body, params=params,
                                        headers={**auth(token), "X-Alloy-Org-Id": world["org"]})


def _owner(world, method, path, body=None, params=None, code=(200, 201)):
    return _ok(_as(world, world["owner"], method, path, body, params), *code)


def _ticket(world, status=None):
    body = {"title": "t"} | ({"status": status} if status else {})
    return _owner(world, "POST", f"/api/v1/projects/{world['project']}/tickets", body)["id"]


def _sprint(world, status="Planned"):
    p = world["project"]
    # one Active sprint per project: complete any other before starting this one
    for s in _owner(world, "GET", f"/api/v1/projects/{p}/sprints",
                    params={"status": "Active", "limit": 100})["items"]:
        _owner(world, "POST", f"/api/v1/sprints/{s['id']}/complete")
    sid = _owner(world, "POST", f"/api/v1/projects/{p}/sprints", {
        "name": "S", "start_date": "2026-04-01", "end_date": "2026-04-02"})["id"]
    if status in ("Active", "Completed"):
        _owner(world, "POST", f"/api/v1/sprints/{sid}/start")
    if status == "Completed":
        _owner(world, "POST", f"/api/v1/sprints/{sid}/complete")
    return sid


def _uniq() -> str:
    import uuid

    return uuid.uuid4().hex[:8]


def _workflow(world):
    return _owner(world, "POST", f"/api/v1/orgs/{world['org']}/workflows",
                  {**WF, "name": f"WF {_uniq()}"})["id"]


# name -> (minimum role, request factory: world -> (method, path, body, params))
CASES = {
    "workflows.create": ("Admin", lambda w: (
        "POST", f"/api/v1/orgs/{w['org']}/workflows",
        {**WF, "name": f"C {_uniq()}"}, None)),
    "workflows.list": ("Viewer", lambda w: ("GET", f"/api/v1/orgs/{w['org']}/workflows",
                                            None, None)),
    "workflows.get": ("Viewer", lambda w: ("GET", f"/api/v1/workflows/{_workflow(w)}",
                                           None, None)),
    "workflows.update": ("Admin", lambda w: ("PATCH", f"/api/v1/workflows/{_workflow(w)}",
                                             {"enforcement": "warn"}, None)),
    "workflows.delete": ("Admin", lambda w: ("DELETE", f"/api/v1/workflows/{_workflow(w)}",
                                             None, None)),
    "transitions.transition": ("Member", lambda w: (
        "POST", f"/api/v1/tickets/{_ticket(w)}/transition", {"to_status": "Todo"}, None)),
    "transitions.available": ("Viewer", lambda w: (
        "GET", f"/api/v1/tickets/{_ticket(w)}/transitions", None, None)),
    "transitions.available_alt": ("Viewer", lambda w: (
        "GET", f"/api/v1/tickets/{_ticket(w)}/available-transitions", None, None)),
    "transitions.check": ("Viewer", lambda w: (  # a Viewer is told the move is not theirs
        "GET", f"/api/v1/tickets/{_ticket(w)}/transitions/check", None, {"to": "Todo"})),
    "transitions.batch": ("Member", lambda w: (
        "POST", "/api/v1/tickets/batch-transition",
        {"ticket_ids": [_ticket(w)], "to_status": "Done"}, None)),
    "sprints.create": ("Member", lambda w: (
        "POST", f"/api/v1/projects/{w['project']}/sprints",
        {"name": "S", "start_date": "2026-04-01", "end_date": "2026-04-02"}, None)),
    "sprints.list": ("Viewer", lambda w: ("GET", f"/api/v1/projects/{w['project']}/sprints",
                                          None, None)),
    "sprints.get": ("Viewer", lambda w: ("GET", f"/api/v1/sprints/{_sprint(w)}", None, None)),
    "sprints.update": ("Member", lambda w: ("PATCH", f"/api/v1/sprints/{_sprint(w)}",
                                            {"goal": "g"}, None)),
    "sprints.start": ("Member", lambda w: ("POST", f"/api/v1/sprints/{_sprint(w)}/start",
                                           None, None)),
    "sprints.complete": ("Member", lambda w: (
        "POST", f"/api/v1/sprints/{_sprint(w, 'Active')}/complete", None, None)),
    "sprints.batch_assign": ("Member", lambda w: (
        "POST", f"/api/v1/sprints/{_sprint(w)}/batch-assign",
        {"ticket_ids": [_ticket(w)]}, None)),
    "sprints.delete": ("Admin", lambda w: ("DELETE", f"/api/v1/sprints/{_sprint(w)}",
                                           None, None)),
    "sprints.resolve": ("Viewer", lambda w: ("GET", "/api/v1/sprints/resolve", None, {
        "ref": _sprint(w)[:18], "project_id": w["project"]})),
    "sprints.board": ("Viewer", lambda w: ("GET", f"/api/v1/sprints/{_sprint(w)}/board",
                                           None, None)),
    "sprints.burndown": ("Viewer", lambda w: ("GET", f"/api/v1/sprints/{_sprint(w)}/burndown",
                                              None, None)),
}


def test_matrix_covers_every_flow_operation():
    from alloy import ops

    names = {o.name for o in ops.all_ops() if o.tag in ("workflows", "transitions", "sprints")}
    assert names == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_roles(world, name):
    minimum, make = CASES[name]
    for role in ROLES:
        method, path, body, params = make(world)
        r = _as(world, world["tokens"][role], method, path, body, params)
        if RANK[role] >= RANK[minimum]:
            assert r.status_code in (200, 201, 204), (name, role, r.text)
        else:
            assert r.status_code == 403, (name, role, r.status_code, r.text)
            assert r.json()["error"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("name", sorted(CASES))
def test_other_org_gets_404(world, name):
    _, make = CASES[name]
    method, path, body, params = make(world)
    r = world["server"].http.request(method, path, json=body, params=params,
                                     headers=auth(world["outsider"]))
    if name == "transitions.batch":  # ids it cannot see are reported, never touched
        assert r.status_code == 200, r.text
        assert r.json()["succeeded"] == [] and r.json()["failed"][0]["reason"].startswith(
            "not found")
        return
    assert r.status_code == 404, (name, r.status_code, r.text)
    assert r.json()["error"]["code"] == "NOT_FOUND"
