"""`:filter` and `:sprint` as people type them (issue 18, bugs 7 and 8)."""

from __future__ import annotations

import pytest
from alloy.tui import api

from tests.test_tui_app import start
from tests.tui_support import settle, workspace


@pytest.fixture
def ws(tmp_path, monkeypatch):
    return workspace(tmp_path, monkeypatch, tickets=3)


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.mark.parametrize("spelling", ["in_progress", "in progress", "IN-PROGRESS", "inprogress",
                                      "InProgress", "doing"])
async def test_filter_status_matches_forgivingly(ws, spelling):
    api.set_status(ws.client, ws.tickets[1]["id"], "InProgress")
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("colon", *f"filter status={spelling}", "enter")
        assert [t["key"] for t in app.table.rows] == ["PROJ-2"]
        assert "status=InProgress" in app.context()


async def test_filter_unknown_status_warns_and_lists_the_statuses(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("colon", *"filter status=Bogus", "enter")
        await settle(pilot)
        assert app.model.status is None and len(app.table.rows) == 3
        warning = next(m for m in messages(app) if "Bogus" in m)
        assert "no status" in warning and "Backlog" in warning and "InProgress" in warning
