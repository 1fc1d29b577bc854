"""Rendering: json for scripts (the default when piped), table for people, plain for xargs."""

from __future__ import annotations

import json
import os
import sys

from cli.session import STATE, is_tty

EXIT = {"UNAUTHORIZED": 3, "FORBIDDEN": 4, "NOT_FOUND": 5, "CONFLICT": 6,
        "VALIDATION_ERROR": 7, "BAD_REQUEST": 7, "UNAVAILABLE": 8, "RATE_LIMITED": 9}


def fmt() -> str:
    chosen = STATE["format"] or os.environ.get("ALLOY_FORMAT")
    if chosen:
        return chosen
    return "table" if is_tty() else "json"


def as_list(page) -> dict:
    """An API page becomes the CLI's list shape: {"data", "next_cursor", "has_more"}."""
    if isinstance(page, dict) and "items" in page:
        return {"data": page["items"], "next_cursor": page.get("next_cursor"),
                "has_more": page.get("has_more", False)}
    return {"data": page, "next_cursor": None, "has_more": False}


def emit(data, *, columns: list[str] | None = None, plain: str | None = None,
         title: str | None = None) -> None:
    """Print a result in the chosen format. `plain` names the field printed per row."""
    mode = fmt()
    rows = data["data"] if isinstance(data, dict) and "data" in data else None
    if mode == "json":
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    if mode == "plain":
        for item in rows if rows is not None else [data]:
            if isinstance(item, dict):
                key = plain if plain in item else next(iter(item), None)
                print(item.get(key, "") if key else "")
            else:
                print(item)
        return
    _table(rows if rows is not None else [data], columns, title, single=rows is None)
    if rows is not None and data.get("has_more"):
        print(f"more: --cursor {data['next_cursor']}", file=sys.stderr)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value) or "-"
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def _table(rows: list, columns, title, single: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(no_color=bool(os.environ.get("NO_COLOR")), soft_wrap=False)
    if single and rows and isinstance(rows[0], dict):
        table = Table(show_header=False, title=title, box=None)
        table.add_column(style="bold")
        table.add_column()
        for k, v in rows[0].items():
            if columns is None or k in columns:
                table.add_row(k, _cell(v))
        console.print(table)
        return
    if not rows:
        console.print("(none)")
        return
    cols = columns or list(rows[0].keys())
    table = Table(title=title)
    for c in cols:
        table.add_column(c)
    for r in rows:
        table.add_row(*(_cell(r.get(c)) for c in cols))
    console.print(table)


def fail(err) -> int:
    """Print an error as one line on stderr and return its exit code."""
    message = getattr(err, "message", str(err))
    details = getattr(err, "details", None) or []
    extra = "; ".join(f"{d.get('field')}: {d.get('message')}" if isinstance(d, dict) else str(d)
                      for d in details)
    print(f"error: {message}" + (f" ({extra})" if extra else ""), file=sys.stderr)
    return EXIT.get(getattr(err, "code", ""), 1)
