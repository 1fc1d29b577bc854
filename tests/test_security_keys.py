"""A credential never creates anything broader than itself (issue 14, items 1 and 9).

Against a live server: a project-restricted key is refused every org-level operation, a key
minted by a key is no wider than its parent, and a key acts only in its own org.
"""

from __future__ import annotations

import time
import uuid

import pytest

from alloy import ops, restriction
from tests.support import auth

_n = iter(range(1, 10_000))


def _world(server, register):
    owner = register("keyowner")
    h = auth(owner["access_token"])
    org = owner["org_id"]
    mine = server.http.post("/api/v1/projects", headers=h, json={
        "org_id": org, "key": f"KM{next(_n)}", "name": "Mine"}).json()
    other = server.http.post("/api/v1/projects", headers=h, json={
        "org_id": org, "key": f"KO{next(_n)}", "name": "Other"}).json()
    key = server.http.post("/api/v1/api-keys", headers=h, json={
        "name": "restricted admin", "scopes": ["read", "write", "admin"],
        "project_ids": [mine["id"]]})
    assert key.status_code == 201, key.text
    return owner, h, org, mine, other, key.json()


def _org_level_ops():
    return sorted((o for o in ops.all_ops() if o.auth and o.name not in restriction.PROJECT_LEVEL),
                  key=lambda o: o.name)


def test_every_project_level_name_is_an_operation():
    names = {o.name for o in ops.all_ops()}
    assert restriction.PROJECT_LEVEL <= names, restriction.PROJECT_LEVEL - names
    org_level = {o.name for o in _org_level_ops()}
    assert {"invites.create", "orgs.update", "orgs.update_member", "webhooks.create",
            "sso.create_provider", "workflows.create", "projects.create",
            "io.import_data"} <= org_level


def test_restricted_key_is_refused_every_org_level_operation(server, register):
    _, _, org, _, _, key = _world(server, register)
    kh = auth(key["key"])
    refused = []
    for o in _org_level_ops():
        path = o.path
        for name in o.path_params:
            path = path.replace("{" + name + "}", org if name == "org_id" else str(uuid.uuid4()))
        r = server.http.request(o.method, path, headers=kh,
                                json={} if o.body is not None else None)
        if r.status_code != 403:
            refused.append((o.name, r.status_code, r.text[:120]))
    assert refused == []


def test_restricted_key_cannot_tag_org_entities(server, register):
    owner, _, org, mine, _, key = _world(server, register)
    kh = auth(key["key"])
    r = server.http.put(f"/api/v1/orgs/{org}/user/{owner['user_id']}/tags", headers=kh,
                        json={"tags": [{"key": "team", "value": "x"}]})
    assert r.status_code == 403, r.text
    ok = server.http.put(f"/api/v1/orgs/{org}/project/{mine['id']}/tags", headers=kh,
                         json={"tags": [{"key": "team", "value": "x"}]})
    assert ok.status_code == 200, ok.text


def test_restricted_key_still_works_on_its_projects(server, register):
    _, _, org, mine, other, key = _world(server, register)
    kh = auth(key["key"])
    made = server.http.post(f"/api/v1/projects/{mine['id']}/tickets", headers=kh,
                            json={"title": "fine"})
    assert made.status_code == 201, made.text
    assert server.http.get(f"/api/v1/orgs/{org}", headers=kh).status_code == 200
    assert server.http.get(f"/api/v1/projects/{other['id']}", headers=kh).status_code == 403


def test_key_minted_by_restricted_key_keeps_the_restriction(server, register):
    _, _, _, mine, other, key = _world(server, register)
    kh = auth(key["key"])
    child = server.http.post("/api/v1/api-keys", headers=kh, json={"name": "child"})
    assert child.status_code == 201, child.text
    assert child.json()["project_ids"] == [mine["id"]]
    ch = auth(child.json()["key"])
    assert server.http.get(f"/api/v1/projects/{other['id']}", headers=ch).status_code == 403
    wider = server.http.post("/api/v1/api-keys", headers=kh, json={
        "name": "wider", "project_ids": [mine["id"], other["id"]]})
    assert wider.status_code == 422, wider.text


def test_key_minted_by_key_gets_no_more_scope_or_lifetime(server, register):
    h = auth(register("lifetime")["access_token"])
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7200))
    parent = server.http.post("/api/v1/api-keys", headers=h, json={
        "name": "parent", "scopes": ["read", "write"], "expires_at": soon}).json()
    ph = auth(parent["key"])
    child = server.http.post("/api/v1/api-keys", headers=ph, json={"name": "child"})
    assert child.status_code == 201 and child.json()["expires_at"] == parent["expires_at"]
    longer = server.http.post("/api/v1/api-keys", headers=ph,
                              json={"name": "longer", "expires_at": later})
    assert longer.status_code == 422, longer.text
    admin = server.http.post("/api/v1/api-keys", headers=ph,
                             json={"name": "admin", "scopes": ["admin"]})
    assert admin.status_code == 422
    # a login is not bound: its keys may be as long-lived as the user asks
    free = server.http.post("/api/v1/api-keys", headers=h, json={"name": "free"})
    assert free.json()["expires_at"] is None


@pytest.fixture
def two_orgs(server, register):
    user = register("twoorgs")
    h = auth(user["access_token"])
    home = user["org_id"]
    key = server.http.post("/api/v1/api-keys", headers=h, json={
        "name": "home only", "scopes": ["read", "write", "admin"]}).json()["key"]
    away = server.http.post("/api/v1/orgs", headers=h, json={
        "name": "Away", "slug": f"away-{uuid.uuid4().hex[:10]}"}).json()["id"]
    server.http.post("/api/v1/projects", headers=h, json={
        "org_id": away, "key": f"AW{next(_n)}", "name": "Away project"})
    return home, away, auth(key)


def test_api_key_works_only_in_its_own_org(server, two_orgs):
    home, away, kh = two_orgs
    assert server.http.get(f"/api/v1/orgs/{home}", headers=kh).status_code == 200
    for method, path, body in [
            ("GET", f"/api/v1/orgs/{away}", None),
            ("GET", f"/api/v1/projects?org_id={away}", None),
            ("POST", "/api/v1/projects", {"org_id": away, "key": "NOPE", "name": "no"}),
            ("PATCH", f"/api/v1/orgs/{away}", {"name": "pwned"}),
            ("GET", f"/api/v1/orgs/{away}/members", None)]:
        r = server.http.request(method, path, headers=kh, json=body)
        assert r.status_code == 404, (method, path, r.text)
    listed = server.http.get("/api/v1/orgs", headers=kh).json()["items"]
    assert [o["id"] for o in listed] == [home]
    header = server.http.get("/api/v1/projects", headers={**kh, "X-Alloy-Org-Id": away})
    assert header.status_code == 404, header.text
    same = server.http.get("/api/v1/projects", headers={**kh, "X-Alloy-Org-Id": home})
    assert same.status_code == 200



def test_cli_with_an_api_key_does_not_send_a_saved_logins_org(server, register, env_for):
    """ALLOY_API_TOKEN acts in its key's org even where another login is saved."""
    from tests.conftest import unique_email
    from tests.support import cli

    env = env_for(ALLOY_API_URL=server.url)
    email = unique_email("saved")
    server.http.post("/api/v1/auth/register", json={
        "email": email, "password": "password123", "display_name": "Saved"})
    cli(["auth", "login", "--email", email, "--password-stdin"], env, input="password123\n")
    ci = register("ci")
    key = server.http.post("/api/v1/api-keys", headers=auth(ci["access_token"]),
                           json={"name": "ci"}).json()["key"]
    listed = cli(["org", "list", "--format", "json"], {**env, "ALLOY_API_TOKEN": key}).data
    assert [o["id"] for o in listed["data"]] == [ci["org_id"]]
