"""gh-style output selection: `--json FIELDS` keeps some fields, `--jq EXPR` filters.

Both work on the JSON the command prints with `--format json` (a list keeps its
`{"data", "next_cursor", "has_more"}` shape; `--json` picks fields of each row), and print
JSON whatever the terminal. `--json` with no value lists the fields one per line. `--jq` runs
the jq library (the `jq` extra) in-process, and prints like `jq -r -c`: strings raw, other
values as one line of JSON each.
"""

import json
import sys

from alloy.cli.output import UsageError
from alloy.cli.session import STATE


def active() -> bool:
    return STATE.get("json") is not None or bool(STATE.get("jq"))


def _rows(data) -> list | None:
    return data["data"] if isinstance(data, dict) and isinstance(data.get("data"), list) else None


def fields(data) -> list[str]:
    """The fields `--json` can pick: those of the object, or of a list's rows."""
    rows = _rows(data)
    sample = rows[0] if rows else (None if rows is not None else data)
    return list(sample) if isinstance(sample, dict) else []


def pick(data, wanted: list[str]):
    """`data` with only the `wanted` fields (of each row, for a list)."""
    known = fields(data)
    unknown = [f for f in wanted if f not in known]
    if unknown and known:
        raise UsageError(f"--json: unknown field {', '.join(map(repr, unknown))}; "
                         f"available: {', '.join(known)}")
    rows = _rows(data)
    if rows is None:
        return {f: data[f] for f in wanted if f in data} if isinstance(data, dict) else data
    return {**data, "data": [{f: row.get(f) for f in wanted} for row in rows]}


def jq(expr: str, data) -> list:
    """The results of jq program `expr` on `data`."""
    from alloy.extras import require

    require("jq")
    import jq as lib

    try:
        program = lib.compile(expr)
    except ValueError as bad:
        raise UsageError(f"--jq: {' '.join(str(bad).split())}") from None
    try:
        return program.input_value(data).all()
    except ValueError as bad:
        from alloy.errors import Invalid

        raise Invalid(f"--jq: {' '.join(str(bad).split())}") from None


def write(data) -> None:
    """Print `data` as `--json` and `--jq` ask."""
    chosen = STATE.get("json")
    if chosen == "":
        known = fields(data)
        if not known:
            print("--json: nothing to read fields from (an empty list?)", file=sys.stderr)
        sys.stdout.write("".join(f"{name}\n" for name in known))
        return
    if chosen:
        data = pick(data, [f.strip() for f in chosen.split(",") if f.strip()])
    if not STATE.get("jq"):
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    for value in jq(STATE["jq"], data):
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        sys.stdout.write(text + "\n")
