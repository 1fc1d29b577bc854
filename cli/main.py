"""Entry point: global flags, command groups, and the one place errors become exit codes."""

from __future__ import annotations

import sys

import typer

from cli import auth, comments, invites, labels, orgs, projects, system, tags, teams, tickets
from cli import io as io_cli
from cli import reports as reports_cli
from cli import sprints as sprints_cli
from cli import time as time_cli
from cli import transitions as transitions_cli
from cli import workflows as workflows_cli
from cli.session import STATE
from cli.tui_cmd import register as register_tui
from cli.usage import click_tree, register_meta

app = typer.Typer(name="alloy", no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="Alloy: terminal-first project management. Pipes into jq.")


@app.callback()
def main(
    format: str = typer.Option(None, "--format", metavar="json|table|plain", help="Output: json, table or plain "
                               "(default: table on a terminal, json when piped). Env ALLOY_FORMAT."),
    api_url: str = typer.Option(None, "--api-url", metavar="URL", help="Talk to an Alloy server instead of the "
                                "local database. Env ALLOY_API_URL."),
) -> None:
    """Alloy: terminal-first project management. Global flags go anywhere on the line."""


register_meta(app)  # `alloy completions`, `alloy usage` (listed last)
system.register(app)
register_tui(app)
app.add_typer(auth.app, name="auth")
app.add_typer(orgs.app, name="org")
app.add_typer(invites.app, name="invite")
app.add_typer(projects.app, name="project")
app.add_typer(tickets.app, name="ticket")
app.add_typer(teams.app, name="team")
app.add_typer(time_cli.app, name="time")
app.add_typer(reports_cli.app, name="report")
app.add_typer(comments.app, name="comment")
app.add_typer(labels.app, name="label")
app.add_typer(tags.app, name="tag")
app.add_typer(workflows_cli.app, name="workflow")
app.add_typer(sprints_cli.app, name="sprint")
sprints_cli.register(app)
transitions_cli.register(tickets.app)
tickets.app.add_typer(labels.ticket_app, name="label")
io_cli.register(app)

_GLOBAL = {"--format": "format", "--api-url": "api_url"}


def _lift_globals(argv: list[str]) -> list[str]:
    """Accept --format/--api-url anywhere (`alloy health --format json`), as the spec writes."""
    out, i = [], 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            out.extend(argv[i:])
            break
        name, eq, value = arg.partition("=")
        if name in _GLOBAL and (eq or i + 1 < len(argv)):
            if not eq:
                value, i = argv[i + 1], i + 1
            STATE[_GLOBAL[name]] = value
        else:
            out.append(arg)
        i += 1
    return out


def command(argv: list[str] | None = None):
    """The click command tree (what completions, usage and the tests walk).

    Given the argv of a run, only the group it names is built: building all ~100 commands
    would cost a third of a Typer app's start-up; unknown words get the whole tree (and its
    "No such command" error)."""
    return click_tree(app if argv is None else _only(app, argv))


def _only(full: typer.Typer, argv: list[str]) -> typer.Typer:
    import copy

    from typer.main import get_command_name

    word = next((a for a in argv if not a.startswith("-")), None)
    small = copy.copy(full)
    if word is None:  # `alloy --help`: the groups need only their names and help text
        small.registered_groups = [_shallow(g) for g in full.registered_groups]
        return small
    groups = [g for g in full.registered_groups if g.name == word]
    commands = [c for c in full.registered_commands
                if (c.name or get_command_name(c.callback.__name__)) == word]
    if not (groups or commands):
        return full
    small.registered_groups, small.registered_commands = groups, commands
    return small


def _shallow(info):
    import copy

    info, inner = copy.copy(info), copy.copy(info.typer_instance)
    inner.registered_commands, inner.registered_groups = [], []
    info.typer_instance = inner
    return info


def run() -> None:
    """Parse, then run; every failure leaves as one stderr line and a documented exit code."""
    import os

    from cli import output

    if os.environ.get("_ALLOY_COMPLETE"):
        from typer._completion_classes import completion_init

        completion_init()
    args = _lift_globals(sys.argv[1:])
    try:
        sys.exit(_invoke(args))
    except BrokenPipeError:  # `alloy ... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(output.ERROR)
    except KeyboardInterrupt:
        sys.exit(output.INTERRUPTED)


def _invoke(args: list[str]) -> int:
    import os

    from alloy.errors import AlloyError
    from cli import output

    try:
        if STATE["format"] or os.environ.get("ALLOY_FORMAT"):
            output.fmt()  # a bad --format is a usage error before anything runs
        tree = command(None if os.environ.get("_ALLOY_COMPLETE") else args)
        rv = tree.main(args, prog_name="alloy", standalone_mode=False)
        return rv if isinstance(rv, int) else output.OK
    except (AlloyError, output.UsageError) as err:
        return output.fail(err)
    except Exception as err:  # click's exceptions: typer's vendored copy, or click itself
        return _click_failure(err)


def _click_failure(err: Exception) -> int:
    """Map a click/typer exception to one stderr line and an exit code; re-raise others."""
    from typer import Abort
    from typer._click import exceptions as vendored

    from cli import output

    kinds = [vendored]
    real = sys.modules.get("click")  # a group module may use click directly
    if real is not None:
        kinds.append(real.exceptions)
        Abort = (Abort, real.exceptions.Abort)  # noqa: N806
    if isinstance(err, tuple(k.NoArgsIsHelpError for k in kinds
                             if hasattr(k, "NoArgsIsHelpError"))):
        print(err.format_message(), file=sys.stderr)
        return output.USAGE
    if isinstance(err, tuple(k.UsageError for k in kinds)):
        ctx = getattr(err, "ctx", None)
        where = ctx.command_path if ctx else "alloy"
        print(f"error: {' '.join(err.format_message().split())} "
              f"(see `{where} --help`)", file=sys.stderr)
        return output.USAGE
    if isinstance(err, tuple(k.ClickException for k in kinds)):
        print(f"error: {err.format_message()}", file=sys.stderr)
        return err.exit_code
    if isinstance(err, Abort):  # a declined confirmation, or end of input at a prompt
        print("error: aborted", file=sys.stderr)
        return output.ERROR
    import os

    if os.environ.get("ALLOY_DEBUG") or isinstance(err, BrokenPipeError):
        raise err
    print(f"error: unexpected {type(err).__name__}: {' '.join(str(err).split())} "
          "(ALLOY_DEBUG=1 shows the traceback)", file=sys.stderr)
    return output.ERROR
