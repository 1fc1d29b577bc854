"""Snapshots pin the three views as text (dates and ids normalized).

Regenerate after an intended change with ALLOY_UPDATE_SNAPSHOTS=1.
"""

from __future__ import annotations

import os

import pytest

from tests.test_tui_app import start
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
    sprint = {"id": "s1", "name": "Sprint 3", "start_date": "2026-03-01",
              "end_date": "2026-03-14", "status": "Active"}
    columns = [{"status": "Todo", "tickets": [t[0], t[3]]},
               {"status": "InProgress", "tickets": [t[1]]},
               {"status": "Done", "tickets": [t[2], t[4]]}]
    burndown = {"sprint_id": "s1", "data": [
        {"date": f"2026-03-0{d}", "total_tickets": 5, "completed_tickets": c,
         "remaining_tickets": 5 - c} for d, c in ((1, 0), (2, 1), (3, 1), (4, 2))]}
    app = ws.app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.tickets.board.show(sprint, columns, burndown)
        app.tickets.show_view("board")
        await pilot.pause()
        await pilot.press("l", "j")
        check("sprint_board", app)
        assert "Sprint 3" in app.tickets.context() and "40%" in app.tickets.context()
