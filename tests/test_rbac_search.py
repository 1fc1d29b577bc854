"""Who finds what with `GET /api/v1/orgs/{org_id}/search`: every role, a Reporter only in
the projects they belong to, an outsider nothing (404), a restricted API key only its
project, and never another organization's tickets."""

from __future__ import annotations

import itertools

import pytest

from tests.support import auth

ROLES = ["Owner", "Admin", "Member", "Reporter", "Viewer"]
_n = itertools.count()


@pytest.fixture(scope="module")
def world(server, register_module):
    http = server.http
    owner = register_module("sowner")
    h = auth(owner["access_token"])
    tag = next(_n)
    org = http.post("/api/v1/orgs", headers=h, json={"name": "S", "slug": f"srch-{tag}"}).json()
    tokens = {"Owner": owner["access_token"]}
    for role in ROLES[1:]:
        user = register_module(f"s{role.lower()}")
        r = http.post(f"/api/v1/orgs/{org['id']}/members", headers=h,
                      json={"user_id": user["user_id"], "role": role.lower()})
        assert r.status_code in (200, 201), r.text
        tokens[role] = user["access_token"]
        if role == "Reporter":
            reporter_id = user["user_id"]
    projects = {}
    for key in ("BACK", "FRONT"):
        p = http.post("/api/v1/projects", headers=h,
                      json={"org_id": org["id"], "key": key, "name": key}).json()
        r = http.post(f"/api/v1/projects/{p['id']}/tickets", headers=h,
                      json={"title": f"Shared zebra word in {key}"})
        assert r.status_code == 201, r.text
        projects[key] = p
    r = http.post(f"/api/v1/projects/{projects['BACK']['id']}/members", headers=h,
                  json={"user_id": reporter_id})
    assert r.status_code in (200, 201), r.text
    # another organization with a ticket saying the same words
    stranger = register_module("sstranger")
    sh = auth(stranger["access_token"])
    other = http.post("/api/v1/orgs", headers=sh, json={"name": "O", "slug": f"other-{tag}"}).json()
    p = http.post("/api/v1/projects", headers=sh,
                  json={"org_id": other["id"], "key": "BACK", "name": "B"}).json()
    http.post(f"/api/v1/projects/{p['id']}/tickets", headers=sh,
              json={"title": "Shared zebra word elsewhere"})
    return {"http": http, "org": org, "tokens": tokens, "projects": projects,
            "stranger": stranger, "other": other}


@pytest.fixture(scope="module")
def register_module(server):
    from tests.conftest import unique_email

    def make(prefix: str):
        r = server.http.post("/api/v1/auth/register", json={
            "email": unique_email(prefix), "password": "password123", "display_name": prefix})
        assert r.status_code == 201, r.text
        return r.json()

    return make


def _search(world, token, q="zebra", org=None, **params):
    return world["http"].get(f"/api/v1/orgs/{org or world['org']['id']}/search",
                             headers=auth(token), params={"q": q, **params})


def _keys(r) -> set[str]:
    assert r.status_code == 200, r.text
    return {i["key"] for i in r.json()["items"]}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_finds_the_projects_it_may_see(world, role):
    expected = {"BACK-1"} if role == "Reporter" else {"BACK-1", "FRONT-1"}
    assert _keys(_search(world, world["tokens"][role])) == expected
    assert _keys(_search(world, world["tokens"][role], q="project:BACK")) == {"BACK-1"}


def test_a_reporter_cannot_search_another_project(world):
    token = world["tokens"]["Reporter"]
    r = _search(world, token, q="project:FRONT")  # as if it did not exist
    assert r.status_code == 422 and 'no project with key "FRONT"' in r.json()["error"]["message"]
    assert _search(world, token, project_id="FRONT").status_code == 403
    assert _keys(_search(world, token, project_id="BACK")) == {"BACK-1"}


def test_outsiders_get_404_and_orgs_never_mix(world):
    stranger = world["stranger"]["access_token"]
    assert _search(world, stranger).status_code == 404
    assert _keys(_search(world, stranger, org=world["other"]["id"])) == {"BACK-1"}
    r = _search(world, world["tokens"]["Owner"], org=world["other"]["id"])
    assert r.status_code == 404
    mine = _search(world, world["tokens"]["Owner"]).json()["items"]
    assert {i["title"] for i in mine} == {"Shared zebra word in BACK", "Shared zebra word in FRONT"}
    r = _search(world, world["tokens"]["Owner"], project_id=world["other"]["id"])
    assert r.status_code == 404  # a project of another org does not exist here


def test_a_restricted_api_key_finds_only_its_projects(world):
    h = {**auth(world["tokens"]["Owner"]), "X-Alloy-Org-Id": world["org"]["id"]}
    r = world["http"].post("/api/v1/api-keys", headers=h, json={
        "name": "front only", "scopes": ["read"],
        "project_ids": [world["projects"]["FRONT"]["id"]]})
    assert r.status_code == 201, r.text
    key = r.json()["key"]
    assert _keys(_search(world, key)) == {"FRONT-1"}
    assert _search(world, key, project_id="BACK").status_code == 403


def test_a_bad_query_is_a_422_naming_the_token(world):
    r = _search(world, world["tokens"]["Viewer"], q="prio:high zebra")
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "VALIDATION_ERROR"
    assert err["message"].startswith('unknown qualifier "prio:" — did you mean "priority:"?')
    assert err["details"][0]["token"] == "prio:high"
