"""The `alloy` command: a Typer app, one module per command group, output for people and jq."""

import gc


def run() -> None:
    """The `alloy` executable (see cli.main.run).

    A command builds ~100k objects while importing and frees almost none of them, so the
    cyclic collector's passes over them are wasted start-up (about 5% of a command's CPU).
    It stays off for the life of a short command; `long_running()` turns it back on.
    """
    gc.disable()
    try:
        from alloy.cli.main import run as main

        main()
    finally:
        gc.enable()


def long_running() -> None:
    """Called by commands that keep running (serve, tui): collect cycles as usual."""
    gc.enable()
