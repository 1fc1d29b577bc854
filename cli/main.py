"""Entry point: global flags, command groups, and the one place errors become exit codes."""

from __future__ import annotations

import sys

import typer

from cli import auth, invites, orgs, system
from cli import reports as reports_cli
from cli import time as time_cli
from cli.session import STATE

app = typer.Typer(name="alloy", no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False,
                  help="Alloy: terminal-first project management. Pipes into jq.")


@app.callback()
def main(
    format: str = typer.Option(None, "--format", help="Output: json, table or plain "
                               "(default: table on a terminal, json when piped). Env ALLOY_FORMAT."),
    api_url: str = typer.Option(None, "--api-url", help="Talk to an Alloy server instead of the "
                                "local database. Env ALLOY_API_URL."),
) -> None:
    """Alloy: terminal-first project management. Global flags go anywhere on the line."""


system.register(app)
app.add_typer(auth.app, name="auth")
app.add_typer(orgs.app, name="org")
app.add_typer(invites.app, name="invite")
app.add_typer(time_cli.app, name="time")
app.add_typer(reports_cli.app, name="report")

_GLOBAL = {"--format": "format", "--api-url": "api_url"}
FORMATS = ("json", "table", "plain")


def _lift_globals(argv: list[str]) -> list[str]:
    """Accept --format/--api-url anywhere (`alloy health --format json`), as the spec writes."""
    out, i = [], 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if name in _GLOBAL and (eq or i + 1 < len(argv)):
            if not eq:
                value, i = argv[i + 1], i + 1
            STATE[_GLOBAL[name]] = value
        else:
            out.append(arg)
        i += 1
    return out


def run() -> None:
    from alloy.errors import AlloyError
    from cli.output import fail

    args = _lift_globals(sys.argv[1:])
    if STATE["format"] and STATE["format"] not in FORMATS:
        print(f"error: --format must be one of {', '.join(FORMATS)}", file=sys.stderr)
        sys.exit(2)
    try:
        app(args, prog_name="alloy", standalone_mode=True)
    except AlloyError as err:
        sys.exit(fail(err))
    except KeyboardInterrupt:
        sys.exit(130)
