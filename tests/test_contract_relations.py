"""Ticket relations and sub-issues behave the same embedded and remote: linking across
projects, both readings of a relation, cycles refused, parents, progress, the tree, blocked
tickets, and the parent-done rule under each workflow enforcement."""

from __future__ import annotations

from tests.contract import LocalSide, RemoteSide, normalize
from tests.test_contract_work import _user

STATUSES = [{"name": n, "category": c} for n, c in (
    ("Todo", "todo"), ("Doing", "in_progress"), ("Done", "done"), ("Dropped", "cancelled"))]
ANY_TO_ANY = [{"from": a["name"], "to": b["name"]} for a in STATUSES for b in STATUSES if a != b]


def scenario_relations(side, tag: str) -> list:
    seen = []
    alice, a = _user(side, tag, "alice")
    oid = alice["org_id"]
    a = side.as_user(alice["access_token"], org_id=oid)
    back = a.call("projects.create", body={"org_id": oid, "key": "BACK", "name": "Backend"})
    web = a.call("projects.create", body={"org_id": oid, "key": "WEB", "name": "Web"})
    b1, b2, b3 = (a.call("tickets.create", project_id=back["id"], body={"title": f"B{i}"})
                  for i in (1, 2, 3))
    w1 = a.call("tickets.create", project_id=web["id"], body={"title": "W1"})
    link = a.call("relations.create", ticket_id=b1["id"],
                  body={"kind": "blocks", "target_id": w1["id"]})
    seen.append(link)
    seen.append(a.call("relations.create", ticket_id=b2["id"],
                       body={"kind": "blocked by", "target_id": w1["id"]}))
    seen.append(a.call("relations.create", ticket_id=b3["id"],
                       body={"kind": "relates_to", "target_id": b1["id"]}))
    seen.append(a.call("relations.create", ticket_id=b3["id"],
                       body={"kind": "duplicates", "target_id": w1["id"]}))
    # the reverse of an existing relates_to, a repeat, a cycle, itself, a bad kind
    seen.append(a.attempt("relations.create", ticket_id=b1["id"],
                          body={"kind": "relates to", "target_id": b3["id"]}))
    seen.append(a.attempt("relations.create", ticket_id=w1["id"],
                          body={"kind": "blocked_by", "target_id": b1["id"]}))
    cycle = a.attempt("relations.create", ticket_id=b2["id"],
                      body={"kind": "blocked_by", "target_id": b1["id"]})
    seen.append(cycle)
    seen.append(a.attempt("relations.create", ticket_id=b1["id"],
                          body={"kind": "blocks", "target_id": b1["id"]}))
    seen.append(a.attempt("relations.create", ticket_id=b1["id"],
                          body={"kind": "follows", "target_id": b2["id"]}))
    for ticket in (b1, w1, b3):
        listed = a.call("relations.list", ticket_id=ticket["id"])
        seen.append(listed)
    w1_kinds = [(r["kind"], r["ticket"]["key"])
                for r in a.call("relations.list", ticket_id=w1["id"])["items"]]
    assert w1_kinds == [("blocked_by", "BACK-1"), ("blocks", "BACK-2"),
                        ("duplicated_by", "BACK-3")], w1_kinds
    seen.append(a.call("relations.list", ticket_id=w1["id"], query={"limit": 1}))
    seen.append(a.call("relations.blocked", project_id=web["id"]))
    seen.append(a.call("relations.blocked", project_id=back["id"]))
    # sub-issues: create under a parent, move one under another, refuse a cycle
    kid = a.call("tickets.create", project_id=web["id"], body={"title": "Kid",
                                                              "parent_id": b1["id"]})
    seen.append(kid)
    seen.append(a.call("tickets.update", ticket_id=b2["id"], body={"parent_id": b1["id"]}))
    seen.append(a.call("tickets.update", ticket_id=w1["id"], body={"parent_id": b2["id"]}))
    seen.append(a.attempt("tickets.update", ticket_id=b1["id"], body={"parent_id": w1["id"]}))
    seen.append(a.attempt("tickets.update", ticket_id=b1["id"], body={"parent_id": b1["id"]}))
    seen.append(a.attempt("tickets.create", project_id=back["id"],
                          body={"title": "x", "parent_id": "01a24639-e44c-7205-bd03-d3f001ceadd0"}))
    seen.append(a.call("tickets.get", ticket_id=b1["id"]))
    seen.append(a.call("tickets.resolve", query={"ref": "BACK-1", "org_id": oid}))
    seen.append(a.call("relations.tree", ticket_id=b1["id"]))
    # the parent-done rule under none, warn and strict
    flow = a.call("workflows.create", org_id=oid, body={
        "name": "Gated", "statuses": STATUSES, "transitions": ANY_TO_ANY,
        "enforcement": "warn"})
    gated = a.call("projects.create", body={"org_id": oid, "key": "GATE", "name": "Gate",
                                            "workflow_id": flow["id"]})
    parent = a.call("tickets.create", project_id=gated["id"], body={"title": "Epic"})
    child = a.call("tickets.create", project_id=gated["id"], body={"title": "Part",
                                                                   "parent_id": parent["id"]})
    warned = a.call("transitions.transition", ticket_id=parent["id"],
                    body={"to_status": "Done"})
    assert "open sub-issue" in warned["warning"], warned
    seen.append(warned)
    a.call("tickets.update", ticket_id=parent["id"], body={"status": "Todo"})
    a.call("workflows.update", workflow_id=flow["id"], body={"enforcement": "strict"})
    refused = a.attempt("tickets.update", ticket_id=parent["id"], body={"status": "done"})
    assert refused == {"error": "VALIDATION_ERROR", "status": 422}, refused
    seen.append(refused)
    checked = a.call("transitions.check", ticket_id=parent["id"], query={"to": "Done"})
    assert (checked["allowed"], "1 open sub-issue" in checked["reason"]) == (False, True), checked
    seen.append(checked)
    a.call("tickets.update", ticket_id=child["id"], body={"status": "Dropped"})
    seen.append(a.call("transitions.transition", ticket_id=parent["id"],
                       body={"to_status": "Done"}))
    seen.append(a.call("tickets.get", ticket_id=parent["id"]))
    # unlink from either side; a relation of another ticket is not found
    seen.append(a.attempt("relations.delete", ticket_id=b2["id"], relation_id=link["id"]))
    seen.append(a.call("relations.delete", ticket_id=w1["id"], relation_id=link["id"]))
    seen.append(a.attempt("relations.delete", ticket_id=b1["id"], relation_id=link["id"]))
    seen.append(a.call("relations.list", ticket_id=b1["id"]))
    seen.append(a.call("tickets.update", ticket_id=kid["id"], body={"parent_id": None}))
    seen.append(a.call("tickets.delete", ticket_id=b2["id"]))  # w1 is detached, not deleted
    seen.append(a.call("tickets.get", ticket_id=w1["id"]))
    seen.append(a.call("relations.tree", ticket_id=b1["id"]))
    return seen


def test_relations_contract(server, tmp_path):
    local = scenario_relations(LocalSide(tmp_path), "r1")
    remote = scenario_relations(RemoteSide(server), "r1")
    assert normalize(local) == normalize(remote)
    assert {"error": "CONFLICT", "status": 409} in local
    assert {"error": "NOT_FOUND", "status": 404} in local
