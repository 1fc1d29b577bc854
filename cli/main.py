"""Entry point: global flags, command groups, and the one place errors become exit codes."""

import functools
import importlib
import sys

import typer
from alloy.cli import complete
from alloy.cli.session import STATE

# Command groups: name -> module whose `app` is the group. Only the group a command line
# names is imported, so `alloy ticket list` pays for the ticket commands alone.
GROUPS = {
    "auth": "alloy.cli.auth", "org": "alloy.cli.orgs", "invite": "alloy.cli.invites",
    "project": "alloy.cli.projects", "ticket": "alloy.cli.tickets", "team": "alloy.cli.teams",
    "time": "alloy.cli.time", "report": "alloy.cli.reports", "comment": "alloy.cli.comments",
    "label": "alloy.cli.labels", "tag": "alloy.cli.tags", "workflow": "alloy.cli.workflows",
    "sprint": "alloy.cli.sprints", "labor-rate": "alloy.cli.laborrates", "view": "alloy.cli.views",
}
# Top-level commands: name -> module whose `register(root)` adds it (with its siblings).
COMMANDS = {
    "serve": "alloy.cli.system", "migrate": "alloy.cli.system", "health": "alloy.cli.system",
    "onboard": "alloy.cli.system", "tui": "alloy.cli.tui_cmd", "board": "alloy.cli.sprints",
    "burndown": "alloy.cli.sprints", "export": "alloy.cli.io", "import": "alloy.cli.io",
    "completions": "alloy.cli.usage", "usage": "alloy.cli.usage",
    "start": "alloy.cli.daily", "stop": "alloy.cli.daily", "done": "alloy.cli.daily",
    "branch": "alloy.cli.daily", "search": "alloy.cli.search",
}


def _root() -> typer.Typer:
    root = typer.Typer(name="alloy", no_args_is_help=True, add_completion=False,
                       pretty_exceptions_enable=False, rich_markup_mode=None,
                       help="Alloy: terminal-first project management. Pipes into jq.")
    root.callback()(main)
    return root


def _print_version(value: bool) -> None:
    if value:
        import alloy

        print(f"alloy {alloy.version()}")
        raise typer.Exit()


def main(
    format: str = typer.Option(None, "--format", metavar="json|table|plain",
                               autocompletion=complete.FORMAT, help="Output: json, table or plain "
                               "(default: table on a terminal, json when piped). Env ALLOY_FORMAT."),
    api_url: str = typer.Option(None, "--api-url", metavar="URL", help="Talk to an Alloy server instead of the "
                                "local database. Env ALLOY_API_URL."),
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print Alloy's version and exit."),
) -> None:
    """Alloy: terminal-first project management. Global flags go anywhere on the line."""
    from alloy.cli import output

    output.fmt()  # a bad --format or ALLOY_FORMAT is a usage error before anything runs


# Commands other groups add under `ticket`: subcommand -> module providing it.
TICKET_EXTRAS = {"transition": "alloy.cli.transitions", "batch-transition": "alloy.cli.transitions",
                 "label": "alloy.cli.labels", "link": "alloy.cli.links", "unlink": "alloy.cli.links",
                 "links": "alloy.cli.links", "tree": "alloy.cli.links"}


def _group(name: str, sub: str | None = None) -> typer.Typer:
    """Group `name`; given the subcommand a line names, only that one (so `ticket list`
    neither imports nor builds the other thirteen). Unknown `sub`: the whole group."""
    group = importlib.import_module(GROUPS[name]).app
    if name == "ticket":
        native = sub is not None and sub in _names(group)
        for module in dict.fromkeys(TICKET_EXTRAS.values()):
            if not native and (sub not in TICKET_EXTRAS or TICKET_EXTRAS[sub] == module):
                _wire_ticket(group, module)
    if sub is None or sub not in _names(group):
        return group
    import copy

    only = copy.copy(group)
    only.registered_commands = [c for c in group.registered_commands if _name(c) == sub]
    only.registered_groups = [g for g in group.registered_groups if g.name == sub]
    return only


def _wire_ticket(group: typer.Typer, module: str) -> None:
    wired = group.__dict__.setdefault("_alloy_wired", set())
    if module not in wired:
        mod = importlib.import_module(module)
        if module == "alloy.cli.labels":
            group.add_typer(mod.ticket_app, name="label")
        else:
            mod.register(group)
        wired.add(module)


def _name(info) -> str:
    return info.name or typer.main.get_command_name(info.callback.__name__)


def _names(group: typer.Typer) -> set[str]:
    return {_name(c) for c in group.registered_commands} | {
        g.name for g in group.registered_groups}


def build(word: str | None = None, sub: str | None = None) -> typer.Typer:
    """The app for a command line whose first words are `word sub`; None or unknown: all."""
    root = _root()
    if word in GROUPS:
        root.add_typer(_group(word, sub), name=word)
        return root
    if word in COMMANDS:
        _register(root, COMMANDS[word])
        return root
    for module in dict.fromkeys(COMMANDS.values()):
        if module != "alloy.cli.usage":
            _register(root, module)
    for name in GROUPS:
        root.add_typer(_group(name), name=name)
    _register(root, "alloy.cli.usage")  # `completions`, `usage` (listed last)
    return root


def _register(root: typer.Typer, module: str) -> None:
    mod = importlib.import_module(module)
    (mod.register_meta if module == "alloy.cli.usage" else mod.register)(root)


def __getattr__(name: str):
    if name == "app":  # the whole command tree, for callers that want all of it
        return build()
    raise AttributeError(name)


_GLOBAL = {"--format": "format", "--api-url": "api_url", "--json": "json", "--jq": "jq"}
_BARE = {"--json": ""}  # given with no value: list the fields (as gh does)


def _lift_globals(argv: list[str]) -> list[str]:
    """Accept --format/--api-url/--json/--jq anywhere (`alloy health --format json`), as the
    spec writes; `--json` with no value (last, or before another flag) lists the fields."""
    out, i = [], 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            out.extend(argv[i:])
            break
        name, eq, value = arg.partition("=")
        bare = name in _BARE and not eq and (i + 1 == len(argv) or argv[i + 1].startswith("-"))
        if bare:
            STATE[_GLOBAL[name]] = _BARE[name]
        elif name in _GLOBAL and (eq or i + 1 < len(argv)):
            if not eq:
                value, i = argv[i + 1], i + 1
            STATE[_GLOBAL[name]] = value
        else:
            out.append(arg)
        i += 1
    return _ticket_first(out)


def _ticket_first(argv: list[str]) -> list[str]:
    """`alloy BACK-12` is `alloy ticket get BACK-12`: no command is spelled like a ticket."""
    if argv and _is_ref(argv[0]):
        return ["ticket", "get", *argv]
    return argv


def _is_ref(word: str) -> bool:
    """`KEY-N` exactly (string tests: a regex compiled here would cost every command)."""
    key, dash, number = word.partition("-")
    return (bool(dash) and 0 < len(key) <= 10 and key.isascii() and key.isalnum()
            and key[0].isalpha() and number.isascii() and number.isdigit())


def command(argv: list[str] | None = None):
    """The click command tree (what completions, usage and the tests walk).

    Given the argv of a run, only the command it names is built: building all ~100 commands
    would cost a third of a Typer app's start-up; unknown words get the whole tree (and its
    "No such command" error)."""
    from alloy.cli.usage import click_tree

    if argv is None:
        return click_tree(_full())
    words = [a for a in argv if not a.startswith("-")]
    if not words:  # `alloy --help`: the groups need only their names and help text
        return click_tree(_shallow())
    at = argv.index(words[0])
    sub = argv[at + 1] if at + 1 < len(argv) and not argv[at + 1].startswith("-") else None
    return click_tree(build(words[0], sub))


@functools.cache
def _full() -> typer.Typer:
    return build()


def _shallow() -> typer.Typer:
    import copy

    full = build()
    for info in full.registered_groups:
        inner = copy.copy(info.typer_instance)
        inner.registered_commands, inner.registered_groups = [], []
        info.typer_instance = inner
    return full


def run() -> None:
    """The `alloy` executable: run sys.argv, exit with its code; a reader that left (`| head`)
    or Ctrl-C end the process quietly with their documented codes."""
    import os

    from alloy.cli import output

    try:
        code = invoke(sys.argv[1:])
        sys.stdout.flush()  # here, so a reader that left is caught below
    except BrokenPipeError:  # `alloy ... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = output.ERROR
    except KeyboardInterrupt:
        code = output.INTERRUPTED
    _leave(code)


def _leave(code: int) -> None:
    """Exit with `code` without tearing the interpreter down, when that is safe.

    Python's shutdown frees a command's ~200 modules and ~100k objects one by one after a
    last full collection: ~35M instructions, a tenth of an embedded command, for nothing a
    user can see. What shutdown does that matters still happens here: atexit handlers run
    and the standard streams are flushed. A long-running command (serve, tui: gc back on,
    see `alloy.cli.long_running`), a caller with gc on, or live non-daemon threads: the
    usual exit."""
    import gc
    import os

    threading = sys.modules.get("threading")
    if gc.isenabled() or (threading and any(
            not t.daemon for t in threading.enumerate() if t is not threading.main_thread())):
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:  # noqa: BLE001 - let the usual shutdown report it, as it always did
        sys.exit(code)
    os._exit(code)


def invoke(argv: list[str]) -> int:
    """Parse and run one command line in this process and return its exit code.

    Nothing here exits the process or touches gc, and what one line sets (--format,
    --api-url) or reads (its Settings) starts afresh, so a caller that lives on (the tests)
    can run many lines. Interrupts and broken pipes propagate: they concern the process
    (see run)."""
    import os

    if os.environ.get("_ALLOY_COMPLETE"):
        from typer._completion_classes import completion_init

        completion_init()
    STATE.update(dict.fromkeys([*_GLOBAL.values(), "settings"]))
    try:
        return _invoke(_lift_globals(list(argv)))
    except SystemExit as done:  # click's shell completion answers with sys.exit
        return done.code if isinstance(done.code, int) else int(done.code is not None)
    finally:
        STATE["settings"] = None  # this line's environment: not the next caller's


def _invoke(args: list[str]) -> int:
    import os

    from alloy.cli import output

    from alloy.errors import AlloyError

    try:
        completing = bool(os.environ.get("_ALLOY_COMPLETE"))
        tree = command(None if completing else args)
        if completing:
            _global_flags_everywhere(tree)
        rv = tree.main(args, prog_name="alloy", standalone_mode=False)
        return rv if isinstance(rv, int) else output.OK
    except (AlloyError, output.UsageError) as err:
        return output.fail(err)
    except Exception as err:  # click's exceptions: typer's vendored copy, or click itself
        return _click_failure(err)


def _global_flags_everywhere(tree) -> None:
    """While completing: --format may stand anywhere on a line (see _lift_globals), so every
    command offers its values, not only `alloy --format`."""
    from alloy.cli.usage import walk

    root_format = next(p for p in tree.params if p.name == "format")
    for _, cmd in walk(tree):
        if not any(p.name == "format" for p in cmd.params):
            cmd.params.append(root_format)


def _click_failure(err: Exception) -> int:
    """Map a click/typer exception to one stderr line and an exit code; re-raise others."""
    from alloy.cli import output
    from typer import Abort
    from typer._click import exceptions as vendored

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
    from alloy.cli.session import settings

    if settings().cli.debug or isinstance(err, BrokenPipeError):
        raise err
    print(f"error: unexpected {type(err).__name__}: {' '.join(str(err).split())} "
          "(ALLOY_DEBUG=1 shows the traceback)", file=sys.stderr)
    return output.ERROR
