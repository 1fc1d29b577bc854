"""Helpers for the TUI tests: a temp embedded workspace, waiting for workers, screen text."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from tui import api

SNAPSHOTS = Path(__file__).parent / "tui_snapshots"


def screen_text(app) -> str:
    """The terminal as plain text (what a person would read), for snapshots and asserts."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return "\n".join(line.rstrip() for line in console.export_text(styles=False).splitlines())


def normalize(text: str) -> str:
    """Dates and ids change run to run; snapshots keep their shape."""
    text = re.sub(r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD", text)
    return re.sub(r"\b[0-9a-f]{8}\b", "xxxxxxxx", text)


async def settle(pilot, rounds: int = 200) -> None:
    """Wait until no worker runs and the screen has caught up."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return
        await app.workers.wait_for_complete()
    raise AssertionError("workers did not finish")


def skip_unless(*names: str):
    """pytest skip marker for features whose operations are not in this build."""
    import pytest

    missing = [n for n in names if not api.has_op(n)]
    return pytest.mark.skipif(bool(missing), reason=f"operation missing: {', '.join(missing)}")
