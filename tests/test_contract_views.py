"""Saved views behave the same embedded and remote: who sees, shares and changes which."""

from __future__ import annotations

from tests.contract import LocalSide, RemoteSide, normalize


def _user(side, name: str, tag: str):
    pair = side.anon.call("auth.register", body={
        "email": f"{name}-{tag}@example.com", "password": "password123", "display_name": name})
    return pair, side.as_user(pair["access_token"])


def _names(page) -> list[str]:
    return sorted(v["name"] for v in page["items"])


def scenario_views(side, tag: str) -> list:
    seen = []
    _, a = _user(side, "alice", tag)
    bob, b = _user(side, "bob", tag)
    _, c = _user(side, "carol", tag)  # not in the org
    org = a.call("orgs.create", body={"name": "Acme", "slug": f"acme-vw-{tag}"})
    a.call("orgs.add_member", org_id=org["id"], body={"user_id": bob["user_id"],
                                                       "role": "viewer"})
    project = a.call("projects.create", body={"org_id": org["id"], "key": "VW", "name": "V"})
    for title in ("Login fails", "Logout slow", "Dark mode"):
        a.call("tickets.create", project_id=project["id"], body={"title": title})
    mine = a.call("views.create", org_id=org["id"],
                  body={"name": "My bugs", "query": "is:open label:bug assignee:@me"})
    team = a.call("views.create", org_id=org["id"],
                  body={"name": "Triage", "query": "no:assignee is:open", "shared": True})
    theirs = b.call("views.create", org_id=org["id"], body={"name": "my bugs", "query": "x"})
    seen += [mine, team, theirs]
    assert (mine["shared"], team["shared"]) == (False, True)
    # names: unique among one's own and among the shared, ignoring case
    seen.append(a.attempt("views.create", org_id=org["id"], body={"name": "MY BUGS", "query": "y"}))
    seen.append(a.attempt("views.create", org_id=org["id"],
                          body={"name": "triage", "query": "y", "shared": True}))
    seen.append(a.attempt("views.create", org_id=org["id"], body={"name": " ", "query": "y"}))
    seen.append(a.attempt("views.create", org_id=org["id"], body={"name": "q", "query": "  "}))
    seen.append(a.attempt("views.create", org_id=org["id"],
                          body={"name": "q", "query": "prio:high"}))  # must parse: 422
    # sharing is for Admins; outsiders see nothing
    seen.append(b.attempt("views.create", org_id=org["id"],
                          body={"name": "Mine too", "query": "y", "shared": True}))
    seen.append(c.attempt("views.create", org_id=org["id"], body={"name": "n", "query": "y"}))
    seen.append(c.attempt("views.list", org_id=org["id"]))
    # each sees their own views and the shared ones
    seen.append(_names(a.call("views.list", org_id=org["id"])))
    seen.append(_names(b.call("views.list", org_id=org["id"])))
    assert seen[-2:] == [["My bugs", "Triage"], ["Triage", "my bugs"]]
    seen.append(a.call("views.list", org_id=org["id"], query={"limit": 1}))
    # running a view runs its query now, for whoever may see the view
    login = a.call("views.create", org_id=org["id"],
                   body={"name": "Login", "query": "log*", "shared": True})
    ran = b.call("views.run", view_id=login["id"])
    seen.append(sorted(t["title"] for t in ran["items"]))
    assert seen[-1] == ["Login fails", "Logout slow"]
    seen.append(b.call("views.run", view_id=login["id"], query={"limit": 1})["has_more"])
    seen.append(c.attempt("views.run", view_id=login["id"]))  # outsider: 404
    seen.append(a.call("views.delete", view_id=login["id"]))
    seen.append(b.attempt("views.get", view_id=mine["id"]))  # another's personal view: 404
    seen.append(b.call("views.get", view_id=team["id"]))
    seen.append(b.attempt("views.update", view_id=team["id"], body={"query": "mine"}))  # 403
    seen.append(b.attempt("views.delete", view_id=team["id"]))  # 403
    seen.append(b.attempt("views.update", view_id=theirs["id"], body={"shared": True}))  # 403
    seen.append(b.call("views.update", view_id=theirs["id"], body={"query": "is:closed"}))
    seen.append(a.call("views.update", view_id=mine["id"], body={"name": "Bugs", "shared": True}))
    seen.append(a.attempt("views.update", view_id=mine["id"], body={"name": "Triage"}))  # 409
    seen.append(a.call("views.update", view_id=mine["id"], body={"shared": False}))
    seen.append(a.call("views.delete", view_id=mine["id"]))
    seen.append(a.attempt("views.get", view_id=mine["id"]))
    seen.append(b.call("views.delete", view_id=theirs["id"]))
    seen.append(_names(b.call("views.list", org_id=org["id"])))
    return seen


def test_views_contract(server, tmp_path):
    local = scenario_views(LocalSide(tmp_path), "vw")
    remote = scenario_views(RemoteSide(server), "vw")
    assert normalize(local) == normalize(remote)
    errors = [s for s in local if isinstance(s, dict) and "error" in s]
    assert {"error": "CONFLICT", "status": 409} in errors
    assert {"error": "FORBIDDEN", "status": 403} in errors
    assert {"error": "NOT_FOUND", "status": 404} in errors
    assert {"error": "VALIDATION_ERROR", "status": 422} in errors
    assert local[-1] == ["Triage"]
