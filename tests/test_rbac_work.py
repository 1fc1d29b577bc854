"""The permission matrix for projects, project members, teams and tickets, table-driven.

Every endpoint is called by each of the five roles (on fresh resources, so deletes do not
interfere), by a member of another organization (404), by a read-scoped API key (403 on
writes) and by an API key restricted to another project (403).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from alloy.domain.values import Role
from tests.conftest import unique_email
from tests.support import auth

ROLES = [Role.Owner, Role.Admin, Role.Member, Role.Reporter, Role.Viewer]
_n = itertools.count()


@dataclass
class World:
    http: object
    org_id: str
    tokens: dict
    users: dict
    outsider: str

    def as_(self, who) -> dict:
        if who in self.tokens:  # a member acts (and makes its API keys) in this org
            return {**auth(self.tokens[who]), "X-Alloy-Org-Id": self.org_id}
        return auth(who)

    def post(self, path, body=None, who=Role.Owner):
        r = self.http.post(path, json=body or {}, headers=self.as_(who))
        assert r.status_code < 300, r.text
        return r.json()

    def project(self) -> dict:
        """A fresh project the Reporter is assigned to, with one ticket."""
        p = self.post("/api/v1/projects", {"org_id": self.org_id, "key": f"P{next(_n)}",
                                           "name": "RBAC"})
        self.post(f"/api/v1/projects/{p['id']}/members", {"user_id": self.users[Role.Reporter]})
        p["ticket"] = self.post(f"/api/v1/projects/{p['id']}/tickets", {"title": "T"})
        return p

    def team(self) -> dict:
        t = self.post(f"/api/v1/orgs/{self.org_id}/teams", {"name": f"Team {next(_n)}"})
        self.post(f"/api/v1/teams/{t['id']}/members", {"user_id": self.users[Role.Member]})
        return t


def _register(http, invite: str | None = None) -> dict:
    body = {"email": unique_email("rbac"), "password": "password123", "display_name": "R"}
    if invite:
        body["invite_code"] = invite
    r = http.post("/api/v1/auth/register", json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture(scope="module")
def world(server) -> World:
    http = server.http
    owner = _register(http)
    org = http.post("/api/v1/orgs", headers=auth(owner["access_token"]), json={
        "name": "RBAC", "slug": f"rbac-{owner['user_id'][-12:]}"}).json()
    tokens, users = {Role.Owner: owner["access_token"]}, {Role.Owner: owner["user_id"]}
    for role in ROLES[1:]:
        code = http.post(f"/api/v1/orgs/{org['id']}/invites", headers=auth(owner["access_token"]),
                         json={"role": role.value}).json()["invite_code"]
        reg = _register(http, code)
        tokens[role], users[role] = reg["access_token"], reg["user_id"]
    outsider = _register(http)["access_token"]  # owns only a personal workspace
    return World(http, org["id"], tokens, users, outsider)


# (operation, minimum role, success status, request builder: world -> (method, path, body))
def _p(w):
    return w.project()


ENDPOINTS = [
    ("projects.create", Role.Member, 201, lambda w: (
        "POST", "/api/v1/projects", {"org_id": w.org_id, "key": f"C{next(_n)}", "name": "C"})),
    ("projects.list", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/projects?org_id={w.org_id}", None)),
    ("projects.get", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/projects/{_p(w)['id']}", None)),
    ("projects.summary", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/projects/{_p(w)['id']}/summary", None)),
    ("projects.get_by_key", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/projects/key/{_p(w)['key']}?org_id={w.org_id}", None)),
    ("projects.update", Role.Member, 200, lambda w: (
        "PATCH", f"/api/v1/projects/{_p(w)['id']}", {"name": "Renamed"})),
    ("projects.delete", Role.Admin, 204, lambda w: (
        "DELETE", f"/api/v1/projects/{_p(w)['id']}?cascade=true", None)),
    ("projects.add_member", Role.Member, 201, lambda w: (
        "POST", f"/api/v1/projects/{_p(w)['id']}/members", {"user_id": w.users[Role.Viewer]})),
    ("projects.list_members", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/projects/{_p(w)['id']}/members", None)),
    ("projects.remove_member", Role.Member, 204, lambda w: (
        "DELETE", f"/api/v1/projects/{_p(w)['id']}/members/{w.users[Role.Reporter]}", None)),
    ("tickets.create", Role.Reporter, 201, lambda w: (
        "POST", f"/api/v1/projects/{_p(w)['id']}/tickets", {"title": "New"})),
    ("tickets.list", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/projects/{_p(w)['id']}/tickets?status=Backlog", None)),
    ("tickets.get", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/tickets/{_p(w)['ticket']['id']}", None)),
    ("tickets.resolve", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/tickets/resolve?ref={_p(w)['ticket']['key']}&org_id={w.org_id}", None)),
    ("tickets.update", Role.Member, 200, lambda w: (
        "PATCH", f"/api/v1/tickets/{_p(w)['ticket']['id']}", {"status": "Done"})),
    ("tickets.delete", Role.Admin, 204, lambda w: (
        "DELETE", f"/api/v1/tickets/{_p(w)['ticket']['id']}", None)),
    ("tickets.batch_update", Role.Member, 200, lambda w: (
        "POST", "/api/v1/tickets/batch-update",
        {"ticket_ids": [_p(w)["ticket"]["id"]], "priority": "High"})),
    ("tickets.batch_delete", Role.Admin, 200, lambda w: (
        "POST", "/api/v1/tickets/batch-delete", {"ticket_ids": [_p(w)["ticket"]["id"]]})),
    ("tickets.activity", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/tickets/{_p(w)['ticket']['id']}/activity", None)),
    ("tickets.search", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/orgs/{w.org_id}/search?q=is:open", None)),
    ("teams.create", Role.Member, 201, lambda w: (
        "POST", f"/api/v1/orgs/{w.org_id}/teams", {"name": f"New {next(_n)}"})),
    ("teams.list", Role.Viewer, 200, lambda w: ("GET", f"/api/v1/orgs/{w.org_id}/teams", None)),
    ("teams.get", Role.Viewer, 200, lambda w: ("GET", f"/api/v1/teams/{w.team()['id']}", None)),
    ("teams.update", Role.Member, 200, lambda w: (
        "PATCH", f"/api/v1/teams/{w.team()['id']}", {"description": "x"})),
    ("teams.delete", Role.Admin, 204, lambda w: (
        "DELETE", f"/api/v1/teams/{w.team()['id']}?cascade=true", None)),
    ("teams.add_member", Role.Member, 201, lambda w: (
        "POST", f"/api/v1/teams/{w.team()['id']}/members", {"user_id": w.users[Role.Viewer]})),
    ("teams.list_members", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/teams/{w.team()['id']}/members", None)),
    ("teams.remove_member", Role.Member, 204, lambda w: (
        "DELETE", f"/api/v1/teams/{w.team()['id']}/members/{w.users[Role.Member]}", None)),
]
IDS = [e[0] for e in ENDPOINTS]


def _send(w: World, who, method, path, body):
    return w.http.request(method, path, json=body, headers=w.as_(who))


def test_every_endpoint_is_in_the_table():
    from alloy import ops

    mine = {o.name for o in ops.all_ops() if o.tag in ("projects", "teams", "tickets")}
    assert mine == set(IDS)


@pytest.mark.parametrize(("name", "minimum", "ok", "build"), ENDPOINTS, ids=IDS)
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_role_matrix(world, role, name, minimum, ok, build):
    r = _send(world, role, *build(world))
    expected = ok if role.at_least(minimum) else 403
    assert r.status_code == expected, f"{role.value} {name}: {r.status_code} {r.text}"
    if expected == 403:
        assert r.json()["error"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(("name", "minimum", "ok", "build"), ENDPOINTS, ids=IDS)
def test_other_organization_gets_404(world, name, minimum, ok, build):
    r = _send(world, world.outsider, *build(world))
    assert r.status_code == 404, f"{name}: {r.status_code} {r.text}"
    assert r.json()["error"]["code"] == "NOT_FOUND"


@pytest.fixture(scope="module")
def read_key(world) -> str:
    return world.post("/api/v1/api-keys", {"name": "ro", "scopes": ["read"]})["key"]


@pytest.mark.parametrize(("name", "minimum", "ok", "build"), ENDPOINTS, ids=IDS)
def test_read_scoped_key_cannot_write(world, read_key, name, minimum, ok, build):
    method, path, body = build(world)
    r = _send(world, read_key, method, path, body)
    if method == "GET":
        assert r.status_code == 200, r.text
    else:
        assert r.status_code == 403 and "scope" in r.json()["error"]["message"], r.text


def test_write_key_cannot_do_admin_deletes(world):
    key = world.post("/api/v1/api-keys", {"name": "rw", "scopes": ["read", "write"]})["key"]
    p = world.project()
    assert _send(world, key, "DELETE", f"/api/v1/projects/{p['id']}", None).status_code == 403
    admin = world.post("/api/v1/api-keys", {"name": "adm", "scopes": ["admin"]})["key"]
    assert _send(world, admin, "DELETE", f"/api/v1/projects/{p['id']}?cascade=true",
                 None).status_code == 204


def test_project_restricted_key(world):
    mine, other = world.project(), world.project()
    key = world.http.post("/api/v1/api-keys", json={  # a key of the projects' org
        "name": "one", "scopes": ["read", "write"], "project_ids": [mine["id"]]},
        headers={**world.as_(Role.Owner), "X-Alloy-Org-Id": world.org_id}).json()["key"]
    listed = _send(world, key, "GET", f"/api/v1/projects?org_id={world.org_id}", None).json()
    assert [p["id"] for p in listed["items"]] == [mine["id"]]
    assert _send(world, key, "GET", f"/api/v1/projects/{mine['id']}", None).status_code == 200
    ok = _send(world, key, "POST", f"/api/v1/projects/{mine['id']}/tickets", {"title": "ok"})
    assert ok.status_code == 201
    for method, path, body in [
            ("GET", f"/api/v1/projects/{other['id']}", None),
            ("POST", f"/api/v1/projects/{other['id']}/tickets", {"title": "no"}),
            ("GET", f"/api/v1/tickets/{other['ticket']['id']}", None),
            ("PATCH", f"/api/v1/tickets/{other['ticket']['id']}", {"title": "no"}),
            ("GET", f"/api/v1/tickets/resolve?ref={other['ticket']['key']}", None)]:
        r = _send(world, key, method, path, body)
        assert r.status_code == 403, f"{method} {path}: {r.text}"


def test_reporter_sees_only_assigned_projects(world):
    assigned = world.project()
    hidden = world.post("/api/v1/projects", {"org_id": world.org_id, "key": f"H{next(_n)}",
                                             "name": "Hidden"})
    ids, cursor = set(), ""
    while True:
        page = _send(world, Role.Reporter, "GET", f"/api/v1/projects?org_id={world.org_id}"
                     f"&limit=100&cursor={cursor}", None).json()
        ids |= {p["id"] for p in page["items"]}
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert assigned["id"] in ids and hidden["id"] not in ids
    for method, path, body in [("GET", f"/api/v1/projects/{hidden['id']}", None),
                               ("POST", f"/api/v1/projects/{hidden['id']}/tickets",
                                {"title": "no"})]:
        r = _send(world, Role.Reporter, method, path, body)
        assert r.status_code == 403, r.text
    viewer = _send(world, Role.Viewer, "GET", f"/api/v1/projects/{hidden['id']}", None)
    assert viewer.status_code == 200
