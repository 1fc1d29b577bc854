"""Permission matrix for time tracking, labor rates and reports: five roles and an outsider.

API Reference: create/update/delete/submit time entry = Member (owner or Admin for someone
else's entry); approve (and reject) = Admin; every labor-rate operation = Admin; reads = any
role. Reporters read only projects they are members of (this one is theirs). Outsiders: 404.
"""

from __future__ import annotations

import pytest

from tests.support import auth
from tests.test_capitalization import _db

ROLES = ("Owner", "Admin", "Member", "Reporter", "Viewer", "Outsider")


@pytest.fixture(scope="module")
def world(server):
    http = server.http
    people = {}
    for role in ROLES:
        r = http.post("/api/v1/auth/register", json={
            "email": f"rbac-time-{role.lower()}-{id(world)}@example.com",
            "password": "password123", "display_name": role})
        people[role] = r.json()
    h = auth(people["Owner"]["access_token"])
    org = http.post("/api/v1/orgs", headers=h, json={"name": "RBAC", "slug":
                                                     f"rbac-time-{id(world)}"}).json()
    for role in ROLES[1:5]:
        r = http.post(f"/api/v1/orgs/{org['id']}/members", headers=h,
                      json={"user_id": people[role]["user_id"], "role": role})
        assert r.status_code == 201, r.text
    project = http.post("/api/v1/projects", headers=h, json={
        "org_id": org["id"], "key": "RB", "name": "RBAC"}).json()
    with _db(server) as conn:  # project membership for the Reporter (ops land elsewhere)
        conn.execute("INSERT INTO project_members VALUES (?, ?, ?, ?)",
                     (project["id"], people["Reporter"]["user_id"], org["id"], "2026"))
    ticket = http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h,
                       json={"title": "t"}).json()
    headers = {role: {**auth(p["access_token"]), "X-Alloy-Org-Id": org["id"]}
               for role, p in people.items()}
    headers["Outsider"] = auth(people["Outsider"]["access_token"])
    rate = http.post("/api/v1/labor-rates", headers=h, json={
        "user_id": people["Owner"]["user_id"], "org_id": org["id"], "loaded_rate_cents": 100,
        "effective_date": "2026-01-01"}).json()
    return {"http": http, "h": headers, "org": org["id"], "ticket": ticket["id"],
            "owner": people["Owner"]["user_id"], "people": people, "rate": rate["id"]}


def owners_entry(w, status="Draft") -> str:
    """A fresh entry of the Owner's, moved to `status`."""
    http, h = w["http"], w["h"]["Owner"]
    e = http.post("/api/v1/time-entries", headers=h, json={
        "ticket_id": w["ticket"], "date": "2026-03-02", "duration_minutes": 30,
        "activity_type": "Coding"}).json()["id"]
    if status != "Draft":
        http.post(f"/api/v1/time-entries/{e}/submit", headers=h)
    return e


ALLOWED_WRITE = {"Owner", "Admin", "Member"}
ADMIN = {"Owner", "Admin"}
EVERYONE = {"Owner", "Admin", "Member", "Reporter", "Viewer"}


def _expect(role, allowed, ok):
    if role == "Outsider":
        return 404
    return ok if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_time_entry_matrix(world, role):
    w, http, h = world, world["http"], world["h"][role]
    body = {"ticket_id": w["ticket"], "date": "2026-03-02", "duration_minutes": 30,
            "activity_type": "Coding"}
    r = http.post("/api/v1/time-entries", headers=h, json=body)
    assert r.status_code == _expect(role, ALLOWED_WRITE, 201), r.text
    entry = owners_entry(w)
    assert http.get(f"/api/v1/time-entries/{entry}", headers=h).status_code == \
        _expect(role, EVERYONE, 200)
    # someone else's entry: Owner (its owner) and Admin only
    assert http.patch(f"/api/v1/time-entries/{entry}", headers=h,
                      json={"duration_minutes": 45}).status_code == _expect(role, ADMIN, 200)
    assert http.post(f"/api/v1/time-entries/{entry}/submit", headers=h).status_code == \
        _expect(role, ADMIN, 200)
    assert http.post(f"/api/v1/time-entries/{owners_entry(w, 'Submitted')}/approve",
                     headers=h).status_code == _expect(role, ADMIN, 200)
    assert http.post(f"/api/v1/time-entries/{owners_entry(w, 'Submitted')}/reject", headers=h,
                     json={"reason": "r"}).status_code == _expect(role, ADMIN, 200)
    assert http.delete(f"/api/v1/time-entries/{owners_entry(w)}", headers=h).status_code == \
        _expect(role, ADMIN, 204)
    for path in (f"/api/v1/tickets/{w['ticket']}/time-entries",
                 f"/api/v1/users/{w['owner']}/time-entries?org_id={w['org']}",
                 f"/api/v1/time-entries/submitted?org_id={w['org']}"):
        assert http.get(path, headers=h).status_code == _expect(role, EVERYONE, 200), path


@pytest.mark.parametrize("role", ("Member",))
def test_member_manages_own_entries(world, role):
    http, h = world["http"], world["h"][role]
    e = http.post("/api/v1/time-entries", headers=h, json={
        "ticket_id": world["ticket"], "date": "2026-03-02", "duration_minutes": 30,
        "activity_type": "Coding"}).json()["id"]
    assert http.patch(f"/api/v1/time-entries/{e}", headers=h,
                      json={"duration_minutes": 40}).status_code == 200
    assert http.post(f"/api/v1/time-entries/{e}/submit", headers=h).status_code == 200
    assert http.post(f"/api/v1/time-entries/{e}/approve", headers=h).status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_labor_rate_matrix(world, role):
    w, http, h = world, world["http"], world["h"][role]
    uid = w["people"]["Member"]["user_id"]
    day = {"Owner": "2026-05-01", "Admin": "2026-06-01"}.get(role, "2026-07-01")
    r = http.post("/api/v1/labor-rates", headers=h, json={
        "user_id": uid, "org_id": w["org"], "loaded_rate_cents": 9000, "effective_date": day})
    assert r.status_code == _expect(role, ADMIN, 201), r.text
    base = f"/api/v1/users/{w['owner']}/orgs/{w['org']}/labor-rates"
    for path in (f"/api/v1/labor-rates/{w['rate']}", base, f"{base}/current"):
        assert http.get(path, headers=h).status_code == _expect(role, ADMIN, 200), path


@pytest.mark.parametrize("role", ROLES)
def test_report_matrix(world, role):
    w, http, h = world, world["http"], world["h"][role]
    for path in ("/api/v1/reports/capitalization", "/api/v1/reports/capitalization/export"):
        r = http.get(path, headers=h, params={"period": "2026-03", "org_id": w["org"]})
        assert r.status_code == _expect(role, EVERYONE, 200), (path, r.text)


def test_outsider_sees_no_trace(world):
    """Without naming the org an outsider's report covers only their own orgs: empty."""
    http, h = world["http"], world["h"]["Outsider"]
    rep = http.get("/api/v1/reports/capitalization", headers=h, params={"period": "2026-03"})
    assert rep.json() == {"period": "2026-03", "projects": []}
    queue = http.get("/api/v1/time-entries/submitted", headers=h).json()
    assert queue["items"] == []
    e = http.get(f"/api/v1/users/{world['owner']}/time-entries", headers=h)
    assert e.status_code == 404


def test_reporter_is_scoped_to_member_projects(world):
    http, h = world["http"], world["h"]
    other = http.post("/api/v1/projects", headers=h["Owner"], json={
        "org_id": world["org"], "key": "HID", "name": "Hidden"}).json()
    t = http.post(f"/api/v1/projects/{other['id']}/tickets", headers=h["Owner"],
                  json={"title": "hidden"}).json()
    e = http.post("/api/v1/time-entries", headers=h["Owner"], json={
        "ticket_id": t["id"], "date": "2026-03-03", "duration_minutes": 30,
        "activity_type": "Coding"}).json()["id"]
    http.post(f"/api/v1/time-entries/{e}/submit", headers=h["Owner"])
    assert http.get(f"/api/v1/time-entries/{e}", headers=h["Reporter"]).status_code == 403
    assert http.get(f"/api/v1/tickets/{t['id']}/time-entries",
                    headers=h["Reporter"]).status_code == 403
    queue = http.get("/api/v1/time-entries/submitted", headers=h["Reporter"]).json()["items"]
    assert e not in [x["id"] for x in queue]
    viewer_queue = http.get("/api/v1/time-entries/submitted?limit=100",
                            headers=h["Viewer"]).json()
    assert e in [x["id"] for x in viewer_queue["items"]]
