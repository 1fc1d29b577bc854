"""What the TUI shows: tickets, filters, sort and search. No Textual, no I/O.

The rows are the client's Structs (`Ticket`, `Project`...), read by attribute, so a wrong
field name fails in a test. Kept apart from the widgets so 10,000 tickets filter and sort as
Python lists (fast), and so the rules (which rows are visible, which match a search) are
testable without a screen.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from alloy.domain import enums
from alloy.domain.flow import STATUS_ALIASES, Workflow, squash

if TYPE_CHECKING:
    from alloy.domain.work import Project, Ticket

STATUSES = enums.STATUSES  # the Default workflow's, when a ticket's workflow is unknown
PRIORITIES = tuple(reversed(enums.PRIORITIES))  # pickers offer the most urgent first
SORT_FIELDS = ("priority", "status", "title", "assignee")
_PRIORITY_RANK = {p: i for i, p in enumerate(reversed(PRIORITIES))}  # None=0 ... Urgent=4
_STATUS_RANK = {s: i for i, s in enumerate(STATUSES)}


@dataclasses.dataclass
class Model:
    org_id: str | None = None
    user_id: str | None = None
    projects: list[Project] = dataclasses.field(default_factory=list)
    members: dict[str, str] = dataclasses.field(default_factory=dict)  # user_id -> name
    workflows: list[Workflow] = dataclasses.field(default_factory=list)  # as the client answers
    tickets: list[Ticket] = dataclasses.field(default_factory=list)
    project_id: str | None = None  # None = all projects
    status: str | None = None
    sort: tuple[str, bool] | None = None  # (field, descending)
    search: str = ""
    found: list[Ticket] | None = None  # the server's answer to `search`, when it was asked
    visible: list[Ticket] = dataclasses.field(default_factory=list)
    _categories: tuple = dataclasses.field(default=(None, {}), init=False, repr=False)

    # -- lookups ---------------------------------------------------------------------------
    def project(self, project_id: str | None) -> Project | None:
        return next((p for p in self.projects if p.id == project_id), None)

    def project_by_key(self, key: str) -> Project | None:
        return next((p for p in self.projects if p.key.upper() == key.upper()), None)

    @property
    def project_label(self) -> str:
        p = self.project(self.project_id)
        return p.key if p else "All"

    def statuses_for(self, ticket: Ticket) -> tuple[str, ...]:
        """The statuses the `s` popup offers: those of the workflow governing the ticket's
        project (its own, else the org's Default), in workflow order; the built-in six when
        the workflows are unknown."""
        project = self.project(ticket.project_id)
        flows = {w.id: w for w in self.workflows}
        flow = flows.get(project.workflow_id if project else None) or next(
            (w for w in self.workflows if w.is_default), None)
        return tuple(s.name for s in flow.statuses) if flow else STATUSES

    def status_names(self) -> list[str]:
        """Every status known: the workflows' (the built-in six when none are loaded), then
        any other a ticket carries; one spelling each."""
        names = [s.name for w in self.workflows for s in w.statuses] or list(STATUSES)
        seen: dict[str, str] = {}
        for name in [*names, *(t.status for t in self.tickets)]:
            seen.setdefault(squash(name), name)
        return list(seen.values())

    def find_status(self, text: str) -> str | None:
        """A known status as people type it: any case, spaces, `_` or `-` ("in_progress"),
        or a common alias ("doing"); None when there is no such status."""
        known = {squash(n): n for n in self.status_names()}
        key = squash(text)
        return known.get(key) or known.get(squash(STATUS_ALIASES.get(key, "")))

    def category_of(self, status: str) -> str | None:
        """A status's category (`in_progress`, `done`...): the workflows' word, else the
        Default workflow's; None for a status no workflow knows. Drives colours and
        "open" (not done or cancelled)."""
        flows, known = self._categories  # worked out once per list of workflows
        if flows is not self.workflows:
            pairs = [*enums.DEFAULT_STATUSES, *((st.name, st.category)
                                                for w in self.workflows for st in w.statuses)]
            known = {squash(name): category for name, category in pairs}  # workflows win
            self._categories = (self.workflows, known)
        return known.get(squash(status))

    def is_open(self, ticket: Ticket) -> bool:
        return self.category_of(ticket.status) not in enums.CLOSED_CATEGORIES

    def who(self, user_id: str | None) -> str:
        if not user_id:
            return ""
        return self.members.get(user_id) or user_id[:8]

    def cycle_project(self) -> None:
        """All -> each project -> All (the Tab key on the ticket list)."""
        ids = [None] + [p.id for p in self.projects]
        self.project_id = ids[(ids.index(self.project_id) + 1) % len(ids)] \
            if self.project_id in ids else None

    # -- tickets ---------------------------------------------------------------------------
    def add(self, tickets: list[Ticket]) -> None:
        self.tickets.extend(tickets)

    def replace(self, ticket: Ticket) -> None:
        for i, t in enumerate(self.tickets):
            if t.id == ticket.id:
                self.tickets[i] = ticket
                return
        self.tickets.append(ticket)

    def remove(self, ticket_id: str) -> None:
        self.tickets = [t for t in self.tickets if t.id != ticket_id]

    def matches(self, ticket: Ticket) -> bool:
        """Search: key, title or status contain the query, case-insensitively."""
        q = self.search.lower()
        return not q or q in ticket.key.lower() or q in ticket.title.lower() \
            or q in ticket.status.lower()

    def needs_server(self, text: str) -> bool:
        """Whether a `/` query goes beyond the loaded rows: it has qualifiers, a phrase, a
        prefix or a negation, or no loaded row matches its words. Raises `Invalid` for a
        query that cannot be read."""
        from alloy.domain.query import has_filters

        if has_filters(text):
            return True
        q = text.lower()
        return not any(q in t.key.lower() or q in t.title.lower()
                       or q in t.status.lower() for t in self.tickets)

    def refilter(self) -> list[Ticket]:
        rows = self.tickets if self.found is None else self.found
        if self.project_id:
            rows = [t for t in rows if t.project_id == self.project_id]
        if self.status:
            wanted = squash(self.status)
            rows = [t for t in rows if squash(t.status) == wanted]
        if self.search and self.found is None:  # the server matched its answer already
            rows = [t for t in rows if self.matches(t)]
        if self.sort:
            field, desc = self.sort
            rows = sorted(rows, key=self._sort_key(field), reverse=desc)
        self.visible = rows
        return rows

    def _sort_key(self, field: str):
        if field == "priority":
            return lambda t: _PRIORITY_RANK.get(t.priority.value, 0)
        if field == "status":
            return lambda t: (_STATUS_RANK.get(t.status, len(STATUSES)), t.status)
        if field == "assignee":
            return lambda t: self.who(t.assignee_id).lower()
        return lambda t: t.title.lower()


def parse_sort(arg: str) -> tuple[str, bool]:
    """`priority:desc` -> ("priority", True); direction defaults to asc."""
    field, _, direction = arg.partition(":")
    field, direction = field.strip().lower(), (direction.strip().lower() or "asc")
    if field not in SORT_FIELDS:
        raise ValueError(f"sort field must be one of {', '.join(SORT_FIELDS)}")
    if direction not in ("asc", "desc"):
        raise ValueError("sort direction must be asc or desc")
    return field, direction == "desc"
