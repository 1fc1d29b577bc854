"""The TUI's `/` asks the server when a query goes beyond the loaded rows, and `:filter`
takes a query (docs/search.md)."""

from __future__ import annotations

import pytest
from alloy.tui import api

from tests.test_tui_app import start
from tests.tui_support import settle, workspace


@pytest.fixture
def ws(tmp_path, monkeypatch):
    w = workspace(tmp_path, monkeypatch, tickets=3)  # PROJ-1..3: login bug, dark mode, docs
    api.comment(w.client, w.tickets[2]["id"], "the wombat ate the manual")
    api.set_status(w.client, w.tickets[1]["id"], "Done")
    return w


def keys(app) -> list[str]:
    return [t.key for t in app.tickets.table.rows]


async def test_slash_filters_loaded_rows_then_asks_the_server_on_enter(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("slash", *"login")
        assert keys(app) == ["PROJ-1"]  # as typed, among the loaded rows
        await pilot.press("enter")
        await settle(pilot)
        assert keys(app) == ["PROJ-1"] and app.model.found is None  # they sufficed
        await pilot.press("escape", "slash", *"wombat")
        assert keys(app) == []  # only in a comment: not in the loaded rows
        await pilot.press("enter")
        await settle(pilot)
        assert keys(app) == ["PROJ-3"] and "/wombat" in app.tickets.context()
        await pilot.press("escape")
        assert len(keys(app)) == 3 and app.model.found is None


async def test_slash_with_qualifiers_asks_the_server(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("slash", *"is:closed", "enter")
        await settle(pilot)
        assert keys(app) == ["PROJ-2"]
        await pilot.press("escape", "slash", *"prio:high", "enter")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any('unknown qualifier "prio:"' in m for m in said), said


async def test_filter_takes_a_query_and_still_a_status(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("colon", *"filter -is:closed priority:>=high", "enter")
        await settle(pilot)
        assert keys(app) == ["PROJ-1"]
        await pilot.press("colon", *"filter", "enter")
        await settle(pilot)
        assert len(keys(app)) == 3
        await pilot.press("colon", *"filter status=done", "enter")
        await settle(pilot)
        assert keys(app) == ["PROJ-2"]
