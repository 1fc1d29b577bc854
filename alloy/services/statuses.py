"""Status rules for tickets: one entry point that ticket create/update/transition all use.

`apply` checks a requested status against the project's workflow and its enforcement mode
(none | warn | strict) and returns the canonical status plus an optional warning. Until
workflows exist every project behaves like enforcement `none` over the Default statuses.
"""

from __future__ import annotations

import re

from alloy.errors import Invalid

DEFAULT_STATUSES = ("Backlog", "Todo", "InProgress", "InReview", "Done", "Cancelled")
_ALIASES = {"todo": "Todo", "to do": "Todo", "inprogress": "InProgress", "in progress": "InProgress",
            "doing": "InProgress", "inreview": "InReview", "in review": "InReview",
            "review": "InReview", "done": "Done", "closed": "Done", "cancelled": "Cancelled",
            "canceled": "Cancelled", "backlog": "Backlog"}


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip()).lower()


def canonical(text: str) -> str:
    squashed = _squash(text)
    return _ALIASES.get(squashed) or _ALIASES.get(squashed.replace(" ", "")) or text.strip()


def apply(ctx, project: dict, current: str | None, requested: str) -> tuple[str, str | None]:
    """(status to store, warning or None) for moving a ticket of `project` to `requested`."""
    if not isinstance(requested, str) or not requested.strip():
        raise Invalid("status must not be empty", [{"field": "status", "message": "empty"}])
    return canonical(requested), None


def initial(ctx, project: dict) -> str:
    """The status a new ticket starts in when none is given."""
    return "Backlog"
