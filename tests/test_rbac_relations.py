"""Relations and sub-issues: the permission matrix for all five roles, other organizations,
API keys, and what a Reporter sees of tickets in projects they do not belong to."""

from __future__ import annotations

import pytest

from alloy.domain.values import Role
from tests.support import auth
from tests.test_rbac_work import (
    ROLES,
    World,
    _register,
    _send,
    world,  # noqa: F401 - the five-role organization
)


def _pair(w: World) -> tuple[dict, dict]:
    """Two tickets of a fresh project the Reporter belongs to, the first blocking the second."""
    p = w.project()
    other = w.post(f"/api/v1/projects/{p['id']}/tickets", {"title": "Other"})
    return p["ticket"], other


def _linked(w: World) -> tuple[dict, dict, dict]:
    first, second = _pair(w)
    rel = w.post(f"/api/v1/tickets/{first['id']}/relations",
                 {"kind": "blocks", "target_id": second["id"]})
    return first, second, rel


# (operation, minimum role, success status, request builder)
ENDPOINTS = [
    ("relations.list", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/tickets/{_linked(w)[0]['id']}/relations", None)),
    ("relations.create", Role.Member, 201, lambda w: (lambda a, b: (
        "POST", f"/api/v1/tickets/{a['id']}/relations",
        {"kind": "relates_to", "target_id": b["id"]}))(*_pair(w))),
    ("relations.delete", Role.Member, 204, lambda w: (lambda a, b, r: (
        "DELETE", f"/api/v1/tickets/{b['id']}/relations/{r['id']}", None))(*_linked(w))),
    ("relations.tree", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/tickets/{_pair(w)[0]['id']}/tree", None)),
    ("relations.blocked", Role.Viewer, 200, lambda w: (
        "GET", f"/api/v1/projects/{w.project()['id']}/blocked", None)),
    ("tickets.update parent_id", Role.Member, 200, lambda w: (lambda a, b: (
        "PATCH", f"/api/v1/tickets/{b['id']}", {"parent_id": a["id"]}))(*_pair(w))),
]
IDS = [e[0] for e in ENDPOINTS]


def test_every_relations_operation_is_in_the_table():
    from alloy import ops

    assert {o.name for o in ops.all_ops() if o.tag == "relations"} <= set(IDS)


@pytest.mark.parametrize(("name", "minimum", "ok", "build"), ENDPOINTS, ids=IDS)
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_role_matrix(world, role, name, minimum, ok, build):  # noqa: F811
    r = _send(world, role, *build(world))
    expected = ok if role.at_least(minimum) else 403
    assert r.status_code == expected, f"{role.value} {name}: {r.status_code} {r.text}"


@pytest.mark.parametrize(("name", "minimum", "ok", "build"), ENDPOINTS, ids=IDS)
def test_other_organization_gets_404(world, name, minimum, ok, build):  # noqa: F811
    r = _send(world, world.outsider, *build(world))
    assert r.status_code == 404, f"{name}: {r.status_code} {r.text}"


def test_read_scoped_key_cannot_link(world):  # noqa: F811
    key = world.post("/api/v1/api-keys", {"name": "ro", "scopes": ["read"]})["key"]
    first, second = _pair(world)
    r = _send(world, key, "POST", f"/api/v1/tickets/{first['id']}/relations",
              {"kind": "blocks", "target_id": second["id"]})
    assert r.status_code == 403 and "scope" in r.json()["error"]["message"], r.text


def test_no_link_or_parent_to_another_organizations_ticket(world, server):  # noqa: F811
    """Another org's ticket is not there for you: 422 on the field naming it, nothing made."""
    stranger = _register(server.http)
    h = auth(stranger["access_token"])
    theirs = server.http.post("/api/v1/projects", headers=h, json={
        "org_id": stranger["org_id"], "key": "THEIR", "name": "Theirs"}).json()
    their_ticket = server.http.post(f"/api/v1/projects/{theirs['id']}/tickets", headers=h,
                                    json={"title": "Theirs"}).json()
    mine, _ = _pair(world)
    for method, path, body, field in [
            ("POST", f"/api/v1/tickets/{mine['id']}/relations",
             {"kind": "blocks", "target_id": their_ticket["id"]}, "target_id"),
            ("PATCH", f"/api/v1/tickets/{mine['id']}", {"parent_id": their_ticket["id"]},
             "parent_id"),
            ("POST", f"/api/v1/projects/{mine['project_id']}/tickets",
             {"title": "x", "parent_id": their_ticket["id"]}, "parent_id")]:
        r = _send(world, Role.Owner, method, path, body)
        assert r.status_code == 422, r.text
        assert [d["field"] for d in r.json()["error"]["details"]] == [field]
    # and the stranger cannot reach ours from their side either
    r = server.http.post(f"/api/v1/tickets/{their_ticket['id']}/relations", headers=h,
                         json={"kind": "relates_to", "target_id": mine["id"]})
    assert r.status_code == 422, r.text
    assert _send(world, Role.Owner, "GET", f"/api/v1/tickets/{mine['id']}/relations",
                 None).json()["items"] == []


def test_reporter_sees_no_tickets_of_projects_they_do_not_belong_to(world):  # noqa: F811
    """A relation or sub-issue reaching into a project hidden from the Reporter is left out
    of what they read; the Member sees it all."""
    mine = world.project()  # the Reporter belongs to it
    hidden = world.post("/api/v1/projects", {"org_id": world.org_id, "key": "HIDREL",
                                             "name": "Hidden"})
    secret = world.post(f"/api/v1/projects/{hidden['id']}/tickets", {"title": "Secret"})
    visible = world.post(f"/api/v1/projects/{mine['id']}/tickets", {"title": "Visible"})
    epic = mine["ticket"]
    for target in (secret, visible):
        world.post(f"/api/v1/tickets/{epic['id']}/relations",
                   {"kind": "blocks", "target_id": target["id"]})
        r = _send(world, Role.Owner, "PATCH", f"/api/v1/tickets/{target['id']}",
                  {"parent_id": epic["id"]})
        assert r.status_code == 200, r.text
    for who, keys in ((Role.Member, ["HIDREL-1", visible["key"]]),
                      (Role.Reporter, [visible["key"]])):
        rels = _send(world, who, "GET", f"/api/v1/tickets/{epic['id']}/relations",
                     None).json()["items"]
        assert sorted(r["ticket"]["key"] for r in rels) == sorted(keys), who
        tree = _send(world, who, "GET", f"/api/v1/tickets/{epic['id']}/tree", None).json()
        assert sorted(c["key"] for c in tree["children"]) == sorted(keys), who
    # a Reporter cannot link (that is editing the ticket), nor read the hidden ticket's
    for method, path, body in [
            ("POST", f"/api/v1/tickets/{epic['id']}/relations",
             {"kind": "relates_to", "target_id": visible["id"]}),
            ("GET", f"/api/v1/tickets/{secret['id']}/relations", None),
            ("GET", f"/api/v1/projects/{hidden['id']}/blocked", None)]:
        assert _send(world, Role.Reporter, method, path, body).status_code == 403
