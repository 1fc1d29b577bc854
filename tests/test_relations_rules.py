"""The pure rules of relations and sub-issues (alloy.domain.relations), without a database."""

from __future__ import annotations

import pytest

from alloy.domain.flow import Enforcement
from alloy.domain.relations import RelationKind, closing_parent, cycle, read, stored
from alloy.errors import Invalid


@pytest.mark.parametrize(("given", "kind", "source", "target", "reads_back"), [
    ("blocks", "blocks", "A", "B", "blocked_by"),
    ("blocked by", "blocks", "B", "A", "blocks"),
    ("Blocked-By", "blocks", "B", "A", "blocks"),
    ("depends on", "blocks", "B", "A", "blocks"),
    ("relates_to", "relates_to", "A", "B", "relates_to"),
    ("related", "relates_to", "A", "B", "relates_to"),
    ("duplicates", "duplicates", "A", "B", "duplicated_by"),
    ("duplicated_by", "duplicates", "B", "A", "duplicates"),
])
def test_a_kind_is_stored_one_way_and_read_from_both_sides(given, kind, source, target,
                                                            reads_back):
    asked = RelationKind.parse(given)
    assert stored(asked, "A", "B") == (kind, source, target)
    assert read(kind, source == "A") is asked  # as the ticket that asked reads it
    assert read(kind, source != "A").value == reads_back  # and as the other one does


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="expected one of blocks, blocked_by"):
        RelationKind.parse("follows")


GRAPH = {"A": ["B"], "B": ["C", "D"], "C": ["A"], "D": []}


def _step(frontier):
    return {n: GRAPH.get(n, []) for n in frontier}


@pytest.mark.parametrize(("start", "goal", "path"), [
    ("B", "A", ["B", "C", "A"]),  # shortest way round
    ("A", "D", ["A", "B", "D"]),
    ("D", "A", None),  # no way back from D
    ("E", "A", None),  # not in the graph
])
def test_cycle_finds_the_shortest_path_or_none(start, goal, path):
    assert cycle(start, goal, _step) == path


@pytest.mark.parametrize(("category", "enforcement", "open_", "answer"), [
    ("done", Enforcement.none, ["X-2"], None),
    ("done", Enforcement.warn, [], None),
    ("in_progress", Enforcement.strict, ["X-2"], None),
    ("cancelled", Enforcement.strict, ["X-2"], None),  # cancelling a parent is not closing it
    ("done", Enforcement.warn, ["X-2"],
     "X-1 has 1 open sub-issue (X-2), but enforcement is set to warn"),
    ("done", Enforcement.warn, [f"X-{n}" for n in range(2, 9)],
     "X-1 has 7 open sub-issues (X-2, X-3, X-4, X-5, X-6, ...), but enforcement is set to "
     "warn"),
])
def test_closing_a_parent(category, enforcement, open_, answer):
    assert closing_parent("X-1", "Done", category, enforcement, open_) == answer


def test_closing_a_parent_under_strict_is_refused_naming_the_open_ones():
    with pytest.raises(Invalid) as refused:
        closing_parent("X-1", "Done", "done", Enforcement.strict, ["X-2", "X-3"])
    assert refused.value.message == ("cannot move X-1 to 'Done': X-1 has 2 open sub-issues "
                                     "(X-2, X-3); close them first")
    assert refused.value.details == [{"field": "status", "message":
                                      "X-1 has 2 open sub-issues (X-2, X-3)"}]
