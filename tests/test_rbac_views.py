"""Saved views over HTTP by role: anyone in the org saves their own, Admins share; API keys
follow their scope; another org's view does not exist."""

from __future__ import annotations

import pytest

from tests.conftest import unique_email
from tests.support import auth

ROLES = ("owner", "admin", "member", "reporter", "viewer")


@pytest.fixture(scope="module")
def world(server):
    def user(prefix):
        r = server.http.post("/api/v1/auth/register", json={
            "email": unique_email(prefix), "password": "password123", "display_name": prefix})
        return r.json()

    owner = user("vowner")
    org = server.http.post("/api/v1/orgs", headers=auth(owner["access_token"]), json={
        "name": "Views", "slug": f"views-{owner['user_id'][:8]}"}).json()
    tokens = {"owner": owner["access_token"]}
    for role in ROLES[1:]:
        who = user(f"v{role}")
        r = server.http.post(f"/api/v1/orgs/{org['id']}/members", headers=auth(tokens["owner"]),
                             json={"user_id": who["user_id"], "role": role})
        assert r.status_code in (200, 201), r.text
        tokens[role] = who["access_token"]
    tokens["outsider"] = user("voutsider")["access_token"]
    for scope in ("read", "write"):
        key = server.http.post("/api/v1/api-keys", headers=auth(tokens["owner"]), json={
            "name": f"{scope} key", "scopes": [scope], "org_id": org["id"]})
        assert key.status_code == 201, key.text
        tokens[f"{scope}-key"] = key.json()["key"]
    return server, org["id"], tokens


def _create(world, who: str, shared: bool):
    server, org_id, tokens = world
    return server.http.post(f"/api/v1/orgs/{org_id}/views", headers=auth(tokens[who]), json={
        "name": f"{who} {shared} {unique_email()}", "query": "is:open", "shared": shared})


@pytest.mark.parametrize("who,personal,shared", [
    ("owner", 201, 201), ("admin", 201, 201), ("member", 201, 403), ("reporter", 201, 403),
    ("viewer", 201, 403), ("outsider", 404, 404), ("read-key", 403, 403),
    ("write-key", 201, 201)])
def test_who_may_save_and_share(world, who, personal, shared):
    assert _create(world, who, False).status_code == personal
    answer = _create(world, who, True)
    assert answer.status_code == shared
    if shared >= 400:
        assert answer.json()["error"]["code"] in ("FORBIDDEN", "NOT_FOUND")


def test_a_shared_view_is_read_by_all_and_changed_by_admins(world):
    server, _, tokens = world
    view = _create(world, "admin", True).json()
    for who in ROLES + ("read-key",):
        r = server.http.get(f"/api/v1/views/{view['id']}/tickets", headers=auth(tokens[who]))
        assert r.status_code == 200, (who, r.text)
    assert server.http.get(f"/api/v1/views/{view['id']}",
                           headers=auth(tokens["outsider"])).status_code == 404
    for who, status in (("member", 403), ("viewer", 403), ("owner", 200)):
        r = server.http.patch(f"/api/v1/views/{view['id']}", headers=auth(tokens[who]),
                              json={"query": "is:closed"})
        assert r.status_code == status, (who, r.text)


def test_a_personal_view_is_its_owners_alone(world):
    server, _, tokens = world
    view = _create(world, "member", False).json()
    for who in ("owner", "admin", "viewer", "outsider"):
        assert server.http.get(f"/api/v1/views/{view['id']}",
                               headers=auth(tokens[who])).status_code == 404, who
    assert server.http.delete(f"/api/v1/views/{view['id']}",
                              headers=auth(tokens["owner"])).status_code == 404
    assert server.http.delete(f"/api/v1/views/{view['id']}",
                              headers=auth(tokens["member"])).status_code == 204
