"""Status rules for tickets: one entry point that ticket create/update/transition all use.

`apply` checks a requested status against the governing workflow (the project's, else the
org's Default; see `workflows.governing`) and its enforcement mode, and returns the
status to store plus an optional warning:

- names match the workflow's spelling ignoring case, spaces, `_` and `-`;
- `none`: any non-empty status is accepted;
- `warn`: a move the workflow does not allow is accepted, with a warning;
- `strict`: such a move is rejected (422). A ticket in a status the workflow does not know
  may move to any status it does know, so reassigned projects never strand tickets.
"""

from __future__ import annotations

from alloy.errors import Invalid


def _not_allowed(flow, current: str, target: str) -> str:
    here = flow.find(current) or current
    return f"transition from '{here}' to '{target}' is not allowed by workflow '{flow.name}'"


def apply(ctx, project: dict, current: str | None, requested: str) -> tuple[str, str | None]:
    """(status to store, warning or None) for moving a ticket of `project` to `requested`.

    `current` is None when the ticket is being created.
    """
    from alloy.domain.flow import Enforcement, squash
    from alloy.services import workflows  # imported here: `ticket list` needs neither

    if not isinstance(requested, str) or not requested.strip():
        raise Invalid("status must not be empty",
                      [{"field": "status", "message": "must not be empty"}])
    flow = workflows.governing(ctx, project, current, requested)
    target = flow.find(requested) or requested.strip()
    if current is None:
        if flow.find(requested) or flow.enforcement is Enforcement.none:
            return target, None
        problem = f"status '{target}' is not defined by workflow '{flow.name}'"
        if flow.enforcement is Enforcement.warn:
            return target, problem + ", but enforcement is set to warn"
        raise Invalid(problem, [{"field": "status", "message": problem}])
    if squash(target) == squash(current) or flow.enforcement is Enforcement.none:
        return (current if squash(target) == squash(current) else target), None
    if flow.allows(current, target):
        return target, None
    problem = _not_allowed(flow, current, target)
    if flow.enforcement is Enforcement.warn:
        return target, problem + ", but enforcement is set to warn"
    raise Invalid(problem)


def initial(ctx, project: dict) -> str:
    """The status a new ticket starts in when none is given: the workflow's first backlog
    status (Backlog in the Default), else its first status."""
    from alloy.services import workflows

    return workflows.governing(ctx, project).initial()
