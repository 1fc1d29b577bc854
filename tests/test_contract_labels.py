"""Comments, labels and tags behave the same embedded and remote."""

from __future__ import annotations

from tests.contract import LocalSide, RemoteSide, normalize


def _user(side, name: str, tag: str):
    pair = side.anon.call("auth.register", body={
        "email": f"{name}-{tag}@example.com", "password": "password123", "display_name": name})
    return pair, side.as_user(pair["access_token"])


def _pairs(tags) -> list:
    """Tag keys as plain lists (normalize() masks a field named "key")."""
    items = tags["items"] if isinstance(tags, dict) else tags
    return [[t["entity_type"], t["key"], t["value"]] for t in items]


def scenario_labels(side, tag: str) -> list:
    seen = []
    alice, a = _user(side, "alice", tag)
    bob, b = _user(side, "bob", tag)
    org = a.call("orgs.create", body={"name": "Acme", "slug": f"acme-lbl-{tag}"})
    a.call("orgs.add_member", org_id=org["id"], body={"user_id": bob["user_id"],
                                                       "role": "member"})
    project = a.call("projects.create", body={"org_id": org["id"], "key": "LBL", "name": "L"})
    t1 = a.call("tickets.create", project_id=project["id"], body={"title": "One"})
    t2 = a.call("tickets.create", project_id=project["id"], body={"title": "Two"})

    # labels
    bug = a.call("labels.create", org_id=org["id"], body={"name": "bug", "color": "#FF0000"})
    feat = b.call("labels.create", org_id=org["id"], body={"name": "feature", "color": "#0f0"})
    seen += [bug, feat]
    seen.append(a.attempt("labels.create", org_id=org["id"], body={"name": "BUG", "color": "#000"}))
    seen.append(a.attempt("labels.create", org_id=org["id"], body={"name": "x", "color": "red"}))
    seen.append(a.attempt("labels.create", org_id=org["id"], body={"name": " ", "color": "#000"}))
    seen.append(a.call("labels.list", org_id=org["id"]))
    seen.append(a.call("labels.list", org_id=org["id"], query={"limit": 1}))
    seen.append(a.call("labels.get", label_id=bug["id"]))
    seen.append(a.call("labels.update", label_id=bug["id"],
                       body={"name": "critical-bug", "color": "#CC0000"}))
    seen.append(a.attempt("labels.update", label_id=bug["id"], body={"name": "feature"}))
    seen.append(a.attempt("labels.update", label_id=bug["id"], body={"color": None}))
    seen.append(a.call("labels.set_for_ticket", ticket_id=t1["id"],
                       body={"label_ids": [bug["id"], "feature"]}))
    seen.append(a.attempt("labels.set_for_ticket", ticket_id=t1["id"],
                          body={"label_ids": ["nope"]}))
    seen.append(a.call("labels.set_for_ticket", ticket_id=t1["id"], body={"label_ids": [bug["id"]]}))
    seen.append(a.call("labels.list_for_ticket", ticket_id=t1["id"]))
    seen.append(b.call("labels.add_to_ticket", ticket_id=t2["id"], label_id="Feature"))
    seen.append(b.call("labels.add_to_ticket", ticket_id=t2["id"], label_id=feat["id"]))
    seen.append(b.attempt("labels.add_to_ticket", ticket_id=t2["id"], label_id="missing"))
    seen.append(b.call("labels.remove_from_ticket", ticket_id=t2["id"], label_id=feat["id"]))
    seen.append(b.call("labels.list_for_ticket", ticket_id=t2["id"]))
    seen.append(b.call("labels.batch_assign", label_id=bug["id"],
                       body={"ticket_ids": [t1["id"], t2["id"], t2["id"]]}))
    seen.append(b.attempt("labels.batch_assign", label_id=bug["id"], body={"ticket_ids": []}))
    seen.append(b.attempt("labels.delete", label_id=bug["id"]))  # Member: 403
    seen.append(a.attempt("labels.delete", label_id=bug["id"]))  # in use: 409
    seen.append(a.call("labels.delete", label_id=bug["id"],
                       query={"cascade": True, "dry_run": True}))
    seen.append(a.call("labels.delete", label_id=bug["id"], query={"cascade": True}))
    seen.append(a.attempt("labels.get", label_id=bug["id"]))
    seen.append(a.call("labels.list_for_ticket", ticket_id=t1["id"]))
    seen.append(a.call("labels.delete", label_id=feat["id"]))

    # comments
    c1 = a.call("comments.create", ticket_id=t1["id"], body={
        "body": "This needs investigation.", "author_id": bob["user_id"]})
    seen.append(c1)
    assert c1["author_id"] == alice["user_id"]  # author_id is deprecated and ignored
    seen.append(b.call("comments.create", ticket_id=t1["id"],
                       body={"body": "On it", "parent_comment_id": c1["id"]}))
    seen.append(a.attempt("comments.create", ticket_id=t1["id"], body={"body": ""}))
    seen.append(a.attempt("comments.create", ticket_id=t1["id"], body={"body": "   "}))
    seen.append(a.attempt("comments.create", ticket_id=t2["id"],
                          body={"body": "x", "parent_comment_id": c1["id"]}))
    seen.append(a.call("comments.list", ticket_id=t1["id"]))
    seen.append(a.call("comments.get", comment_id=c1["id"]))
    seen.append(b.attempt("comments.update", comment_id=c1["id"], body={"body": "mine now"}))
    seen.append(b.attempt("comments.delete", comment_id=c1["id"]))
    seen.append(a.call("comments.update", comment_id=c1["id"],
                       body={"body": "Updated comment text."}))
    seen.append(a.call("comments.delete", comment_id=c1["id"]))  # and the reply with it
    seen.append(a.call("comments.list", ticket_id=t1["id"]))
    seen.append(a.attempt("comments.get", comment_id=c1["id"]))

    # tags
    seen.append(a.call("tags.set", org_id=org["id"], entity_type="project",
                       entity_id=project["id"], body={"tags": [
                           {"key": "department", "value": "engineering"},
                           {"key": "environment", "value": "staging"}]}))
    seen.append(b.call("tags.set", org_id=org["id"], entity_type="ticket", entity_id=t1["id"],
                       body={"tags": [{"key": "department", "value": "engineering"},
                                      {"key": "sprint", "value": "12"}]}))
    seen.append(a.call("tags.set", org_id=org["id"], entity_type="user",
                       entity_id=bob["user_id"],
                       body={"tags": [{"key": "department", "value": "finance"}]}))
    seen.append(a.call("tags.set", org_id=org["id"], entity_type="project",
                       entity_id=project["id"],
                       body={"tags": [{"key": "environment", "value": "production"}]}))
    seen.append(a.call("tags.get", org_id=org["id"], entity_type="project",
                       entity_id=project["id"]))
    seen.append(_pairs(seen[-1]))
    found = a.call("tags.search", org_id=org["id"],
                   query={"key": "department", "value": "engineering"})
    seen += [found, _pairs(found)]
    seen.append(a.call("tags.search", org_id=org["id"], query={
        "key": "department", "value": "engineering", "entity_type": "ticket"}))
    seen.append(a.call("tags.search", org_id=org["id"], query={
        "key": "department", "value": "engineering", "tag": "environment:production"}))
    seen.append(a.call("tags.search", org_id=org["id"], query={
        "key": "department", "value": "engineering", "limit": 1}))
    seen.append(a.attempt("tags.search", org_id=org["id"], query={"key": "department"}))
    seen.append(a.attempt("tags.search", org_id=org["id"], query={
        "key": "k", "value": "v", "tag": "nocolon"}))
    seen.append(a.call("tags.delete", org_id=org["id"], entity_type="project",
                       entity_id=project["id"], key="environment"))
    seen.append(a.attempt("tags.delete", org_id=org["id"], entity_type="project",
                          entity_id=project["id"], key="environment"))
    seen.append(a.attempt("tags.get", org_id=org["id"], entity_type="widget",
                          entity_id=project["id"]))
    seen.append(a.attempt("tags.get", org_id=org["id"], entity_type="ticket",
                          entity_id=project["id"]))
    seen.append(a.attempt("tags.set", org_id=org["id"], entity_type="project",
                          entity_id=project["id"], body={"tags": [{"key": "", "value": "x"}]}))
    seen.append(_pairs(a.call("tags.get", org_id=org["id"], entity_type="projects",
                              entity_id=project["id"])))
    return seen


def test_labels_contract(server, tmp_path):
    local = scenario_labels(LocalSide(tmp_path), "lbl")
    remote = scenario_labels(RemoteSide(server), "lbl")
    assert normalize(local) == normalize(remote)
    errors = [s for s in local if isinstance(s, dict) and "error" in s]
    assert {"error": "CONFLICT", "status": 409} in errors
    assert {"error": "FORBIDDEN", "status": 403} in errors
    assert {"error": "VALIDATION_ERROR", "status": 422} in errors
    assert local[-1] == [["project", "department", "engineering"]]
    assert [["project", "department", "engineering"], ["ticket", "department", "engineering"]] \
        in local  # the org-wide search finds both kinds of entity
