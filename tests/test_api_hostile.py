"""Hostile input (issue 14): what an attacker sends gets a clean 4xx envelope, never a 500,
never a logged traceback, and nothing odd is stored — on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.conftest import unique_email
from tests.support import auth


def _org_project(server, register, key="HOST"):
    reg = register("hostile")
    h = auth(reg["access_token"])
    org = server.http.post("/api/v1/orgs", headers=h, json={
        "name": "Hostile", "slug": f"hostile-{reg['user_id'][-8:]}"}).json()
    project = server.http.post("/api/v1/projects", headers=h, json={
        "org_id": org["id"], "key": key, "name": "Hostile"}).json()
    return h, org, project


DEEP = ["[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000]


@pytest.mark.parametrize("body", DEEP, ids=["arrays", "objects"])
def test_deeply_nested_json_is_400_without_traceback(server, register, body):
    h, org, _ = _org_project(server, register)
    targets = [("/api/v1/auth/login", {}), (f"/api/v1/orgs/{org['id']}", h),
               ("/api/v1/projects", h)]
    for path, headers in targets:
        method = "PATCH" if path.startswith("/api/v1/orgs/") else "POST"
        r = server.http.request(method, path, content=body,
                                headers={**headers, "Content-Type": "application/json"})
        assert r.status_code == 400, (path, r.text)
        assert r.json()["error"]["code"] == "BAD_REQUEST"
    assert "Traceback" not in server.output()


def test_nul_bytes_are_422_and_nothing_is_stored(server, register):
    h, org, project = _org_project(server, register, "NUL")
    email = unique_email("nul").replace("@", "\u0000@")
    r = server.http.post("/api/v1/auth/register", json={
        "email": email, "password": "password123", "display_name": "N"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR", r.text
    login = server.http.post("/api/v1/auth/login", json={"email": email, "password": "x" * 8})
    assert login.status_code == 422
    url = f"/api/v1/projects/{project['id']}/tickets"
    r = server.http.post(url, headers=h, json={"title": "a\u0000b"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "title"
    r = server.http.post(url, headers=h, json={"title": "ok", "description": "x\u0000"})
    assert r.status_code == 422
    assert server.http.get(url, headers=h).json()["items"] == []
    for path in ("/api/v1/tickets/%00", f"/api/v1/projects/{project['id']}%00"):
        r = server.http.get(path, headers=h)
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR", r.text
    r = server.http.get(url, headers=h, params={"status": "Todo\u0000"})
    assert r.status_code == 422, r.text
    r = server.http.get(url, headers=h, params={"q\u0000": "x"})
    assert r.status_code == 422, r.text
    assert "Traceback" not in server.output()


def test_money_is_64_bit_and_out_of_range_integers_are_422(server, register):
    h, org, project = _org_project(server, register, "BIG")
    url = f"/api/v1/projects/{project['id']}"
    r = server.http.patch(url, headers=h, json={"budget_cents": 5_000_000_000})
    assert r.status_code == 200 and r.json()["budget_cents"] == 5_000_000_000, r.text
    assert server.http.get(url, headers=h).json()["budget_cents"] == 5_000_000_000
    top = 2**63 - 1
    assert server.http.patch(url, headers=h, json={"budget_cents": top}).status_code == 200
    for bad in (2**63, 10**30, -1):
        r = server.http.patch(url, headers=h, json={"budget_cents": bad})
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["error"]["details"][0]["field"] == "budget_cents"
        r = server.http.post("/api/v1/projects", headers=h, json={
            "org_id": org["id"], "key": "BIGX", "name": "X", "budget_cents": bad})
        assert r.status_code == 422, (bad, r.text)
    r = server.http.post("/api/v1/projects", headers=h, json={
        "org_id": org["id"], "key": "BIGY", "name": "Y", "amortization_months": 2**63})
    assert r.status_code == 422
    for project_fields, ticket in (({"budget_cents": 2**63}, {"title": "t"}),
                                   ({}, {"title": "t", "number": 2**40})):
        r = server.http.post(f"/api/v1/import?org_id={org['id']}", headers=h, json={
            "version": 1, "source": "alloy", "exported_at": "2026-01-01T00:00:00Z",
            "users": [], "workflows": [], "labels": [], "projects": [{
                "key": "IMP", "name": "Imported", **project_fields, "tickets": [ticket]}]})
        assert r.status_code == 422, r.text
    keys = [p["key"] for p in server.http.get(f"/api/v1/projects?org_id={org['id']}",
                                              headers=h).json()["items"]]
    assert keys == ["BIG"]
    assert "Traceback" not in server.output()


def test_validation_gaps_status_blank_names_key_projects_expiry(server, register):
    h, org, project = _org_project(server, register, "GAP")
    url = f"/api/v1/projects/{project['id']}/tickets"
    r = server.http.post(url, headers=h, json={"title": "t", "status": "S" * 10_000})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "status"
    ticket = server.http.post(url, headers=h, json={"title": "t"}).json()
    r = server.http.patch(f"/api/v1/tickets/{ticket['id']}", headers=h,
                          json={"status": "S" * 101})
    assert r.status_code == 422
    blank = "   "
    for method, path, body in [
            ("POST", url, {"title": blank}),
            ("PATCH", f"/api/v1/tickets/{ticket['id']}", {"title": "\t\n "}),
            ("POST", "/api/v1/projects", {"org_id": org["id"], "key": "BL", "name": blank}),
            ("PATCH", f"/api/v1/orgs/{org['id']}", {"name": blank}),
            ("POST", f"/api/v1/tickets/{ticket['id']}/comments", {"body": blank}),
            ("POST", f"/api/v1/orgs/{org['id']}/labels", {"name": blank}),
            ("POST", f"/api/v1/orgs/{org['id']}/teams", {"name": blank}),
            ("POST", "/api/v1/api-keys", {"name": blank})]:
        r = server.http.request(method, path, headers=h, json=body)
        assert r.status_code == 422, (path, r.text)
        assert r.json()["error"]["details"][0]["message"] == "must not be blank", r.text
    assert server.http.get(f"/api/v1/tickets/{ticket['id']}", headers=h).json()["title"] == "t"

    ghost = "0190aaaa-0000-7000-8000-000000000000"
    h = {**h, "X-Alloy-Org-Id": org["id"]}  # the key belongs to this org
    r = server.http.post("/api/v1/api-keys", headers=h, json={
        "name": "k", "project_ids": [project["id"], ghost]})
    assert r.status_code == 422 and ghost in r.text and project["id"] not in r.text
    ok = server.http.post("/api/v1/api-keys", headers=h, json={
        "name": "k", "project_ids": [project["id"]]})
    assert ok.status_code == 201 and ok.json()["project_ids"] == [project["id"]]
    r = server.http.post("/api/v1/api-keys", headers=h, json={"name": "k", "expires_at": ""})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "expires_at"


def test_openapi_defines_what_it_references_and_documents_errors(server):
    doc = server.http.get("/schema/openapi.json").json()
    defined = set(doc["components"]["schemas"])
    import json
    import re

    referenced = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(doc)))
    assert "GroupBy" in referenced and referenced - defined == set()
    ops = [op for methods in doc["paths"].values() for op in methods.values()
           if isinstance(op, dict) and "responses" in op and "operationId" in op]
    documented = {code: sum(code in op["responses"] for op in ops)
                  for code in ("403", "404", "409")}
    assert all(n > 50 for n in documented.values()), documented
    patch_org = doc["paths"]["/api/v1/orgs/{org_id}"]["patch"]["responses"]
    assert {"400", "401", "403", "404", "409", "422"} <= set(patch_org)


def test_openapi_documents_the_statuses_operations_answer(server):
    """Found by tests/test_fuzz_openapi.py: sign-in operations answer 401, SSO 404/503,
    presigning 503 without storage, and a delete answers 204 (200 only for a dry run)."""
    paths = server.http.get("/schema/openapi.json").json()["paths"]
    for path in ("/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout"):
        assert "401" in paths[path]["post"]["responses"], path
    assert {"404", "503"} <= set(paths["/api/v1/auth/sso/discover"]["get"]["responses"])
    presign = paths["/api/v1/tickets/{ticket_id}/attachments/presign"]["post"]["responses"]
    assert "503" in presign
    assert server.http.post("/api/v1/auth/login", json={
        "email": unique_email("nobody"), "password": "password123"}).status_code == 401
    assert "204" in paths["/api/v1/projects/{project_id}"]["delete"]["responses"]


def test_openapi_documents_the_sqlite_export_media_type(server, register):
    h, org, _ = _org_project(server, register, "SQLX")
    r = server.http.get("/api/v1/export", headers=h, params={"org_id": org["id"],
                                                              "format": "sqlite"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/vnd.sqlite3"
    doc = server.http.get("/schema/openapi.json").json()
    content = doc["paths"]["/api/v1/export"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/json", "application/vnd.sqlite3"}


def test_openapi_requires_a_body_only_when_a_field_is_required(server, register):
    """An absent body reads as {}: a PATCH without one is a valid no-op, so its body is
    optional in the schema (the fuzzer's negative_data_rejection found it documented
    required); a create with required fields keeps a required body."""
    h, org, _ = _org_project(server, register, "BODY")
    r = server.http.patch(f"/api/v1/orgs/{org['id']}", headers=h)
    assert r.status_code == 200 and r.json()["name"] == "Hostile"
    paths = server.http.get("/schema/openapi.json").json()["paths"]
    assert paths["/api/v1/orgs/{org_id}"]["patch"]["requestBody"]["required"] is False
    assert paths["/api/v1/projects"]["post"]["requestBody"]["required"] is True


def test_options_lists_every_method_of_the_path(server, register):
    """Litestar's own OPTIONS answer kept the methods of a path's first route only
    (`GET, OPTIONS` on /onboard, which also takes POST); found by the fuzzer."""
    h, org, project = _org_project(server, register, "OPTS")
    expected = {"/api/v1/onboard": {"GET", "POST", "OPTIONS"},
                f"/api/v1/orgs/{org['id']}": {"GET", "PATCH", "OPTIONS"},
                f"/api/v1/projects/{project['id']}": {"GET", "PATCH", "DELETE", "OPTIONS"}}
    for path, methods in expected.items():
        r = server.http.options(path, headers=h)
        assert r.status_code == 204, (path, r.text)
        assert {m.strip() for m in r.headers["Allow"].split(",")} == methods, (path, r.headers)


def test_405_lists_allowed_methods_and_null_body_is_422(server, register):
    h, org, _ = _org_project(server, register, "NULL")
    r = server.http.request("PUT", "/api/v1/orgs", headers=h)
    assert r.status_code == 405 and {"GET", "POST"} <= {
        m.strip() for m in r.headers["Allow"].split(",")}, r.headers
    team = server.http.post(f"/api/v1/orgs/{org['id']}/teams", headers=h,
                            json={"name": "T"}).json()
    for path in (f"/api/v1/orgs/{org['id']}", f"/api/v1/teams/{team['id']}"):
        r = server.http.patch(path, headers={**h, "Content-Type": "application/json"},
                              content=b"null")
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR", r.text


def test_a_body_over_2_mb_is_413_whether_announced_or_streamed(server, register):
    """The handler reads bodies itself (server/app.py `_body`); the limit holds for a
    Content-Length over it and for a chunked body that only grows past it, and a body at
    the limit still goes through to validation."""
    from alloy.server.app import MAX_BODY

    h, _, project = _org_project(server, register, "BIG")
    url = f"/api/v1/projects/{project['id']}/tickets"
    big = b'{"title": "' + b"x" * MAX_BODY + b'"}'
    r = server.http.post(url, headers={**h, "Content-Type": "application/json"}, content=big)
    assert r.status_code == 413 and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE", r.text

    def chunks():
        for i in range(0, len(big), 256 * 1024):
            yield big[i:i + 256 * 1024]

    r = server.http.post(url, headers={**h, "Content-Type": "application/json"},
                         content=chunks())
    assert r.status_code == 413 and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE", r.text
    at_limit = b'{"title": "' + b"x" * (MAX_BODY - 13) + b'"}'
    assert len(at_limit) == MAX_BODY
    r = server.http.post(url, headers={**h, "Content-Type": "application/json"},
                         content=at_limit)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "title", r.text
    assert server.http.get(url, headers=h).json()["items"] == []
    assert "Traceback" not in server.output()
