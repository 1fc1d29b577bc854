"""Ticket relations and sub-issues on the wire, and the pure rules behind them.

A relation is stored once, in one direction (`blocks`, `relates_to`, `duplicates`); each
ticket reads it from its own side, so "A blocks B" is listed on B as `blocked_by` A and
`relates_to` reads the same from both ends. `blocks` may not close a cycle, nor may parents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import msgspec

from alloy.domain import enums
from alloy.domain.values import Canonical
from alloy.domain.work import Progress, Uuid


class RelationKind(Canonical):
    """A relation as read from one ticket (the stored kinds and their reverse readings)."""

    blocks = "blocks"
    blocked_by = "blocked_by"
    relates_to = "relates_to"
    duplicates = "duplicates"
    duplicated_by = "duplicated_by"

    @classmethod
    def _aliases(cls) -> dict:
        return {"block": "blocks", "blocking": "blocks", "isblockedby": "blocked_by",
                "blockedby": "blocked_by", "dependson": "blocked_by", "relates": "relates_to",
                "related": "relates_to", "relatedto": "relates_to", "duplicate": "duplicates",
                "duplicateof": "duplicates", "isduplicatedby": "duplicated_by"}


# read from the target's side, each stored kind reads as its reverse
_REVERSE = {"blocks": "blocked_by", "relates_to": "relates_to", "duplicates": "duplicated_by"}
STORED = tuple(_REVERSE)


def stored(kind: RelationKind, this: str, other: str) -> tuple[str, str, str]:
    """(stored kind, source id, target id) for `this` ticket's `kind` relation to `other`."""
    for forward, backward in _REVERSE.items():
        if kind.value == forward:
            return forward, this, other
        if kind.value == backward:
            return forward, other, this
    raise ValueError(kind)  # every kind is one of the two readings


def read(kind: str, this_is_source: bool) -> RelationKind:
    """How the stored `kind` reads from the source's side, or from the target's."""
    return RelationKind(kind if this_is_source else _REVERSE[kind])


def closed(category: str | None) -> bool:
    """Work that is over (done or cancelled): it no longer blocks, and counts as done."""
    return category in enums.CLOSED_CATEGORIES


def cycle(start: str, goal: str, step: Callable[[Iterable[str]], dict[str, list[str]]]
          ) -> list[str] | None:
    """The path start -> ... -> goal along edges `step` returns ({node: [next nodes]} for a
    frontier), breadth first (so the shortest), or None when goal is out of reach."""
    came: dict[str, str | None] = {start: None}
    frontier = [start]
    while frontier:
        found = step(frontier)
        frontier = []
        for node, nexts in found.items():
            for nxt in nexts:
                if nxt in came:
                    continue
                came[nxt] = node
                if nxt == goal:
                    path = [nxt]
                    while came[path[-1]] is not None:
                        path.append(came[path[-1]])
                    return path[::-1]
                frontier.append(nxt)
    return None


def closing_parent(key: str, status: str, category: str | None, enforcement,
                   open_children: list[str]) -> str | None:
    """Moving parent `key` to a done status while sub-issues are open: refused (422) under
    `strict` enforcement, a warning under `warn`, nothing under `none`."""
    from alloy.domain.flow import Enforcement
    from alloy.errors import Invalid

    if category != "done" or not open_children or enforcement is Enforcement.none:
        return None
    n = len(open_children)
    problem = (f"{key} has {n} open sub-issue{'s' if n > 1 else ''} "
               f"({', '.join(open_children[:5])}{', ...' if n > 5 else ''})")
    if enforcement is Enforcement.warn:
        return problem + ", but enforcement is set to warn"
    raise Invalid(f"cannot move {key} to '{status}': {problem}; close them first",
                  [{"field": "status", "message": problem}])


class RelationIn(msgspec.Struct, kw_only=True):
    """Relate the ticket in the path to `target_id`: `kind` reads from the path's ticket."""

    kind: RelationKind
    target_id: Uuid


class TicketRef(msgspec.Struct, kw_only=True):
    """Another ticket, briefly: enough to show and to open it."""

    id: str
    key: str
    title: str
    status: str
    project_id: str
    closed: bool


class Relation(msgspec.Struct, kw_only=True):
    """A relation as read from the ticket it was asked for: `kind` the other `ticket`.

    `source_id`/`target_id` give the stored direction (`blocks`: source blocks target)."""

    id: str
    kind: RelationKind
    ticket: TicketRef
    source_id: str
    target_id: str
    created_by: str | None
    created_at: str


class RelationEvent(msgspec.Struct, kw_only=True):
    """A relation in its stored direction (webhook `relation.created`/`relation.deleted`)."""

    id: str
    kind: str
    source: TicketRef
    target: TicketRef
    created_by: str | None
    created_at: str


class TicketNode(msgspec.Struct, kw_only=True):
    """A ticket in its sub-issue tree (`GET /tickets/{id}/tree`)."""

    id: str
    key: str
    title: str
    status: str
    closed: bool
    blocked: bool
    progress: Progress | None
    children: list[TicketNode]


class BlockedTickets(msgspec.Struct, kw_only=True):
    """The project's tickets blocked by a ticket that is not closed."""

    ticket_ids: list[str]
