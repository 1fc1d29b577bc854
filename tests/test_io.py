"""Data export and import over HTTP: round trip, dry run, SQLite, Jira/Linear, roles, errors."""

from __future__ import annotations

import json
import sqlite3

import pytest

from alloy.domain.imports_common import SourceError
from alloy.domain.imports_jira import convert_jira
from alloy.domain.imports_linear import convert_linear
from tests.conftest import unique_email
from tests.docs_runner import run_doc
from tests.support import ROOT, Server, auth

FIXTURES = ROOT / "tests" / "fixtures"
EMPTY = {"version": 1, "source": "alloy", "exported_at": "2026-01-01T00:00:00Z",
         "projects": [], "labels": [], "workflows": [], "users": []}
ZERO = {k: 0 for k in ("users_created", "workflows_created", "labels_created",
                       "projects_created", "sprints_created", "tickets_created",
                       "comments_created", "time_entries_created", "relations_created")}


def new_user(http, prefix="io"):
    email = unique_email(prefix)
    r = http.post("/api/v1/auth/register", json={"email": email, "password": "password123",
                                                 "display_name": prefix.title()})
    assert r.status_code == 201, r.text
    return {**r.json(), "email": email, "h": auth(r.json()["access_token"])}


def new_org(http, user, slug):
    r = http.post("/api/v1/orgs", headers=user["h"], json={
        "name": slug, "slug": f"{slug}-{user['user_id'][-12:]}"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def ok(r, status=200):
    assert r.status_code == status, r.text
    return r.json() if r.content else None


def populate(http, owner, org_id):
    """An org with a second member, a custom workflow, labels, a sprint, tickets with labels,
    a threaded discussion and time — every relationship an export must carry."""
    h = owner["h"]
    bob = new_user(http, "bob")
    ok(http.post(f"/api/v1/orgs/{org_id}/members", headers=h,
                 json={"user_id": bob["user_id"], "role": "member"}), 201)
    flow = ok(http.post(f"/api/v1/orgs/{org_id}/workflows", headers=h, json={
        "name": "Review flow", "enforcement": "warn",
        "statuses": [{"name": "Open", "category": "todo"},
                     {"name": "Reviewing", "category": "in_review"},
                     {"name": "Shipped", "category": "done"}],
        "transitions": [{"from": "Open", "to": "Reviewing"},
                        {"from": "Reviewing", "to": "Shipped"}]}), 201)
    proj = ok(http.post("/api/v1/projects", headers=h, json={
        "org_id": org_id, "key": "PROJ", "name": "Project", "workflow_id": flow["id"],
        "capitalization_type": "Capex", "budget_cents": 500000, "budget_period": "Monthly"}),
        201)
    ok(http.post(f"/api/v1/projects/{proj['id']}/members", headers=h,
                 json={"user_id": bob["user_id"]}), 201)
    other = ok(http.post("/api/v1/projects", headers=h, json={
        "org_id": org_id, "key": "OPS", "name": "Operations"}), 201)
    bug = ok(http.post(f"/api/v1/orgs/{org_id}/labels", headers=h,
                       json={"name": "bug", "color": "#FF0000"}), 201)
    ok(http.post(f"/api/v1/orgs/{org_id}/labels", headers=h,
                 json={"name": "unused", "color": "#00FF00"}), 201)
    sprint = ok(http.post(f"/api/v1/projects/{proj['id']}/sprints", headers=h, json={
        "name": "Sprint 1", "start_date": "2026-03-01", "end_date": "2026-03-14"}), 201)
    ok(http.post(f"/api/v1/sprints/{sprint['id']}/start", headers=h), 200)
    t1 = ok(http.post(f"/api/v1/projects/{proj['id']}/tickets", headers=h, json={
        "title": "Login fails", "priority": "urgent", "status": "Reviewing",
        "assignee_id": bob["user_id"], "sprint_id": sprint["id"]}), 201)
    ok(http.post(f"/api/v1/projects/{proj['id']}/tickets", headers=h,
                 json={"title": "Docs"}), 201)
    ok(http.post(f"/api/v1/projects/{other['id']}/tickets", headers=h,
                 json={"title": "Rotate keys"}), 201)
    ok(http.post(f"/api/v1/tickets/{t1['id']}/labels", headers=h,
                 json={"label_ids": [bug["id"]]}), 200)
    c1 = ok(http.post(f"/api/v1/tickets/{t1['id']}/comments", headers=h,
                      json={"body": "Repro on Safari"}), 201)
    ok(http.post(f"/api/v1/tickets/{t1['id']}/comments", headers=bob["h"],
                 json={"body": "Fixing", "parent_comment_id": c1["id"]}), 201)
    e = ok(http.post("/api/v1/time-entries", headers=h, json={
        "ticket_id": t1["id"], "date": "2026-03-03", "duration_minutes": 90,
        "activity_type": "coding"}), 201)
    ok(http.post(f"/api/v1/time-entries/{e['id']}/submit", headers=h), 200)
    ok(http.post("/api/v1/time-entries", headers=bob["h"], json={
        "ticket_id": t1["id"], "date": "2026-03-04", "duration_minutes": 30,
        "activity_type": "meeting"}), 201)
    return {"bob": bob, "project": proj}


def export(http, user, org_id, **query):
    return ok(http.get("/api/v1/export", headers=user["h"], params={"org_id": org_id, **query}))


def comparable(data: dict) -> dict:
    """An export without its timestamp, and users without the importing account."""
    return {k: v for k, v in data.items() if k != "exported_at"}


@pytest.fixture(scope="module")
def source(server):
    http = server.http
    owner = new_user(http, "owner")
    org_id = new_org(http, owner, "io-src")
    extra = populate(http, owner, org_id)
    return {"http": http, "owner": owner, "org": org_id, **extra}


def test_export_shape_uses_readable_keys(source):
    data = export(source["http"], source["owner"], source["org"])
    assert {k: data[k] for k in ("version", "source")} == {"version": 1, "source": "alloy"}
    assert set(data) == {"version", "source", "exported_at", "projects", "labels",
                         "workflows", "users"}
    assert [p["key"] for p in data["projects"]] == ["OPS", "PROJ"]
    assert {lb["name"] for lb in data["labels"]} == {"bug", "unused"}
    assert [w["name"] for w in data["workflows"]] == ["Default", "Review flow"]
    proj = data["projects"][1]
    assert proj["workflow"] == "Review flow" and proj["members"] == [source["bob"]["email"]]
    assert proj["sprints"][0]["name"] == "Sprint 1" and proj["sprints"][0]["status"] == "Active"
    t1 = proj["tickets"][0]
    assert t1["key"] == "PROJ-1" and t1["status"] == "Reviewing" and t1["priority"] == "Urgent"
    assert t1["assignee"] == source["bob"]["email"]
    assert t1["reporter"] == source["owner"]["email"]
    assert t1["sprint"] == "Sprint 1" and t1["labels"] == ["bug"]
    assert [(c["author"], c["parent"]) for c in t1["comments"]] == [
        (source["owner"]["email"], None), (source["bob"]["email"], 0)]
    assert [(e["user"], e["duration_minutes"], e["status"]) for e in t1["time_entries"]] == [
        (source["owner"]["email"], 90, "Submitted"), (source["bob"]["email"], 30, "Draft")]
    assert not any(len(v) == 36 and v.count("-") == 4
                   for v in json.dumps(data).replace('"', " ").split())  # no UUIDs


def test_single_project_export_carries_what_it_references(source):
    data = export(source["http"], source["owner"], source["org"], project="proj")
    assert [p["key"] for p in data["projects"]] == ["PROJ"]
    assert [lb["name"] for lb in data["labels"]] == ["bug"]
    assert [w["name"] for w in data["workflows"]] == ["Review flow"]
    assert {u["email"] for u in data["users"]} == {source["owner"]["email"],
                                                   source["bob"]["email"]}
    r = source["http"].get("/api/v1/export", headers=source["owner"]["h"],
                           params={"org_id": source["org"], "project": "NOPE"})
    assert r.status_code == 404


def test_round_trip_into_a_fresh_server(source, tmp_path):
    original = export(source["http"], source["owner"], source["org"])
    target = Server(tmp_path, ALLOY_REGISTRATION="open")
    try:
        admin = new_user(target.http, "target")
        org_id = new_org(target.http, admin, "io-dst")
        result = ok(target.http.post(f"/api/v1/import?org_id={org_id}", headers=admin["h"],
                                     json=original))
        assert result["status"] == "ok" and result["dry_run"] is False
        assert result["summary"] == {
            "users_created": 2, "workflows_created": 1, "labels_created": 2,
            "projects_created": 2, "sprints_created": 1, "tickets_created": 3,
            "comments_created": 2, "time_entries_created": 2, "relations_created": 0}
        copy = export(target.http, admin, org_id)
        copy["users"] = [u for u in copy["users"] if u["email"] != admin["email"]]
        assert comparable(copy) == comparable(original)
        # The same file again changes nothing: everything resolves to what exists.
        again = ok(target.http.post(f"/api/v1/import?org_id={org_id}", headers=admin["h"],
                                    json=original))
        assert again["summary"] == ZERO
        assert any("already present" in w for w in again["warnings"])
        # Numbering continues after the imported numbers.
        proj = ok(target.http.get("/api/v1/projects/key/PROJ", headers=admin["h"],
                                  params={"org_id": org_id}))
        t = ok(target.http.post(f"/api/v1/projects/{proj['id']}/tickets", headers=admin["h"],
                                json={"title": "New"}), 201)
        assert t["key"] == "PROJ-3"
        # Imported people can be found by email and belong to the org.
        members = ok(target.http.get(f"/api/v1/orgs/{org_id}/members", headers=admin["h"]))
        roles = {m["email"]: m["role"] for m in members["items"]}
        assert roles[source["owner"]["email"]] == "Owner"
        assert roles[source["bob"]["email"]] == "Member"
    finally:
        target.stop()


def test_numbers_kept_when_free_else_renumbered(server):
    http = server.http
    admin = new_user(http, "nums")
    org_id = new_org(http, admin, "io-nums")
    proj = ok(http.post("/api/v1/projects", headers=admin["h"], json={
        "org_id": org_id, "key": "NUM", "name": "Numbers"}), 201)
    ok(http.post(f"/api/v1/projects/{proj['id']}/tickets", headers=admin["h"],
                 json={"title": "Existing"}), 201)
    body = {**EMPTY, "projects": [{"key": "NUM", "name": "Numbers", "tickets": [
        {"number": 1, "title": "Clashes"}, {"number": 5, "title": "Five"},
        {"key": "NUM-9", "title": "Nine"}]}]}
    result = ok(http.post(f"/api/v1/import?org_id={org_id}", headers=admin["h"], json=body))
    assert result["summary"]["tickets_created"] == 3
    assert "NUM: numbers taken, renumbered 1->10" in result["warnings"]
    listed = ok(http.get(f"/api/v1/projects/{proj['id']}/tickets", headers=admin["h"]))
    assert sorted((t["ticket_number"], t["title"]) for t in listed["items"]) == [
        (1, "Existing"), (5, "Five"), (9, "Nine"), (10, "Clashes")]


def test_dry_run_changes_nothing(source, server):
    http = server.http
    admin = new_user(http, "dry")
    org_id = new_org(http, admin, "io-dry")
    data = export(http, source["owner"], source["org"])
    before = export(http, admin, org_id)
    preview = ok(http.post("/api/v1/import", headers=admin["h"],
                           params={"org_id": org_id, "dry_run": "true"}, json=data))
    assert preview["dry_run"] is True and preview["summary"]["tickets_created"] == 3
    after = export(http, admin, org_id)
    assert comparable(after) == comparable(before)
    assert ok(http.get(f"/api/v1/orgs/{org_id}/members", headers=admin["h"]))["items"][0][
        "email"] == admin["email"]
    real = ok(http.post("/api/v1/import", headers=admin["h"], params={"org_id": org_id},
                        json=data))
    assert real["summary"] == preview["summary"]


def test_spec_examples_empty_import_and_unsupported_version(server):
    http = server.http
    admin = new_user(http, "spec")
    org_id = new_org(http, admin, "io-spec")
    h = {**admin["h"], "X-Alloy-Org-Id": org_id}
    assert ok(http.post("/api/v1/import", headers=h, json=EMPTY)) == {
        "status": "ok", "summary": ZERO, "dry_run": False, "warnings": []}
    r = http.post("/api/v1/import", headers=h, json={**EMPTY, "version": 99, "source": "test"})
    assert r.status_code == 422
    assert r.json()["error"]["details"] == ["unsupported export version: 99. Expected: 1"]
    r = http.post("/api/v1/import", headers=h, json={"version": 1})
    assert r.status_code == 422
    assert {d["field"] for d in r.json()["error"]["details"]} == {
        "source", "exported_at", "projects", "labels", "workflows", "users"}
    bad = {**EMPTY, "projects": [{"key": "BAD", "name": "Bad", "tickets": [
        {"title": "ok"}, {"title": "x", "time_entries": [
            {"user": None, "date": "2026-01-01", "duration_minutes": 0}]}]}]}
    r = http.post("/api/v1/import", headers=h, json=bad)
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == \
        "projects[0].tickets[1].time_entries[0].duration_minutes"
    r = http.post("/api/v1/import", headers=h, content=b"{not json")
    assert r.status_code == 400
    # A failed import leaves nothing behind (one unit of work).
    assert ok(http.get("/api/v1/projects", headers=h, params={"org_id": org_id}))["items"] == []


def test_imported_people_are_made_like_registered_ones(server):
    """An import makes accounts through the one account path: an address registration
    refuses is refused (it used to be stored), and a name is kept to 255 characters."""
    http = server.http
    admin = new_user(http, "people")
    org_id = new_org(http, admin, "io-people")
    h = {**admin["h"], "X-Alloy-Org-Id": org_id}
    r = http.post("/api/v1/auth/register", json={
        "email": "ops@localhost", "password": "password123", "display_name": "Ops"})
    assert r.status_code == 422
    r = http.post("/api/v1/import", headers=h, json={**EMPTY, "users": [
        {"email": "ops@localhost", "display_name": "Ops"}]})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"] == [{"field": "email",
                                             "message": "not an email address"}]
    long_name, address = "N" * 300, unique_email("longname")
    result = ok(http.post("/api/v1/import", headers=h, json={**EMPTY, "users": [
        {"email": address.upper(), "display_name": f"  {long_name}  "}]}))
    assert result["summary"]["users_created"] == 1
    people = ok(http.get(f"/api/v1/orgs/{org_id}/members", headers=h))["items"]
    made = next(p for p in people if p["email"] == address)
    assert (made["display_name"], made["role"]) == ("N" * 255, "Member")


def test_sqlite_export_is_a_database(source):
    r = source["http"].get("/api/v1/export", headers=source["owner"]["h"],
                           params={"org_id": source["org"], "format": "sqlite"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.sqlite3")
    assert r.content.startswith(b"SQLite format 3\x00")
    conn = sqlite3.connect(":memory:")
    conn.deserialize(r.content)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"export_meta", "users", "labels", "workflows", "projects",
                      "project_members", "sprints", "tickets", "ticket_labels", "comments",
                      "time_entries"}
    assert conn.execute("SELECT value FROM export_meta WHERE key='version'").fetchone() == ("1",)
    assert conn.execute("SELECT key, status, assignee_email FROM tickets WHERE key='PROJ-1'"
                        ).fetchone() == ("PROJ-1", "Reviewing", source["bob"]["email"])
    assert conn.execute("SELECT ticket_key, label_name FROM ticket_labels").fetchall() == [
        ("PROJ-1", "bug")]
    assert conn.execute("SELECT c.body, p.body FROM comments c JOIN comments p "
                        "ON p.id = c.parent_id").fetchall() == [("Fixing", "Repro on Safari")]
    assert conn.execute("SELECT SUM(duration_minutes) FROM time_entries").fetchone() == (120,)
    r = source["http"].get("/api/v1/export", headers=source["owner"]["h"],
                           params={"org_id": source["org"], "format": "xml"})
    assert r.status_code == 422


def test_roles_viewer_exports_but_cannot_import_outsider_sees_nothing(source, server):
    http, org_id = server.http, source["org"]
    viewer, member, outsider = (new_user(http, n) for n in ("viewer", "member", "outsider"))
    for who, role in ((viewer, "viewer"), (member, "member")):
        ok(http.post(f"/api/v1/orgs/{org_id}/members", headers=source["owner"]["h"],
                     json={"user_id": who["user_id"], "role": role}), 201)
    assert export(http, viewer, org_id)["projects"]
    for who, status in ((viewer, 403), (member, 403), (outsider, 404)):
        r = http.post("/api/v1/import", headers=who["h"], params={"org_id": org_id},
                      json=EMPTY)
        assert r.status_code == status, (who["email"], r.text)
    r = http.get("/api/v1/export", headers=outsider["h"], params={"org_id": org_id})
    assert r.status_code == 404
    assert http.get("/api/v1/export", params={"org_id": org_id}).status_code == 401


def _import(http, source_file, convert):
    admin = new_user(http, "ext")
    org_id = new_org(http, admin, "io-ext")
    data, warnings = convert(json.loads((FIXTURES / source_file).read_text()))
    result = ok(http.post("/api/v1/import", headers=admin["h"], params={"org_id": org_id},
                          json=data))
    return export(http, admin, org_id), warnings, result


def test_jira_import_follows_the_mapping(tmp_path):
    """On a server of its own: users are server-wide, and test_cli_io imports the same export
    into the shared one (on the same xdist worker, its users would already exist here)."""
    srv = Server(tmp_path, ALLOY_REGISTRATION="open")
    try:
        data, warnings, result = _import(srv.http, "jira-export.json", convert_jira)
    finally:
        srv.stop()
    assert result["summary"] == {
        "users_created": 2, "workflows_created": 1, "labels_created": 4,
        "projects_created": 1, "sprints_created": 2, "tickets_created": 2,
        "comments_created": 1, "time_entries_created": 1, "relations_created": 0}
    (web,) = data["projects"]
    assert (web["key"], web["name"], web["workflow"]) == ("WEB", "Website", "Jira Import")
    flow = next(w for w in data["workflows"] if w["name"] == "Jira Import")
    assert [(s["name"], s["category"]) for s in flow["statuses"]] == [
        ("In Progress", "in_progress"), ("Done", "done")]
    assert [(s["name"], s["status"]) for s in web["sprints"]] == [
        ("1.0", "Completed"), ("1.1", "Planned")]
    t1, t3 = web["tickets"]
    assert (t1["key"], t1["priority"], t1["status"], t1["sprint"]) == (
        "WEB-1", "Urgent", "In Progress", "1.0")
    assert t1["labels"] == ["component:Auth", "frontend", "type:Bug"]
    assert (t1["assignee"], t1["reporter"]) == ("ann@jira.example", "bob@jira.example")
    assert t1["created_at"] == "2026-01-02T09:30:00.000Z"
    assert [(c["author"], c["body"]) for c in t1["comments"]] == [
        ("bob@jira.example", "Seen on Safari too")]
    assert [(e["user"], e["date"], e["duration_minutes"]) for e in t1["time_entries"]] == [
        ("ann@jira.example", "2026-01-03", 90)]
    assert (t3["key"], t3["priority"], t3["description"]) == (
        "WEB-3", "Low", "New copyright year")
    assert {u["email"]: u["display_name"] for u in data["users"]}["ann@jira.example"] == \
        "Ann Jira"
    assert warnings == [
        "component 'Auth' imported as label 'component:Auth'",
        "WEB-3: resolution 'Fixed' not imported (status 'Done' preserved)",
        "issue links skipped on 1 issue(s)", "custom fields skipped on 1 issue(s)"]


def test_linear_import_follows_the_mapping(server):
    data, warnings, result = _import(server.http, "linear-export.json", convert_linear)
    assert result["summary"]["tickets_created"] == 2
    (eng,) = data["projects"]
    assert (eng["key"], eng["name"], eng["workflow"]) == ("ENG", "Engineering", "Linear Import")
    assert [(s["name"], s["status"]) for s in eng["sprints"]] == [
        ("Cycle 1", "Completed"), ("Polish", "Planned")]
    t7, t8 = eng["tickets"]
    assert (t7["key"], t7["priority"], t7["status"], t7["sprint"], t7["labels"]) == (
        "ENG-7", "Urgent", "In Progress", "Cycle 1", ["backend"])
    assert (t8["key"], t8["priority"], t8["status"], t8["sprint"]) == (
        "ENG-8", "Low", "Backlog", "Polish")
    assert data["labels"] == [{"name": "backend", "color": "#4EA7FC"}]
    assert [(c["author"], c["body"]) for c in t7["comments"]] == [
        ("max@linear.example", "Use a token bucket")]
    assert {u["email"]: u["display_name"] for u in data["users"]}["lin@linear.example"] == \
        "Lin Ear"
    flow = next(w for w in data["workflows"] if w["name"] == "Linear Import")
    assert [(s["name"], s["category"]) for s in flow["statuses"]] == [
        ("In Progress", "in_progress"), ("Backlog", "backlog")]
    assert warnings == [
        "1 Linear project(s) skipped: teams are imported as projects instead",
        "ENG-8: sub-issue of ENG-7 imported as a top-level ticket",
        "relations skipped on 1 issue(s)", "estimates skipped on 1 issue(s)"]


def test_converters_reject_other_files():
    for convert in (convert_jira, convert_linear):
        with pytest.raises(SourceError):
            convert({"something": "else"})
    with pytest.raises(SourceError, match="issue A-1 has a field in a shape") as bad:
        convert_jira({"issues": [{"key": "A-1", "fields": {"labels": 5}}]})
    assert "object" not in str(bad.value) and "int" not in str(bad.value)
    data, _ = convert_jira({"issues": [{"key": "A-1", "fields": {
        "summary": "Long", "priority": {"name": "Weird"}, "worklog": {"worklogs": [
            {"timeSpentSeconds": 100000, "started": "2026-01-01T00:00:00.000+0000"}]}}}]})
    entries = data["projects"][0]["tickets"][0]["time_entries"]
    assert [e["duration_minutes"] for e in entries] == [1440, 227]
    assert data["projects"][0]["tickets"][0]["priority"] == "None"


def _fixture(name: str):
    return json.loads((FIXTURES / name).read_text())


def test_jira_agile_shape_and_a_second_import_extend_the_workflow(server):
    """The Agile API's bare `comment`/`worklog` lists convert; importing a second Jira file
    into the same org adds the statuses the existing "Jira Import" workflow lacks, so no
    ticket sits in a status its workflow does not know."""
    http = server.http
    admin = new_user(http, "agile")
    org_id = new_org(http, admin, "io-agile")
    first, _ = convert_jira(_fixture("jira-export.json"))
    ok(http.post("/api/v1/import", headers=admin["h"], params={"org_id": org_id}, json=first))
    second, warnings = convert_jira(_fixture("jira-agile.json"))
    (web,) = second["projects"]
    w4 = web["tickets"][0]
    assert [(c["author"], c["body"]) for c in w4["comments"]] == [
        ("bob@jira.example", "Also on tablets")]
    assert [(e["user"], e["duration_minutes"]) for e in w4["time_entries"]] == [
        ("ann@jira.example", 30)]
    assert w4["created_at"] == "2026-02-02T08:30:00.000Z"
    result = ok(http.post("/api/v1/import", headers=admin["h"], params={"org_id": org_id},
                          json=second))
    assert result["summary"]["tickets_created"] == 2
    assert "workflow 'Jira Import' already existed: added the statuses 'QA Review'" in \
        result["warnings"]
    data = export(http, admin, org_id)
    flow = next(w for w in data["workflows"] if w["name"] == "Jira Import")
    known = {s["name"] for s in flow["statuses"]}
    assert known == {"In Progress", "Done", "QA Review"}
    for ticket in data["projects"][0]["tickets"]:
        assert ticket["status"] in known, ticket


def test_a_status_the_project_workflow_lacks_is_reported_per_ticket(server):
    http = server.http
    admin = new_user(http, "unknown-status")
    org_id = new_org(http, admin, "io-status")
    body = {"version": 1, "source": "alloy", "exported_at": "2026-01-01T00:00:00.000Z",
            "users": [], "workflows": [], "labels": [], "projects": [{
                "key": "OPS", "name": "Ops", "tickets": [
                    {"number": 1, "title": "Rotate keys", "status": "Parked"},
                    {"number": 2, "title": "Patch hosts", "status": "Done"}]}]}
    result = ok(http.post("/api/v1/import", headers=admin["h"], params={"org_id": org_id},
                          json=body))
    (warning,) = [w for w in result["warnings"] if w.startswith("OPS-1")]
    assert "status 'Parked' is not in workflow 'Default'; imported as 'Backlog'" in warning
    tickets = export(http, admin, org_id)["projects"][0]["tickets"]
    assert [t["status"] for t in tickets] == ["Backlog", "Done"]


def test_long_jira_keys_are_mapped_and_adf_and_people_without_email(server):
    data = _fixture("jira-longkey.json")
    with pytest.raises(SourceError) as refused:
        convert_jira(data)
    assert str(refused.value) == (
        "jira project key 'SAMPLEPROJECT' cannot be an Alloy key (a letter, then up to 9 "
        "letters or digits): map it to one with --key-map SAMPLEPROJECT=SAMPLEPROJ")
    converted, warnings = convert_jira(data, {"sampleproject": "sample"})
    (project,) = converted["projects"]
    (ticket,) = project["tickets"]
    assert (project["key"], ticket["key"]) == ("SAMPLE", "SAMPLE-1")
    assert ticket["description"] == "Old runners retire in March.\nKeep the cache."
    assert ticket["comments"][0]["body"] == "On it."
    assert ("user 'Former Contractor' has no email: their comments and time are attributed "
            "to the importing user, and their tickets are left unassigned") in warnings
    http = server.http
    admin = new_user(http, "longkey")
    org_id = new_org(http, admin, "io-longkey")
    ok(http.post("/api/v1/import", headers=admin["h"], params={"org_id": org_id},
                 json=converted))
    (t,) = export(http, admin, org_id)["projects"][0]["tickets"]
    assert t["assignee"] is None and t["reporter"] == "lead@jira.example"
    assert t["comments"][0]["author"] == admin["email"]


def test_docs_examples_run(tmp_path):
    srv = Server(tmp_path, ALLOY_REGISTRATION="open")
    try:
        run_doc(ROOT / "docs" / "import-export.md", {**srv.env, "BASE_URL": srv.url,
                                                     "FIXTURES": str(FIXTURES)}, tmp_path)
    finally:
        srv.stop()
