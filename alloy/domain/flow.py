"""Workflows, transitions and sprints on the wire, plus the pure rules behind them.

`Flow` is a workflow as the rules see it (statuses in order, allowed pairs, enforcement);
`burndown_rows` turns ticket histories into one row per sprint day. Both are pure so they
can be reasoned about (and tested) without a database.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Annotated

import msgspec

from alloy.domain import values
from alloy.domain.text import StatusName, required, stated
from alloy.domain.values import Canonical, SprintStatus, from_json
from alloy.domain.work import Ticket

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType
Name = required(255)
Ids = Annotated[list[str], msgspec.Meta(min_length=1, max_length=500)]


class Enforcement(Canonical):
    none = "none"
    warn = "warn"
    strict = "strict"


# ---- workflows -------------------------------------------------------------------------

class StatusIn(msgspec.Struct, kw_only=True):
    name: StatusName
    category: str


class TransitionIn(msgspec.Struct, kw_only=True):
    from_: str = msgspec.field(name="from")
    to: str


class WorkflowIn(msgspec.Struct, kw_only=True):
    name: Name
    statuses: stated(list[StatusIn], minItems=1)
    transitions: list[TransitionIn]
    enforcement: Enforcement = Enforcement.none


class WorkflowPatch(msgspec.Struct, kw_only=True):
    name: Name | Unset = UNSET
    statuses: list[StatusIn] | Unset = UNSET
    transitions: list[TransitionIn] | Unset = UNSET
    enforcement: Enforcement | Unset = UNSET


class StatusDef(msgspec.Struct, kw_only=True):
    name: str
    category: str


class TransitionDef(msgspec.Struct, kw_only=True):
    from_: str = msgspec.field(name="from")
    to: str


class Workflow(msgspec.Struct, kw_only=True):
    id: str
    org_id: str
    name: str
    statuses: list[StatusDef]
    transitions: list[TransitionDef]
    enforcement: str
    is_default: bool
    created_at: str
    updated_at: str


class WorkflowQuery(msgspec.Struct, kw_only=True):
    cursor: str | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20


# ---- transitions -----------------------------------------------------------------------

class TransitionBody(msgspec.Struct, kw_only=True):
    to_status: StatusName


class Transitioned(Ticket, kw_only=True):
    """The updated ticket; under `warn` it also carries `warning` and a nested `ticket`
    (both documented response shapes read the same answer)."""

    ticket: Ticket | Unset = UNSET


class Available(msgspec.Struct, kw_only=True):
    current_status: str
    workflow_id: str
    workflow_name: str
    enforcement: str
    available: list[StatusDef]


class TransitionCheckQuery(msgspec.Struct, kw_only=True):
    to: str


class TransitionCheck(msgspec.Struct, kw_only=True):
    """Whether a move would be accepted now, judged by the rule the move itself applies."""
    ticket_id: str
    from_status: str
    to_status: str
    allowed: bool
    reason: str | None = None
    warning: str | None = None
    workflow_name: str
    enforcement: str


class BatchTransitionIn(msgspec.Struct, kw_only=True):
    ticket_ids: Ids
    to_status: StatusName


class Moved(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: str
    status: str
    warning: str | None = None


class Failed(msgspec.Struct, kw_only=True):
    id: str
    reason: str


class BatchTransitionResult(msgspec.Struct, kw_only=True):
    succeeded: list[Moved]
    failed: list[Failed]


# ---- sprints ---------------------------------------------------------------------------

class SprintIn(msgspec.Struct, kw_only=True):
    name: Name
    goal: str | None = None
    start_date: str
    end_date: str


class SprintPatch(msgspec.Struct, kw_only=True):
    name: Name | Unset = UNSET
    goal: str | None | Unset = UNSET
    start_date: str | Unset = UNSET
    end_date: str | Unset = UNSET
    status: SprintStatus | Unset = UNSET


class Sprint(msgspec.Struct, kw_only=True):
    id: str
    project_id: str
    name: str
    goal: str | None
    start_date: str
    end_date: str
    status: SprintStatus
    created_at: str
    updated_at: str


class SprintQuery(msgspec.Struct, kw_only=True):
    status: SprintStatus | None = None
    cursor: str | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20


class SprintResolveQuery(msgspec.Struct, kw_only=True):
    ref: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    project_id: str | None = None  # a UUID or a key; without it, the org's projects
    org_id: str | None = None


class BatchAssignIn(msgspec.Struct, kw_only=True):
    ticket_ids: Ids


class Assigned(msgspec.Struct, kw_only=True):
    assigned: int


class Column(msgspec.Struct, kw_only=True):
    status: str
    category: str | None
    tickets: list[Ticket]


class Board(msgspec.Struct, kw_only=True):
    sprint: Sprint
    columns: list[Column]


class BurndownDay(msgspec.Struct, kw_only=True):
    """A sprint day's counts at its end (UTC); null for days that have not happened yet."""
    date: str
    total_tickets: int | None
    completed_tickets: int | None
    remaining_tickets: int | None


class Burndown(msgspec.Struct, kw_only=True):
    sprint_id: str
    data: list[BurndownDay]


class SprintDeletePreview(msgspec.Struct, kw_only=True):
    sprint_id: str
    dependents: dict[str, int]


# ---- rules -----------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def squash(text: str) -> str:
    """Status names match ignoring case, spaces, `_` and `-` ("in progress" = "InProgress")."""
    return values.squash(text)


# Spellings people use for the Default statuses; applied only when the workflow has them.
STATUS_ALIASES = {"todo": "Todo", "doing": "InProgress", "started": "InProgress",
                  "review": "InReview", "closed": "Done", "complete": "Done",
                  "completed": "Done", "canceled": "Cancelled", "wontdo": "Cancelled"}



_BUILT: dict[tuple, Flow] = {}  # a workflow row's content -> its Flow (see Flow.of)


class Flow:
    """A workflow as the status rules see it. Treat it as read-only: `Flow.of` shares it."""

    def __init__(self, row: dict) -> None:
        self.id, self.name = row["id"], row["name"]
        self.enforcement = Enforcement(row["enforcement"])
        statuses, transitions = (from_json(v) for v in (row["statuses"], row["transitions"]))
        self.statuses = [(s["name"], s["category"]) for s in statuses]
        self._by_key = {squash(n): n for n, _ in self.statuses}
        self.pairs = {(squash(t["from"]), squash(t["to"])) for t in transitions}

    @classmethod
    def of(cls, row: dict) -> Flow:
        """The Flow of a workflow row as stored (statuses and transitions as JSON text).

        Every ticket create and move needs one, and building it (JSON, name squashing for
        every transition) cost a third of a create. It is kept by the row's whole content,
        so an edited workflow is a new key and is seen at once, by every process.
        """
        key = (row["id"], row["name"], row["enforcement"], row["statuses"], row["transitions"])
        if not isinstance(key[3], str) or not isinstance(key[4], str):
            return cls(row)  # a row just built in memory (lists): nothing stable to key on
        flow = _BUILT.get(key)
        if flow is None:
            if len(_BUILT) >= 1024:
                _BUILT.clear()
            flow = _BUILT[key] = cls(row)
        return flow

    def find(self, text: str | None) -> str | None:
        """This workflow's spelling of a status name, or None when it does not define it."""
        if not text:
            return None
        key = squash(text)
        found = self._by_key.get(key)
        if found is None and key in STATUS_ALIASES:
            found = self._by_key.get(squash(STATUS_ALIASES[key]))
        return found

    def category(self, name: str) -> str | None:
        found = self.find(name)
        return next((c for n, c in self.statuses if n == found), None) if found else None

    def allows(self, current: str, target: str) -> bool:
        """Whether the transition rules (ignoring enforcement) permit current -> target."""
        here, there = self.find(current), self.find(target)
        if there is None:
            return False
        if here is None:
            return True  # re-entering the workflow from a status it does not know
        return here == there or (squash(here), squash(there)) in self.pairs

    def next_statuses(self, current: str) -> list[tuple[str, str]]:
        here = self.find(current)
        if self.enforcement is Enforcement.none:
            return [(n, c) for n, c in self.statuses if n != here]
        return [(n, c) for n, c in self.statuses if n != here and self.allows(current, n)]

    def initial(self) -> str:
        return next((n for n, c in self.statuses if c == "backlog"), self.statuses[0][0])


def day_range(start: str, end: str) -> list[date]:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def burndown_rows(start: str, end: str, sprint_id: str, histories: list[list[tuple]],
                  category, today: date) -> list[BurndownDay]:
    """One row per sprint day: the state of every ticket at the end of that day (UTC).

    `histories` holds, per ticket, `(timestamp, sprint_id, status)` states in time order
    (the first is its creation); `category(status)` gives a status's workflow category.
    A cancelled ticket has left the sprint's scope: it is neither remaining nor completed.
    Days after `today` have not happened, so their counts are None (not today's again).
    """
    rows = []
    for day in day_range(start, end):
        if day > today:
            rows.append(BurndownDay(date=day.isoformat(), total_tickets=None,
                                    completed_tickets=None, remaining_tickets=None))
            continue
        cutoff = (day + timedelta(days=1)).isoformat() + "T00:00:00.000Z"
        total = completed = 0
        for states in histories:
            state = None
            for ts, sprint, status in states:
                if ts >= cutoff:
                    break
                state = (sprint, status)
            if state is None or state[0] != sprint_id:
                continue
            kind = category(state[1])
            if kind == "cancelled":
                continue
            total += 1
            completed += kind == "done"
        rows.append(BurndownDay(date=day.isoformat(), total_tickets=total,
                                completed_tickets=completed,
                                remaining_tickets=total - completed))
    return rows
