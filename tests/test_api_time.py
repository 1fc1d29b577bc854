"""Time tracking over HTTP: the Time Tracking & Finance guide as written, lifecycle, validation."""

from __future__ import annotations

import contextlib

import pytest

from tests.conftest import unique_email
from tests.support import auth
from tests.test_capitalization import HEADER, _db, _finance_columns_by_sql

ENTRY_FIELDS = {"id", "user_id", "ticket_id", "project_id", "date", "duration_minutes",
                "description", "activity_type", "status", "approved_by", "approved_at",
                "rejection_reason", "created_at", "updated_at"}
RATE_FIELDS = {"id", "user_id", "org_id", "loaded_rate_cents", "effective_date", "created_at",
               "updated_at"}


@pytest.fixture
def guide(server):
    """Section 1 of the guide: a user, an org, a finance project and a ticket."""
    http = server.http
    r = http.post("/api/v1/auth/register", json={"email": unique_email("guide-tf"),
                                                 "password": "guide-tf-pass1",
                                                 "display_name": "TF Guide User"})
    user = r.json()
    h = auth(user["access_token"])
    org = http.post("/api/v1/orgs", headers=h, json={
        "name": "Finance Org", "slug": f"guide-tf-org-{user['user_id'][-8:]}"}).json()
    project = http.post("/api/v1/projects", headers=h, json={
        "org_id": org["id"], "key": "FIN", "name": "Finance Feature",
        "description": "Project for time tracking guide", "capitalization_type": "Capex",
        "development_phase": "AppDevelopment", "cost_center_id": "ENG-001",
        "budget_cents": 5000000, "budget_period": "Quarterly", "amortization_months": 36})
    assert project.status_code == 201, project.text
    project = project.json()
    # The project PATCH/create finance fields land on another branch; set them directly.
    _finance_columns_by_sql(server, project["id"], capitalization_type="Capex",
                            development_phase="AppDevelopment", cost_center_id="ENG-001")
    ticket = http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h, json={
        "title": "Implement SSO login", "description": "Add SAML-based single sign-on",
        "reporter_id": user["user_id"]}).json()
    return {"server": server, "http": http, "h": h, "user": user, "org": org, "project": project,
            "ticket": ticket}


def entry_body(g, **over):
    return {"user_id": g["user"]["user_id"], "ticket_id": g["ticket"]["id"],
            "project_id": g["project"]["id"], "date": "2026-03-28", "duration_minutes": 120,
            "description": "Implemented SAML flow", "activity_type": "Coding", **over}


def test_time_tracking_guide_as_written(guide):
    http, h, uid = guide["http"], guide["h"], guide["user"]["user_id"]
    org_id, ticket_id = guide["org"]["id"], guide["ticket"]["id"]
    # 3. Creating time entries
    r = http.post("/api/v1/time-entries", headers=h, json=entry_body(guide))
    assert r.status_code == 201, r.text
    entry = r.json()
    assert set(entry) == ENTRY_FIELDS
    assert (entry["date"], entry["duration_minutes"], entry["activity_type"], entry["status"],
            entry["approved_by"], entry["approved_at"]) == ("2026-03-28", 120, "Coding",
                                                              "Draft", None, None)
    eid = entry["id"]
    # 4. Viewing
    assert http.get(f"/api/v1/time-entries/{eid}", headers=h).json() == entry
    page = http.get(f"/api/v1/tickets/{ticket_id}/time-entries", headers=h).json()
    assert page == {"items": [entry], "next_cursor": None, "has_more": False}
    page = http.get(f"/api/v1/users/{uid}/time-entries", headers=h).json()
    assert [e["id"] for e in page["items"]] == [eid] and page["has_more"] is False
    # 5. Editing, and deleting (on a second entry, so the walkthrough can go on)
    r = http.patch(f"/api/v1/time-entries/{eid}", headers=h, json={
        "duration_minutes": 150,
        "description": "Implemented SAML flow and wrote integration tests"})
    assert r.status_code == 200 and r.json()["duration_minutes"] == 150
    assert r.json()["description"] == "Implemented SAML flow and wrote integration tests"
    extra = http.post("/api/v1/time-entries", headers=h,
                      json=entry_body(guide, activity_type="CodeReview")).json()
    r = http.delete(f"/api/v1/time-entries/{extra['id']}", headers=h)
    assert r.status_code == 204 and r.content == b""
    assert http.get(f"/api/v1/time-entries/{extra['id']}", headers=h).status_code == 404
    # 6. Submitting
    r = http.post(f"/api/v1/time-entries/{eid}/submit", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "Submitted"
    # 7. Approving
    queue = http.get("/api/v1/time-entries/submitted", headers=h).json()
    assert [e["id"] for e in queue["items"]] == [eid] and queue["next_cursor"] is None
    r = http.post(f"/api/v1/time-entries/{eid}/approve", headers=h)
    approved = r.json()
    assert r.status_code == 200 and approved["status"] == "Approved"
    assert approved["approved_by"] == uid and approved["approved_at"].endswith("Z")
    # 8. Labor rates
    r = http.post("/api/v1/labor-rates", headers=h, json={
        "user_id": uid, "org_id": org_id, "loaded_rate_cents": 15000,
        "effective_date": "2026-01-01"})
    assert r.status_code == 201 and set(r.json()) == RATE_FIELDS
    first = r.json()
    assert http.get(f"/api/v1/labor-rates/{first['id']}", headers=h).json() == first
    second = http.post("/api/v1/labor-rates", headers=h, json={
        "user_id": uid, "org_id": org_id, "loaded_rate_cents": 16000,
        "effective_date": "2026-07-01"}).json()
    current = f"/api/v1/users/{uid}/orgs/{org_id}/labor-rates/current"
    assert http.get(current, headers=h, params={"date": "2026-03-28"}).json() == first
    assert http.get(current, headers=h, params={"date": "2026-07-01"}).json() == second
    assert http.get(current, headers=h).json()["id"] in (first["id"], second["id"])
    history = http.get(f"/api/v1/users/{uid}/orgs/{org_id}/labor-rates", headers=h).json()
    assert history == {"items": [second, first], "next_cursor": None, "has_more": False}
    # 9. Reports
    project = {"project_id": guide["project"]["id"], "project_key": "FIN",
               "project_name": "Finance Feature", "capitalization_type": "Capex",
               "development_phase": "AppDevelopment", "cost_center_id": "ENG-001",
               "total_hours": 2.5, "total_amount_cents": 37500, "capex_amount_cents": 37500,
               "opex_amount_cents": 0}
    coding = [{"activity_type": "Coding", "hours": 2.5, "amount_cents": 37500,
               "classification": "Capex"}]
    rep = http.get("/api/v1/reports/capitalization", headers=h, params={"period": "2026-03"})
    assert rep.json() == {"period": "2026-03", "projects": [{**project, "breakdown": coding}]}
    rep = http.get("/api/v1/reports/capitalization?period=2026-03&include_budget=true",
                   headers=h).json()
    assert rep["projects"][0] == {**project, "budget_cents": 5000000,
                                  "budget_period": "Quarterly", "spent_cents": 37500,
                                  "budget_remaining_cents": 4962500,
                                  "budget_utilization_pct": 0.75, "breakdown": coding}
    rep = http.get("/api/v1/reports/capitalization?period=2026-03&group_by=user",
                   headers=h).json()
    assert rep == {"period": "2026-03", "users": [{
        "user_id": uid, "display_name": "TF Guide User", "total_hours": 2.5,
        "total_amount_cents": 37500, "projects": [{**project, "breakdown": coding}]}]}
    rep = http.get("/api/v1/reports/capitalization?period=2026-03&cost_center_id=ENG-001"
                   "&activity_type=Coding", headers=h).json()
    assert rep["projects"][0]["total_amount_cents"] == 37500
    # 10. Export
    csv = http.get("/api/v1/reports/capitalization/export?period=2026-03", headers=h)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0] == HEADER
    assert lines[1] == ("2026-03,Finance Feature,FIN,TF Guide User,,ENG-001,2.5,Coding,"
                        "AppDevelopment,Capex,15000,37500,,,5000000,37500,0.75")
    tagged = http.get("/api/v1/reports/capitalization/export?period=2026-03"
                      "&tag=department:engineering", headers=h)
    assert tagged.status_code == 200 and tagged.text.splitlines()[0] == HEADER
    # The finance use case and the playbook: empty months, team grouping, named org
    for q in ("period=2026-01", "period=2026-01&include_budget=true",
              "period=2026-01&cost_center_id=ENG-002", "period=2026-01&activity_type=Maintenance"):
        assert http.get(f"/api/v1/reports/capitalization?{q}", headers=h).json() == {
            "period": "2026-01", "projects": []}
    assert http.get("/api/v1/reports/capitalization?period=2026-01&group_by=team"
                    "&include_budget=true", headers=h).json() == {"period": "2026-01",
                                                                  "teams": []}
    named = http.get(f"/api/v1/reports/capitalization?period=2026-03&org_id={org_id}",
                     headers=h).json()
    assert named["projects"][0]["total_amount_cents"] == 37500
    by_team = http.get("/api/v1/reports/capitalization/export?period=2026-03&group_by=team",
                       headers=h).text.splitlines()
    assert by_team[1].split(",")[12] == "No team"


def test_walkthrough_track_time(guide):
    """Section 11 of the end-to-end walkthrough (and its alt rendering)."""
    http, h = guide["http"], guide["h"]
    r = http.post("/api/v1/time-entries", headers=h, json=entry_body(
        guide, description="Initial setup work"))
    assert r.status_code == 201
    items = http.get(f"/api/v1/tickets/{guide['ticket']['id']}/time-entries",
                     headers=h).json()["items"]
    assert [(e["duration_minutes"], e["description"], e["activity_type"]) for e in items] == [
        (120, "Initial setup work", "Coding")]


def err(r, status):
    assert r.status_code == status, r.text
    return r.json()["error"]


def test_validation_lists_every_bad_field(guide):
    http, h = guide["http"], guide["h"]
    e = err(http.post("/api/v1/time-entries", headers=h, json=entry_body(
        guide, duration_minutes=0, activity_type="Juggling", date="2026-02-30")), 422)
    assert e["code"] == "VALIDATION_ERROR"
    assert {d["field"] for d in e["details"]} == {"date", "duration_minutes", "activity_type"}
    for bad in (1441, -5, "90", 1.5, None):
        e = err(http.post("/api/v1/time-entries", headers=h,
                          json=entry_body(guide, duration_minutes=bad)), 422)
        assert [d["field"] for d in e["details"]] == ["duration_minutes"]
    for bad in ("2026-02-30", "03/28/2026", "2026-3-1", "yesterday"):
        e = err(http.post("/api/v1/time-entries", headers=h, json=entry_body(guide, date=bad)),
                422)
        assert [d["field"] for d in e["details"]] == ["date"]
    e = err(http.post("/api/v1/time-entries", headers=h, json={}), 422)
    assert {d["field"] for d in e["details"]} == {"ticket_id", "date", "duration_minutes",
                                                  "activity_type"}
    e = err(http.post("/api/v1/time-entries", headers=h,
                      json=entry_body(guide, project_id="0" * 8 + "-0000-0000-0000-" + "0" * 12)),
            422)
    assert [d["field"] for d in e["details"]] == ["project_id"]
    assert err(http.post("/api/v1/time-entries", headers=h, content=b"{nope"), 400)
    for ok in (1, 1440):
        assert http.post("/api/v1/time-entries", headers=h,
                         json=entry_body(guide, duration_minutes=ok)).status_code == 201
    eid = http.post("/api/v1/time-entries", headers=h, json=entry_body(guide)).json()["id"]
    e = err(http.patch(f"/api/v1/time-entries/{eid}", headers=h,
                       json={"date": "2026-13-01", "duration_minutes": 2000}), 422)
    assert {d["field"] for d in e["details"]} == {"date", "duration_minutes"}
    err(http.patch(f"/api/v1/time-entries/{eid}", headers=h, json={"date": "2026-13-01"}), 422)
    e = err(http.get("/api/v1/reports/capitalization", headers=h,
                     params={"period": "2026-13"}), 422)
    assert [d["field"] for d in e["details"]] == ["period"]
    err(http.get("/api/v1/reports/capitalization", headers=h), 422)
    err(http.get("/api/v1/reports/capitalization", headers=h,
                 params={"period": "2026-03", "group_by": "planet"}), 422)
    err(http.get("/api/v1/reports/capitalization", headers=h,
                 params={"period": "2026-03", "tag": "nocolon"}), 422)
    err(http.get("/api/v1/reports/capitalization/export", headers=h,
                 params={"period": "2026-03", "format": "xlsx"}), 422)
    err(http.get(f"/api/v1/tickets/{guide['ticket']['id']}/time-entries", headers=h,
                 params={"date": "soon"}), 422)


ALIASES = {"Coding": "Coding", "coding": "Coding", "Testing": "Testing",
           "code-review": "CodeReview", "Code Review": "CodeReview", "Design": "Design",
           "architecture": "Architecture", "PM": "PM", "requirements": "Requirements",
           "Training": "Training", "maintenance": "Maintenance", "BugFixing": "BugFixing",
           "bug_fixing": "BugFixing", "Documentation": "Documentation",
           "Deployment": "Deployment", "Meetings": "Meetings",
           # CLI Reference and API Reference spellings
           "Meeting": "Meetings", "Planning": "PM", "DevOps": "Deployment",
           "BugFix": "BugFixing", "Refactoring": "Coding", "Research": "Requirements",
           "Support": "Maintenance", "Other": "Maintenance", "development": "Coding"}


def test_every_activity_type_spelling_maps_to_one_canonical_type(guide):
    http, h = guide["http"], guide["h"]
    for given, canonical in ALIASES.items():
        r = http.post("/api/v1/time-entries", headers=h,
                      json=entry_body(guide, activity_type=given))
        assert r.status_code == 201 and r.json()["activity_type"] == canonical, given


def test_lifecycle_reject_edit_resubmit_and_locks(guide):
    http, h = guide["http"], guide["h"]
    eid = http.post("/api/v1/time-entries", headers=h, json=entry_body(guide)).json()["id"]
    base = f"/api/v1/time-entries/{eid}"
    err(http.post(f"{base}/approve", headers=h), 409)  # Draft cannot be approved
    err(http.post(f"{base}/reject", headers=h, json={}), 409)
    http.post(f"{base}/submit", headers=h)
    err(http.post(f"{base}/submit", headers=h), 409)
    err(http.patch(base, headers=h, json={"duration_minutes": 60}), 409)
    err(http.delete(base, headers=h), 409)
    r = http.post(f"{base}/reject", headers=h, json={"reason": "Wrong ticket"})
    assert r.json()["status"] == "Rejected" and r.json()["rejection_reason"] == "Wrong ticket"
    r = http.patch(base, headers=h, json={"duration_minutes": 60, "activity_type": "testing",
                                          "description": None})
    assert (r.json()["status"], r.json()["duration_minutes"], r.json()["activity_type"],
            r.json()["description"]) == ("Rejected", 60, "Testing", None)
    r = http.post(f"{base}/submit", headers=h)
    assert r.json()["status"] == "Submitted" and r.json()["rejection_reason"] is None
    assert http.post(f"{base}/approve", headers=h).json()["status"] == "Approved"
    err(http.post(f"{base}/approve", headers=h), 409)
    err(http.post(f"{base}/submit", headers=h), 409)
    err(http.patch(base, headers=h, json={"description": "x"}), 409)
    err(http.delete(base, headers=h), 409)
    with _db_rows(guide) as rows:
        actions = [r[0] for r in rows("SELECT action FROM audit_log WHERE entity_id = ? "
                                      "ORDER BY created_at, rowid", eid)]
    assert actions == ["create", "submit", "reject", "update", "submit", "approve"]


@contextlib.contextmanager
def _db_rows(guide):
    """Read the server's database directly (audit rows have no endpoint of their own yet)."""
    conn = _db(guide["server"])
    try:
        yield lambda sql, *p: conn.execute(sql, p).fetchall()
    finally:
        conn.close()


def test_owner_or_admin_and_logging_for_others(guide, register):
    http, h, org_id = guide["http"], guide["h"], guide["org"]["id"]
    bob = register("bob")
    http.post(f"/api/v1/orgs/{org_id}/members", headers=h,
              json={"user_id": bob["user_id"], "role": "member"})
    hb = {**auth(bob["access_token"]), "X-Alloy-Org-Id": org_id}
    mine = http.post("/api/v1/time-entries", headers=h, json=entry_body(guide)).json()["id"]
    err(http.patch(f"/api/v1/time-entries/{mine}", headers=hb, json={"duration_minutes": 5}),
        403)
    err(http.post(f"/api/v1/time-entries/{mine}/submit", headers=hb), 403)
    err(http.delete(f"/api/v1/time-entries/{mine}", headers=hb), 403)
    err(http.post("/api/v1/time-entries", headers=hb, json=entry_body(guide)), 403)
    r = http.post("/api/v1/time-entries", headers=hb,
                  json=entry_body(guide, user_id=bob["user_id"]))
    assert r.status_code == 201
    bobs = r.json()["id"]
    no_user = http.post("/api/v1/time-entries", headers=hb,
                        json={k: v for k, v in entry_body(guide).items() if k != "user_id"})
    assert no_user.json()["user_id"] == bob["user_id"]  # defaults to the caller
    # The owner (an Owner, so Admin rights) may edit, submit and log for Bob.
    assert http.patch(f"/api/v1/time-entries/{bobs}", headers=h,
                      json={"duration_minutes": 30}).status_code == 200
    assert http.post(f"/api/v1/time-entries/{bobs}/submit", headers=h).status_code == 200
    err(http.post(f"/api/v1/time-entries/{bobs}/approve", headers=hb), 403)
    r = http.post("/api/v1/time-entries", headers=h,
                  json=entry_body(guide, user_id=bob["user_id"]))
    assert r.json()["user_id"] == bob["user_id"]
    stranger = register("stranger")
    e = err(http.post("/api/v1/time-entries", headers=h,
                      json=entry_body(guide, user_id=stranger["user_id"])), 422)
    assert [d["field"] for d in e["details"]] == ["user_id"]
    # lists: by user in a shared org, filters and pagination
    by_bob = http.get(f"/api/v1/users/{bob['user_id']}/time-entries", headers=h).json()
    assert len(by_bob["items"]) == 3
    submitted = http.get(f"/api/v1/users/{bob['user_id']}/time-entries", headers=h,
                         params={"status": "submitted"}).json()["items"]
    assert [e["id"] for e in submitted] == [bobs]
    ticket = guide["ticket"]["id"]
    one = http.get(f"/api/v1/tickets/{ticket}/time-entries", headers=h,
                   params={"limit": 1, "user_id": bob["user_id"]}).json()
    assert one["has_more"] is True and len(one["items"]) == 1
    rest = http.get(f"/api/v1/tickets/{ticket}/time-entries", headers=h,
                    params={"limit": 5, "user_id": bob["user_id"],
                            "cursor": one["next_cursor"]}).json()
    assert len(rest["items"]) == 2 and rest["has_more"] is False
    assert http.get(f"/api/v1/tickets/{ticket}/time-entries", headers=h,
                    params={"date": "2026-03-29"}).json()["items"] == []
    err(http.get(f"/api/v1/users/{stranger['user_id']}/time-entries", headers=h), 404)


def test_labor_rate_rules(guide, register):
    http, h, org_id = guide["http"], guide["h"], guide["org"]["id"]
    uid = guide["user"]["user_id"]
    body = {"user_id": uid, "org_id": org_id, "loaded_rate_cents": 15000,
            "effective_date": "2026-01-01"}
    assert http.post("/api/v1/labor-rates", headers=h, json=body).status_code == 201
    err(http.post("/api/v1/labor-rates", headers=h, json=body), 409)
    e = err(http.post("/api/v1/labor-rates", headers=h, json={
        **body, "loaded_rate_cents": -1, "effective_date": "2026-02-31"}), 422)
    assert {d["field"] for d in e["details"]} == {"loaded_rate_cents", "effective_date"}
    err(http.post("/api/v1/labor-rates", headers=h, json={**body, "effective_date": "01/02"}),
        422)
    e = err(http.post("/api/v1/labor-rates", headers=h, json={
        **body, "user_id": register("x")["user_id"]}), 422)
    assert [d["field"] for d in e["details"]] == ["user_id"]
    current = f"/api/v1/users/{uid}/orgs/{org_id}/labor-rates/current"
    err(http.get(current, headers=h, params={"date": "2025-12-31"}), 404)
    err(http.get(current, headers=h, params={"date": "someday"}), 422)
    err(http.get("/api/v1/labor-rates/nope", headers=h), 404)
    for day in ("2026-02-01", "2026-03-01", "2026-04-01"):
        http.post("/api/v1/labor-rates", headers=h, json={**body, "effective_date": day})
    hist = f"/api/v1/users/{uid}/orgs/{org_id}/labor-rates"
    first = http.get(hist, headers=h, params={"limit": 3}).json()
    assert [r["effective_date"] for r in first["items"]] == ["2026-04-01", "2026-03-01",
                                                             "2026-02-01"]
    rest = http.get(hist, headers=h, params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [r["effective_date"] for r in rest["items"]] == ["2026-01-01"]
    assert rest["has_more"] is False


def test_delete_guards_count_time_entries(guide):
    """Projects and tickets with time logged are guarded (guards.DEPENDENTS)."""
    from alloy.services.guards import DEPENDENTS

    http, h = guide["http"], guide["h"]
    http.post("/api/v1/time-entries", headers=h, json=entry_body(guide))
    with _db_rows(guide) as rows:
        for entity, key in (("project", guide["project"]["id"]),
                            ("ticket", guide["ticket"]["id"])):
            counts = {name: rows(sql, key)[0][0] for name, sql in DEPENDENTS[entity]}
            assert counts["time_entries"] == 1
