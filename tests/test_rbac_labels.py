"""Who may do what with comments, labels and tags: every endpoint x five roles, cross-org
access (404), API-key scopes and project restriction, Reporter project scoping.
"""

from __future__ import annotations

import functools
import itertools
import sqlite3

import pytest

from alloy import ops
from alloy.domain.values import Role, new_id, now
from tests.support import auth

ROLES = ["Owner", "Admin", "Member", "Reporter", "Viewer"]
_n = itertools.count()


def _db_path(server) -> str:
    return server.env["ALLOY_DATABASE_URL"].removeprefix("sqlite:///")


def _has(op: str) -> bool:
    return op in {o.name for o in ops.all_ops()}


def assign(server, owner_h: dict, project: dict, user_id: str) -> None:
    """Make a user a member of a project (through the API once projects.add_member exists)."""
    if _has("projects.add_member"):
        r = server.http.post(f"/api/v1/projects/{project['id']}/members", headers=owner_h,
                             json={"user_id": user_id})
        assert r.status_code in (200, 201), r.text
        return
    with sqlite3.connect(_db_path(server), timeout=30) as db:
        db.execute("INSERT INTO project_members VALUES (?, ?, ?, ?)",
                   (project["id"], user_id, project["org_id"], now()))


def make_team(server, owner_h: dict, org_id: str) -> str:
    if _has("teams.create"):
        r = server.http.post(f"/api/v1/orgs/{org_id}/teams", headers=owner_h,
                             json={"name": f"Team {next(_n)}"})
        assert r.status_code == 201, r.text
        return r.json()["id"]
    team_id, t = new_id(), now()
    with sqlite3.connect(_db_path(server), timeout=30) as db:
        db.execute("INSERT INTO teams VALUES (?, ?, ?, ?, ?, ?)",
                   (team_id, org_id, f"Team {next(_n)}", None, t, t))
    return team_id


class World:
    """An org with a user per role, a project the Reporter is assigned to and one they are not."""

    def __init__(self, server, register) -> None:
        self.http = server.http
        owner = register("owner")
        self.h = {"Owner": auth(owner["access_token"])}
        self.ids = {"Owner": owner["user_id"]}
        org = self.post("Owner", "/api/v1/orgs", {"name": "RBAC",
                                                   "slug": f"rbac-lbl-{owner['user_id'][-12:]}"})
        self.org = org["id"]
        self.h["Owner"]["X-Alloy-Org-Id"] = self.org  # its API keys belong to this org
        for role in ROLES[1:]:
            pair = register(role.lower())
            self.h[role], self.ids[role] = auth(pair["access_token"]), pair["user_id"]
            self.post("Owner", f"/api/v1/orgs/{self.org}/members",
                      {"user_id": pair["user_id"], "role": role})
        outsider = register("outsider")
        self.h["Outsider"] = auth(outsider["access_token"])
        self.project = self.post("Owner", "/api/v1/projects",
                                 {"org_id": self.org, "key": "RB", "name": "RBAC"})
        self.other = self.post("Owner", "/api/v1/projects",
                               {"org_id": self.org, "key": "OT", "name": "Not the Reporter's"})
        assign(server, self.h["Owner"], self.project, self.ids["Reporter"])
        self.team = make_team(server, self.h["Owner"], self.org)

    def post(self, who: str, path: str, body: dict | None = None) -> dict:
        r = self.http.post(path, headers=self.h[who], json=body or {})
        assert r.status_code in (200, 201), (path, r.text)
        return r.json()

    def fixtures(self) -> Fixtures:
        return Fixtures(self)


class Fixtures:
    """Fresh resources for one request, made by the Owner only when the request needs them."""

    def __init__(self, w: World) -> None:
        self.w = w

    @functools.cached_property
    def ticket(self) -> str:
        return self.w.post("Owner", f"/api/v1/projects/{self.w.project['id']}/tickets",
                           {"title": "t"})["id"]

    @functools.cached_property
    def other_ticket(self) -> str:
        return self.w.post("Owner", f"/api/v1/projects/{self.w.other['id']}/tickets",
                           {"title": "t"})["id"]

    @functools.cached_property
    def label(self) -> str:
        return self.w.post("Owner", f"/api/v1/orgs/{self.w.org}/labels",
                           {"name": f"l{next(_n)}", "color": "#123456"})["id"]

    @functools.cached_property
    def labeled(self) -> str:
        self.w.post("Owner", f"/api/v1/tickets/{self.ticket}/labels/{self.label}")
        return self.ticket

    @functools.cached_property
    def comment(self) -> str:
        return self.w.post("Owner", f"/api/v1/tickets/{self.ticket}/comments",
                           {"body": "owner's"})["id"]

    @functools.cached_property
    def tag_key(self) -> str:
        key = f"k{next(_n)}"
        r = self.w.http.put(f"/api/v1/orgs/{self.w.org}/project/{self.w.project['id']}/tags",
                            headers=self.w.h["Owner"], json={"tags": [{"key": key, "value": "v"}]})
        assert r.status_code == 200, r.text
        return key


def _tags(f: Fixtures) -> str:
    return f"/api/v1/orgs/{f.w.org}/project/{f.w.project['id']}/tags"


# (operation, method, path, body, minimum role, success status)
ENDPOINTS = [
    ("comments.create", "POST", lambda f: f"/api/v1/tickets/{f.ticket}/comments",
     lambda f: {"body": "hi"}, "Reporter", 201),
    ("comments.list", "GET", lambda f: f"/api/v1/tickets/{f.ticket}/comments", None,
     "Viewer", 200),
    ("comments.get", "GET", lambda f: f"/api/v1/comments/{f.comment}", None, "Viewer", 200),
    ("comments.update", "PATCH", lambda f: f"/api/v1/comments/{f.comment}",
     lambda f: {"body": "edited"}, "Admin", 200),
    ("comments.delete", "DELETE", lambda f: f"/api/v1/comments/{f.comment}", None, "Admin", 204),
    ("labels.create", "POST", lambda f: f"/api/v1/orgs/{f.w.org}/labels",
     lambda f: {"name": f"new{next(_n)}", "color": "#abc"}, "Member", 201),
    ("labels.list", "GET", lambda f: f"/api/v1/orgs/{f.w.org}/labels", None, "Viewer", 200),
    ("labels.get", "GET", lambda f: f"/api/v1/labels/{f.label}", None, "Viewer", 200),
    ("labels.update", "PATCH", lambda f: f"/api/v1/labels/{f.label}",
     lambda f: {"color": "#654321"}, "Member", 200),
    ("labels.delete", "DELETE", lambda f: f"/api/v1/labels/{f.label}", None, "Admin", 204),
    ("labels.batch_assign", "POST", lambda f: f"/api/v1/labels/{f.label}/batch-assign",
     lambda f: {"ticket_ids": [f.ticket]}, "Member", 200),
    ("labels.set_for_ticket", "POST", lambda f: f"/api/v1/tickets/{f.ticket}/labels",
     lambda f: {"label_ids": [f.label]}, "Member", 200),
    ("labels.list_for_ticket", "GET", lambda f: f"/api/v1/tickets/{f.labeled}/labels", None,
     "Viewer", 200),
    ("labels.add_to_ticket", "POST", lambda f: f"/api/v1/tickets/{f.ticket}/labels/{f.label}",
     None, "Member", 200),
    ("labels.remove_from_ticket", "DELETE",
     lambda f: f"/api/v1/tickets/{f.labeled}/labels/{f.label}", None, "Member", 204),
    ("tags.set", "PUT", _tags, lambda f: {"tags": [{"key": "env", "value": "prod"}]},
     "Member", 200),
    ("tags.get", "GET", _tags, None, "Viewer", 200),
    ("tags.delete", "DELETE", lambda f: f"{_tags(f)}/{f.tag_key}", None, "Member", 204),
    ("tags.search", "GET", lambda f: f"/api/v1/orgs/{f.w.org}/tags/search?key=env&value=prod",
     None, "Viewer", 200),
]
WRITES = [e for e in ENDPOINTS if e[1] != "GET"]


def test_the_table_names_every_operation():
    mine = {o.name for o in ops.all_ops() if o.tag in ("comments", "labels", "tags")}
    assert mine == {e[0] for e in ENDPOINTS}


@pytest.fixture(scope="module")
def world(server, tmp_path_factory):
    from tests.conftest import unique_email

    def register(prefix):
        r = server.http.post("/api/v1/auth/register", json={
            "email": unique_email(prefix), "password": "password123", "display_name": prefix})
        assert r.status_code == 201, r.text
        return r.json()

    return World(server, register)


def _send(w: World, who_h: dict, entry, f: Fixtures):
    _, method, path, body, _, _ = entry
    p = path(f)
    return w.http.request(method, p, headers=who_h, json=body(f) if body else None)


@pytest.mark.parametrize("entry", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_roles(world, entry):
    name, _, _, _, minimum, ok = entry
    for role in ROLES:
        r = _send(world, world.h[role], entry, world.fixtures())
        want = ok if Role(role).at_least(Role(minimum)) else 403
        assert r.status_code == want, (name, role, r.status_code, r.text)
        if want == 403:
            assert r.json()["error"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("entry", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_other_orgs_see_nothing(world, entry):
    r = _send(world, world.h["Outsider"], entry, world.fixtures())
    assert r.status_code == 404, (entry[0], r.text)
    assert r.json()["error"]["code"] == "NOT_FOUND"


def test_authors_edit_and_delete_their_own_comments(world):
    for role in ("Member", "Reporter"):
        f = world.fixtures()
        mine = world.post(role, f"/api/v1/tickets/{f.ticket}/comments", {"body": "mine"})
        r = world.http.patch(f"/api/v1/comments/{mine['id']}", headers=world.h[role],
                             json={"body": "still mine"})
        assert r.status_code == 200 and r.json()["body"] == "still mine"
        for other in ("Member", "Reporter", "Viewer"):
            if other != role:
                r = world.http.delete(f"/api/v1/comments/{mine['id']}", headers=world.h[other])
                assert r.status_code == 403, (role, other)
        r = world.http.delete(f"/api/v1/comments/{mine['id']}", headers=world.h[role])
        assert r.status_code == 204


def test_reporters_only_reach_their_projects(world):
    f = world.fixtures()
    h = world.h["Reporter"]
    ticket = f.other_ticket
    for method, path, body in [
        ("POST", f"/api/v1/tickets/{ticket}/comments", {"body": "x"}),
        ("GET", f"/api/v1/tickets/{ticket}/comments", None),
        ("GET", f"/api/v1/tickets/{ticket}/labels", None),
        ("GET", f"/api/v1/orgs/{world.org}/project/{world.other['id']}/tags", None),
        ("GET", f"/api/v1/orgs/{world.org}/ticket/{ticket}/tags", None),
    ]:
        r = world.http.request(method, path, headers=h, json=body)
        assert r.status_code == 403, (path, r.text)
    # Tag search hides the other project's entities from the Reporter, not from a Member.
    for kind, entity in (("project", world.other["id"]), ("ticket", ticket),
                         ("project", world.project["id"])):
        r = world.http.put(f"/api/v1/orgs/{world.org}/{kind}/{entity}/tags",
                           headers=world.h["Owner"],
                           json={"tags": [{"key": "scope", "value": "check"}]})
        assert r.status_code == 200
    search = f"/api/v1/orgs/{world.org}/tags/search?key=scope&value=check"
    seen = {t["entity_id"] for t in world.http.get(search, headers=h).json()["items"]}
    assert seen == {world.project["id"]}
    seen = {t["entity_id"] for t in world.http.get(search, headers=world.h["Member"]).json()["items"]}
    assert seen == {world.project["id"], world.other["id"], ticket}
    assert world.http.get(f"/api/v1/orgs/{world.org}/labels", headers=h).status_code == 200


def test_read_scope_keys_cannot_write(world):
    key = world.post("Owner", "/api/v1/api-keys", {"name": "ro", "scopes": ["read"]})["key"]
    kh = auth(key)
    for entry in ENDPOINTS:
        r = _send(world, kh, entry, world.fixtures())
        want = 403 if entry in WRITES else entry[5]
        assert r.status_code == want, (entry[0], r.text)


def test_project_restricted_keys(world):
    key = world.http.post("/api/v1/api-keys", json={  # a key of the projects' org
        "name": "other only", "scopes": ["read", "write"], "project_ids": [world.other["id"]]},
        headers={**world.h["Owner"], "X-Alloy-Org-Id": world.org}).json()["key"]
    kh = auth(key)
    f = world.fixtures()
    assert world.http.get(f"/api/v1/tickets/{f.ticket}/comments", headers=kh).status_code == 403
    assert world.http.post(f"/api/v1/tickets/{f.other_ticket}/comments", headers=kh,
                           json={"body": "allowed"}).status_code == 201
    assert world.http.get(_tags(f), headers=kh).status_code == 403
    assert world.http.post(f"/api/v1/labels/{f.label}/batch-assign", headers=kh,
                           json={"ticket_ids": [f.ticket]}).status_code == 403


@pytest.mark.parametrize("kind", ["user", "team"])
def test_tags_on_users_and_teams(world, kind):
    entity = world.ids["Viewer"] if kind == "user" else world.team
    path = f"/api/v1/orgs/{world.org}/{kind}/{entity}/tags"
    body = {"tags": [{"key": "department", "value": "finance"}]}
    for role in ROLES:
        r = world.http.put(path, headers=world.h[role], json=body)
        assert r.status_code == (200 if Role(role).at_least(Role.Member) else 403), role
        assert world.http.get(path, headers=world.h[role]).status_code == 200
    assert world.http.get(path, headers=world.h["Outsider"]).status_code == 404
    stranger = f"/api/v1/orgs/{world.org}/{kind}/{new_id()}/tags"
    assert world.http.get(stranger, headers=world.h["Owner"]).status_code == 404


def test_time_entry_tags_need_a_time_entry(world):
    r = world.http.get(f"/api/v1/orgs/{world.org}/time_entry/{new_id()}/tags",
                       headers=world.h["Owner"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
