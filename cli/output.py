"""Rendering and exit codes: json for scripts (the default when piped), table for people,
plain for xargs. This module is the one place a failure becomes an exit code.

- json: pretty-printed, keys in the API's order; lists are {"data", "next_cursor", "has_more"}.
- table: rich, only imported when a table is drawn; laid out to fit the terminal as gh does
  (cli/tables.py: key first, ids whole or dropped, the title gets the width); NO_COLOR honoured.
- plain: one value per line (the row's id, or the field a command names), nothing else on
  stdout, so `alloy ... --format plain | xargs ...` works.
"""

import sys

from alloy.cli.session import STATE, is_tty, settings

from alloy.domain.display import printable
from alloy.domain.enums import OUTPUT_FORMATS as FORMATS

# Documented in docs/cli.md ("Exit codes"); tests/test_cli_exit_codes.py pins every row.
OK, ERROR, USAGE = 0, 1, 2
EXIT = {"UNAUTHORIZED": 3, "FORBIDDEN": 4, "NOT_FOUND": 5, "CONFLICT": 6,
        "VALIDATION_ERROR": 7, "BAD_REQUEST": 7, "UNAVAILABLE": 8, "RATE_LIMITED": 9}
INTERRUPTED = 130


class UsageError(Exception):
    """A command line that cannot run as given (missing flag, bad --format): exit 2."""

    code = "USAGE"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def fmt() -> str:
    chosen = STATE["format"] or settings().cli.format
    if chosen:
        chosen = chosen.strip().lower()
        if chosen not in FORMATS:
            raise UsageError(f"--format must be one of {', '.join(FORMATS)} (got {chosen!r})")
        return chosen
    return "table" if is_tty() else "json"


def as_list(page) -> dict:
    """An API page becomes the CLI's list shape: {"data", "next_cursor", "has_more"}."""
    if isinstance(page, dict) and "items" in page:
        return {"data": page["items"], "next_cursor": page.get("next_cursor"),
                "has_more": page.get("has_more", False)}
    return {"data": page, "next_cursor": None, "has_more": False}


def emit(data, *, columns: list[str] | None = None, plain: str | None = None,
         title: str | None = None, main: str | None = None) -> None:
    """Print a result in the chosen format. `plain` names the field printed per row; for a
    table, `columns` are shown in order (the first is the row's key), `main` is the column
    that gets the width (see cli/tables.py)."""
    if STATE.get("json") is not None or STATE.get("jq"):  # --json / --jq: cli/select.py
        from alloy.cli import select

        return select.write(data)
    mode = fmt()
    rows = data["data"] if isinstance(data, dict) and "data" in data else None
    if mode == "json":
        sys.stdout.write(to_json(data) + "\n")
        return
    if mode == "plain":
        out = [plain_value(item, plain) for item in (rows if rows is not None else [data])]
        sys.stdout.write("".join(f"{line}\n" for line in out if line != ""))
        return
    _table(rows if rows is not None else [data], columns, title, single=rows is None, main=main)
    if rows is not None and data.get("has_more"):
        print(f"more: --cursor {data['next_cursor']}", file=sys.stderr)


def to_json(data) -> str:
    """`json.dumps(data, indent=2, ensure_ascii=False)`, by msgspec where the text is the
    same (alloy.domain.values.to_json)."""
    from alloy.domain.values import to_json

    return to_json(data, indent=2, ascii=False)


def plain_value(item, key: str | None = None) -> str:
    """The one value a row contributes to plain output: `key`, else `id`, else the first."""
    if isinstance(item, dict):
        if key is None or key not in item:
            key = "id" if "id" in item else next(iter(item), None)
        item = item.get(key) if key is not None else ""
    if isinstance(item, (list, tuple)):
        return "\n".join(plain_value(v) for v in item)
    if isinstance(item, dict):
        import json

        return printable(json.dumps(item, ensure_ascii=False))
    if isinstance(item, bool):
        return "true" if item else "false"
    return "" if item is None else printable(str(item))


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value) or "-"
    if isinstance(value, dict):
        import json

        return printable(json.dumps(value, ensure_ascii=False))
    return printable(str(value))


def console(stderr: bool = False):
    """A rich Console that honours NO_COLOR and never squeezes output written to a pipe."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    wide = None if stream.isatty() else 10_000
    return Console(file=stream, no_color=settings().cli.no_color, width=wide,
                   soft_wrap=False, highlight=False)


def _table(rows: list, columns, title, single: bool, main: str | None = None) -> None:
    """Cells are rich `Text`, never markup: a stored `[red]` is shown, not obeyed."""
    from rich.table import Table
    from rich.text import Text

    out = console()
    if single and rows and isinstance(rows[0], dict):
        table = Table(show_header=False, title=title, box=None)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for k, v in rows[0].items():
            if columns is None or k in columns:
                table.add_row(k, Text(_cell(v)))
        out.print(table)
        return
    if not rows:
        out.print("(none)")
        return
    if not isinstance(rows[0], dict):
        rows = [{"value": r} for r in rows]
    from alloy.cli import tables

    laid = tables.layout(rows, columns or list(rows[0].keys()), main=main,
                         width=out.width if out.width < 10_000 else None, measure=_measure)
    if title:  # a line of its own: a narrow table would wrap it
        out.print(Text(title, style="bold"))
    table = Table(box=None, pad_edge=False, padding=(0, 1), show_edge=False,
                  header_style="bold", expand=False)
    for i, (name, width) in enumerate(laid.widths.items()):
        table.add_column(tables.header(name), width=width, no_wrap=True, overflow="ellipsis",
                         style="cyan" if i == 0 else None)
    for cells in laid.rows:
        table.add_row(*(Text(c) for c in cells))
    out.print(table)


def _measure(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def fail(err) -> int:
    """Print an error as one line on stderr and return its exit code."""
    message = printable(" ".join(str(getattr(err, "message", err)).split()))
    details = getattr(err, "details", None) or []
    said = [f"{d.get('field')}: {d.get('message')}" if isinstance(d, dict) else str(d)
            for d in details if not (isinstance(d, dict) and str(d.get("message")) in message)]
    extra = "; ".join(said)  # a detail the message already says is not repeated
    print(f"error: {message}" + (f" ({extra})" if extra else ""), file=sys.stderr)
    if isinstance(err, UsageError):
        return USAGE
    return EXIT.get(getattr(err, "code", ""), ERROR)
