"""How a list fits a terminal, the way gh lays out its tables (pure: no rich, no I/O).

- The first column is the row's key (`BACK-12`, a project key, a sprint name, an email):
  it is never shortened or dropped. A UUID key is shown as its shortest prefix of at least
  8 characters that is unique among the rows shown, as git shows commits; `--format json`
  and `plain` keep whole ids, and so does a table written to a pipe (no width to fit).
- The main column (`main`, else the first of title/body/name/description...) gets the
  width: secondary columns are dropped before it is shortened below `MAIN_MIN` characters
  (a 300-character title does not push every other column off); it takes whatever width
  is left, and is cut with an ellipsis only when it still does not fit.
- Secondary columns drop from the right (the declared order, read backwards). Ids and other
  short values are shown whole or not at all; long text (a description, a goal) may shrink
  to `TEXT_MIN` before it is dropped. A secondary id column also drops when keeping it
  would cut some text (words for people first), and a secondary column with no value in
  any row is not shown on a terminal.
- Timestamps show to the minute (`2026-12-05 15:38`, UTC); whitespace runs become one space.
"""

import re
from typing import NamedTuple

GAP = 2            # spaces between columns (rich: padding 1 on each side, no outer edge)
MAIN_MIN = 40      # the main column keeps this much before secondaries drop
TEXT_MIN = 12      # a secondary text column is dropped rather than shown narrower
PREFIX_MIN = 8     # a short id is never shorter than this

# Prose columns: may shrink with an ellipsis; the first listed one present is the main one.
TEXT = ("title", "body", "name", "display_name", "description", "goal", "note", "statuses",
        "email", "value", "actor")
HEADERS = {"duration_minutes": "min", "ticket_counter": "tickets", "activity_type": "activity",
           "display_name": "name", "start_date": "start", "end_date": "end",
           "created_at": "created", "updated_at": "updated", "expires_at": "expires",
           "last_used_at": "last used", "joined_at": "joined", "key_prefix": "prefix",
           "effective_date": "from", "loaded_rate_cents": "rate (cents)",
           "entity_type": "type", "entity_id": "entity", "project_key": "key",
           "project_name": "project", "development_phase": "phase", "total_hours": "hours",
           "total_amount_cents": "total (cents)", "capex_amount_cents": "capex (cents)",
           "opex_amount_cents": "opex (cents)", "budget_utilization_pct": "budget %"}
_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d(\.\d+)?)?(Z|[+-]00:?00)?$")


class Layout(NamedTuple):
    widths: dict[str, int]     # column -> width, in display order
    rows: list[list[str]]      # the cells of each row, for those columns


def header(column: str) -> str:
    return HEADERS.get(column, column.replace("_", " ")).upper()


def is_id(column: str) -> bool:
    return column == "id" or column.endswith("_id")


def short_ids(values: list[str]) -> dict[str, str]:
    """Each id -> its shortest prefix (at least PREFIX_MIN, never ending on a `-`) that no
    other value shares."""
    distinct = sorted(set(values))
    out = {}
    for v in distinct:
        n = PREFIX_MIN
        while n < len(v) and (v[n - 1] == "-" or any(
                o != v and o.startswith(v[:n]) for o in distinct)):
            n += 1
        out[v] = v[:n]
    return out


def text(value) -> str:
    """A list cell: timestamps to the minute, runs of whitespace as one space."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value) or "-"
    from alloy.cli.output import _cell

    cell = " ".join(_cell(value).split())
    stamp = _STAMP.match(cell)
    return f"{stamp.group(1)} {stamp.group(2)}" if stamp else cell


def main_column(columns: list[str], main: str | None) -> str | None:
    if main in columns:
        return main
    return next((c for c in columns[1:] if c in TEXT), None)


def layout(rows: list[dict], columns: list[str], *, main: str | None = None,
           width: int | None = None, measure=len) -> Layout:
    """Choose the columns and their widths for `rows` on a terminal `width` wide (None: no
    limit, every column whole)."""
    key = columns[0]
    cells = {c: [text(r.get(c)) for r in rows] for c in columns}
    if width is not None and is_id(key):
        short = short_ids([v for v in cells[key] if v != "-"])
        cells[key] = [short.get(v, v) for v in cells[key]]
    natural = {c: max([measure(header(c))] + [measure(v) for v in cells[c]]) for c in columns}
    if width is None:
        return Layout(natural, [[cells[c][i] for c in columns] for i in range(len(rows))])
    main = main_column(columns, main)
    shown = [c for c in columns  # an all-empty secondary column says nothing on a screen
             if c in (key, main) or any(v not in ("-", "") for v in cells[c])]
    while True:
        widths = _fit(shown, natural, key, main, width)
        spare_ids = [c for c in widths if is_id(c) and c != key]
        cut = any(widths[c] < natural[c] for c in widths if c in TEXT or c == main)
        if not (cut and spare_ids):  # words for people before ids for scripts
            break
        shown.remove(spare_ids[-1])
    return Layout(widths, [[cells[c][i] for c in widths] for i in range(len(rows))])


def _fit(columns: list[str], natural: dict[str, int], key: str, main: str | None,
         width: int) -> dict[str, int]:
    """Drop secondaries from the right until the rest fits, then share out what is left."""

    def least(c: str) -> int:
        if c == main:
            return min(natural[c], MAIN_MIN)
        return min(natural[c], TEXT_MIN) if c in TEXT and c != key else natural[c]

    shown = list(columns)
    droppable = [c for c in reversed(columns) if c not in (key, main)]
    while sum(least(c) for c in shown) + GAP * (len(shown) - 1) > width and droppable:
        shown.remove(droppable.pop(0))
    widths = {c: least(c) for c in shown}
    spare = width - sum(widths.values()) - GAP * (len(shown) - 1)
    for c in [main] + [c for c in shown if c in TEXT and c not in (key, main)]:
        if c in widths and spare > 0:
            grow = min(spare, natural[c] - widths[c])
            widths[c] += grow
            spare -= grow
    if spare < 0 and main in widths:  # even alone with the key, the main column is too wide
        widths[main] = max(1, widths[main] + spare)
    return widths
