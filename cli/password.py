"""Where a command's password comes from, so it need not sit in `ps` and shell history.

In this order: `--password-stdin` (the first line of standard input, as `docker login`),
`--password` (visible to every user of the machine in `ps`: for throwaway setups), the
ALLOY_PASSWORD variable, and on a terminal a hidden prompt. With none of them and no
terminal it is a usage error (exit 2) naming `--password`. The CLI reads ALLOY_PASSWORD
itself, like its other presentation variables: it is input, not server configuration.
"""

import sys

import typer

HELP = ("Password. Visible to other users in `ps` and kept in shell history: prefer the "
        "prompt, --password-stdin or ALLOY_PASSWORD.")
STDIN_HELP = "Read the password from the first line of standard input."


def option(help: str = HELP):
    return typer.Option(None, "--password", help=help)


def stdin_option():
    return typer.Option(False, "--password-stdin", help=STDIN_HELP)


def resolve(given: str | None, from_stdin: bool) -> str:
    from alloy.cli import prompt
    from alloy.cli.output import UsageError

    if from_stdin:
        if given:
            raise UsageError("--password and --password-stdin cannot be used together")
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("--password-stdin: standard input has no password")
        return line
    from alloy.cli.session import settings

    return given or settings().cli.password or prompt.require(
        None, "--password", lambda: prompt.secret("Password"))
