"""Export and import carry sub-issues and relations, by ticket key: into a fresh org, into
one where numbers are taken (relations follow the renumbered tickets), and again (nothing
doubles)."""

from __future__ import annotations

import pytest

from tests.contract import LocalSide
from tests.test_contract_work import _user


@pytest.fixture
def side(tmp_path):
    return LocalSide(tmp_path)


def _org(side, tag: str):
    reg, client = _user(side, tag, "io")
    return reg["org_id"], side.as_user(reg["access_token"], org_id=reg["org_id"])


def _shape(c, org_id: str) -> tuple[dict, list]:
    """{key: parent key} and sorted (source key, kind, target key) of an org's tickets."""
    keys, parents, rels = {}, {}, set()
    for p in c.call("projects.list", query={"org_id": org_id})["items"]:
        for t in c.call("tickets.list", project_id=p["id"], query={"limit": 100})["items"]:
            keys[t["id"]] = t["key"]
            parents[t["key"]] = t["parent_id"]
    for tid in keys:
        for r in c.call("relations.list", ticket_id=tid)["items"]:
            if r["source_id"] == tid:  # read from its source: the stored kind
                rels.add((keys[tid], r["kind"], keys[r["target_id"]]))
    return {k: keys.get(v) for k, v in parents.items()}, sorted(rels)


def test_relations_and_parents_round_trip(side):
    org, a = _org(side, "src")
    back = a.call("projects.create", body={"org_id": org, "key": "BACK", "name": "B"})
    web = a.call("projects.create", body={"org_id": org, "key": "WEB", "name": "W"})
    b1, b2 = (a.call("tickets.create", project_id=back["id"], body={"title": f"B{i}"})
              for i in (1, 2))
    w1 = a.call("tickets.create", project_id=web["id"], body={"title": "W1",
                                                              "parent_id": b1["id"]})
    a.call("tickets.update", ticket_id=b2["id"], body={"parent_id": b1["id"]})
    for src, kind, dst in ((b2, "blocks", w1), (w1, "relates_to", b1), (b1, "duplicates", b2)):
        a.call("relations.create", ticket_id=src["id"], body={"kind": kind,
                                                              "target_id": dst["id"]})
    exported = a.call("io.export_data", query={"org_id": org})
    w1_out = exported["projects"][1]["tickets"][0]
    assert (w1_out["parent"], w1_out["relations"]) == (
        "BACK-1", [{"kind": "relates_to", "target": "BACK-1"}])
    want = _shape(a, org)
    assert want == ({"BACK-1": None, "BACK-2": "BACK-1", "WEB-1": "BACK-1"},
                    [("BACK-1", "duplicates", "BACK-2"), ("BACK-2", "blocks", "WEB-1"),
                     ("WEB-1", "relates_to", "BACK-1")])

    org2, c = _org(side, "dst")
    first = c.call("io.import_data", body=exported, query={"org_id": org2})
    assert first["summary"]["relations_created"] == 3 and first["warnings"] == [], first
    assert _shape(c, org2) == want
    again = c.call("io.import_data", body=exported, query={"org_id": org2})
    assert again["summary"]["relations_created"] == 0, again
    assert _shape(c, org2) == want

    # numbers taken in the target: the tickets are renumbered, their links follow them
    org3, d = _org(side, "busy")
    busy = d.call("projects.create", body={"org_id": org3, "key": "BACK", "name": "B"})
    d.call("tickets.create", project_id=busy["id"], body={"title": "Already here"})
    moved = d.call("io.import_data", body=exported, query={"org_id": org3})
    assert moved["summary"]["relations_created"] == 3, moved
    parents, rels = _shape(d, org3)
    assert parents == {"BACK-1": None, "BACK-2": "BACK-3", "BACK-3": None,  # B1 is BACK-3
                       "WEB-1": "BACK-3"}
    assert rels == [("BACK-2", "blocks", "WEB-1"), ("BACK-3", "duplicates", "BACK-2"),
                    ("WEB-1", "relates_to", "BACK-3")]


def test_an_imported_cycle_or_unknown_key_is_skipped_with_a_warning(side):
    org, a = _org(side, "cyc")
    data = {"version": 1, "source": "alloy", "exported_at": "2026-01-01T00:00:00Z",
            "users": [], "labels": [], "workflows": [], "projects": [{
                "key": "LOOP", "name": "Loop", "tickets": [
                    {"number": 1, "title": "A", "parent": "LOOP-2",
                     "relations": [{"kind": "blocks", "target": "LOOP-2"}]},
                    {"number": 2, "title": "B", "parent": "LOOP-1",
                     "relations": [{"kind": "blocks", "target": "LOOP-1"},
                                   {"kind": "relates_to", "target": "NOPE-9"},
                                   {"kind": "follows", "target": "LOOP-1"}]}]}]}
    result = a.call("io.import_data", body=data, query={"org_id": org})
    assert result["summary"]["relations_created"] == 1
    warned = "\n".join(result["warnings"])
    assert "LOOP-2 > LOOP-1 > LOOP-2" in warned or "LOOP-1 > LOOP-2 > LOOP-1" in warned
    assert "blocking cycle: LOOP-2 blocks LOOP-1 blocks LOOP-2" in warned
    assert "ticket NOPE-9 not found" in warned and "kind 'follows' unknown" in warned
