"""Command mode: parse `:` lines into (name, args) and complete them. No I/O here."""

from __future__ import annotations

import shlex

from alloy.tui.model import SORT_FIELDS, STATUSES

COMMANDS = ("q", "quit", "filter", "sort", "sprint", "project", "reload")
SPRINT_SUB = ("list", "create", "start", "complete")


class CommandError(ValueError):
    pass


def parse(line: str) -> tuple[str, list[str]]:
    line = line.strip().lstrip(":").strip()
    if not line:
        raise CommandError("empty command")
    try:
        words = shlex.split(line)
    except ValueError as e:
        raise CommandError(str(e)) from None
    name, args = words[0].lower(), words[1:]
    if name not in COMMANDS:
        raise CommandError(f"unknown command: {name} (try {', '.join(COMMANDS)})")
    return name, args


def parse_filter(args: list[str]) -> str | None:
    """`status=Todo` -> "Todo"; no argument clears the filter. (`:filter QUERY`, without
    `=`, is a search: see CommandMode.run_command.)"""
    if not args:
        return None
    field, eq, value = " ".join(args).partition("=")
    if field.strip().lower() != "status" or not eq or not value.strip():
        raise CommandError("usage: :filter status=X, or :filter QUERY (is:open label:bug ...)")
    return value.strip()


def complete(text: str, project_keys: list[str] = ()) -> list[str]:
    """Candidates for the whole buffer: command names, sprint verbs, statuses, fields, keys."""
    words = text.split(" ")
    if len(words) == 1:
        return [c for c in COMMANDS if c.startswith(words[0].lower())]
    head, last = words[0].lower(), words[-1]
    prefix = " ".join(words[:-1]) + " "
    if head == "sprint" and len(words) == 2:
        pool = SPRINT_SUB
    elif head == "filter" and len(words) == 2:
        pool = tuple(f"status={s}" for s in STATUSES)
    elif head == "sort" and len(words) == 2:
        pool = tuple(f"{f}:{d}" for f in SORT_FIELDS for d in ("asc", "desc"))
    elif head == "project" and len(words) == 2:
        pool = tuple(project_keys)
    else:
        pool = ()
    return [prefix + p for p in pool if p.lower().startswith(last.lower())]
