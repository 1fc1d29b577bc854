"""Saved views are tabs across the top of the ticket list; `1`-`9` run one, `0` shows all."""

from __future__ import annotations

from tests.test_tui_app import start
from tests.tui_support import settle, workspace


def keys(app) -> list[str]:
    return [t.key for t in app.tickets.table.rows]


def tabs(app) -> str:
    from alloy.tui.widgets.viewtabs import ViewTabs

    widget = app.tickets.query_one(ViewTabs)
    return str(widget.render()) if widget.display else ""


async def test_number_keys_switch_between_saved_views(tmp_path, monkeypatch):
    ws = workspace(tmp_path, monkeypatch, tickets=3)  # PROJ-1..3: login bug, dark mode, docs
    for name, query in (("Login", "login"), ("High", "priority:high")):
        ws.client.call("views.create", org_id=ws.org_id, body={"name": name, "query": query})
    app = ws.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot)
        assert tabs(app) == "0 All │ 1 Login │ 2 High"
        await pilot.press("2")
        await settle(pilot)
        assert keys(app) == ["PROJ-1"] and app.model.search == "priority:high"
        await pilot.press("1")
        await settle(pilot)
        assert keys(app) == ["PROJ-1"] and app.model.search == "login"
        await pilot.press("0")
        await settle(pilot)
        assert len(keys(app)) == 3 and app.model.search == ""
        await pilot.press("7")  # no such view: a message, the list unchanged
        await settle(pilot)
        assert len(keys(app)) == 3
        assert any("saved views are 1-2" in n.message for n in app._notifications)


async def test_no_views_no_tab_bar(tmp_path, monkeypatch):
    ws = workspace(tmp_path, monkeypatch, tickets=2)
    app = ws.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot)
        assert tabs(app) == ""
        await pilot.press("1")
        await settle(pilot)
        assert len(keys(app)) == 2
        assert any("alloy view create" in n.message for n in app._notifications)
