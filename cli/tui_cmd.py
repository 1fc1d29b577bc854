"""`alloy tui`: open the terminal UI (imported lazily so `alloy --help` stays light)."""

import typer


def register(app: typer.Typer) -> None:
    app.command("tui")(tui)


def tui() -> None:
    """Open the vim-modal terminal UI on the same data as the CLI (embedded or --api-url).

    Example: alloy tui --api-url http://localhost:3000
    """
    from alloy.cli import long_running
    from alloy.cli.session import STATE
    from alloy.tui.main import make_app

    long_running()
    make_app(STATE["api_url"]).run()
