"""Snapshots pin the three views as text (dates and ids normalized).

Regenerate after an intended change with ALLOY_UPDATE_SNAPSHOTS=1.
"""

from __future__ import annotations

import os

import pytest

from alloy.domain.flow import Column
from tests.test_tui_app import start
from tests.test_tui_svg import as_struct, fixed_sprint
from tests.tui_support import SNAPSHOTS, Workspace, normalize, screen_text, settle

SIZE = (100, 24)


@pytest.fixture
def ws(tmp_path, monkeypatch):
    for name in ("ALLOY_ORG_ID", "ALLOY_BASE_URL", "ALLOY_API_URL", "ALLOY_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ALLOY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ALLOY_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'alloy.db'}")
    return Workspace(tmp_path, tickets=5)


def check(name: str, app) -> None:
    text = normalize(screen_text(app)) + "\n"
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("ALLOY_UPDATE_SNAPSHOTS") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"{name} view changed; see {path}"


async def test_snapshot_ticket_list(ws):
    app = ws.app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("j")
        check("ticket_list", app)


async def test_snapshot_ticket_detail(ws):
    app = ws.app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        check("ticket_detail", app)


async def test_snapshot_sprint_board(ws):
    """The board as the board operation answers it (data given directly: no sprint op needed)."""
    t = [dict(x) for x in ws.tickets]
    t[1]["status"], t[2]["status"] = "InProgress", "Done"
    sprint, burndown = fixed_sprint()
    columns = [as_struct({"status": s, "category": None, "tickets": ts}, Column)
               for s, ts in (("Todo", [t[0], t[3]]), ("InProgress", [t[1]]),
                             ("Done", [t[2], t[4]]))]
    app = ws.app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.tickets.board.show(sprint, columns, burndown)
        app.tickets.show_view("board")
        await pilot.pause()
        await pilot.press("l", "j")
        check("sprint_board", app)
        assert "Sprint 3" in app.tickets.context() and "40%" in app.tickets.context()
