"""The cycle rules of relations and sub-issues under real concurrency (run with
ALLOY_TEST_DB=postgres: SQLite runs one writer at a time and passes by construction).

Each check reads the org's graph and then writes an edge, so two raced edges that each
close no cycle alone, but one together, must not both be written: the second waits for the
first (`guards.serialize`) and then sees it.
"""

from __future__ import annotations

from tests.test_races import (  # owner, srv: the multi-worker server and its user
    ROUNDS,
    _project,
    _ticket,
    call,
    codes,
    owner,  # noqa: F401
    race,
    srv,  # noqa: F401
)


def test_two_blocks_closing_a_cycle_cannot_both_win(srv, owner):  # noqa: F811
    project = _project(srv, owner)
    for _ in range(ROUNDS):
        a, b = (_ticket(srv, owner, project["id"]) for _ in range(2))
        answers = race(srv, (owner, "POST", f"/api/v1/tickets/{a['id']}/relations",
                             {"json": {"kind": "blocks", "target_id": b["id"]}}),
                       (owner, "POST", f"/api/v1/tickets/{b['id']}/relations",
                        {"json": {"kind": "blocks", "target_id": a["id"]}}))
        assert codes(answers) == [201, 409], [r.text for r in answers]
        assert "cycle" in next(r.json()["error"]["message"] for r in answers
                               if r.status_code == 409)
        listed = call(srv, owner, "GET", f"/api/v1/tickets/{a['id']}/relations").json()
        assert len(listed["items"]) == 1, listed


def test_three_blocks_closing_a_longer_cycle(srv, owner):  # noqa: F811
    """a->b exists; b->c and c->a raced: only one of them may be written."""
    project = _project(srv, owner)
    for _ in range(ROUNDS):
        a, b, c = (_ticket(srv, owner, project["id"]) for _ in range(3))
        call(srv, owner, "POST", f"/api/v1/tickets/{a['id']}/relations", 201,
             json={"kind": "blocks", "target_id": b["id"]})
        answers = race(srv, (owner, "POST", f"/api/v1/tickets/{b['id']}/relations",
                             {"json": {"kind": "blocks", "target_id": c["id"]}}),
                       (owner, "POST", f"/api/v1/tickets/{c['id']}/relations",
                        {"json": {"kind": "blocks", "target_id": a["id"]}}))
        assert codes(answers) == [201, 409], [r.text for r in answers]


def test_two_parents_closing_a_cycle_cannot_both_win(srv, owner):  # noqa: F811
    project = _project(srv, owner)
    for _ in range(ROUNDS):
        a, b = (_ticket(srv, owner, project["id"]) for _ in range(2))
        answers = race(srv, (owner, "PATCH", f"/api/v1/tickets/{a['id']}",
                             {"json": {"parent_id": b["id"]}}),
                       (owner, "PATCH", f"/api/v1/tickets/{b['id']}",
                        {"json": {"parent_id": a["id"]}}))
        assert codes(answers) == [200, 409], [r.text for r in answers]
        parents = [call(srv, owner, "GET", f"/api/v1/tickets/{t['id']}").json()["parent_id"]
                   for t in (a, b)]
        assert parents.count(None) == 1, parents


def test_a_link_racing_a_parent_change_neither_deadlocks(srv, owner):  # noqa: F811
    """Linking takes the org's lock and then the tickets' key locks (foreign keys); a parent
    change takes the org's lock before its ticket's row: the same order, so no deadlock."""
    project = _project(srv, owner)
    for _ in range(ROUNDS):
        a, b, c = (_ticket(srv, owner, project["id"]) for _ in range(3))
        answers = race(srv, (owner, "POST", f"/api/v1/tickets/{a['id']}/relations",
                             {"json": {"kind": "relates_to", "target_id": b["id"]}}),
                       (owner, "PATCH", f"/api/v1/tickets/{a['id']}",
                        {"json": {"parent_id": c["id"]}}))
        assert codes(answers) == [200, 201], [r.text for r in answers]
