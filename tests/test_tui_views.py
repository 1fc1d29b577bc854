"""Moving between the list, the detail and the board (issue 18, bugs 1, 3, 6 and 9)."""

from __future__ import annotations

import pytest
from alloy.tui import api

from tests.test_tui_app import start
from tests.tui_support import screen_text, settle, workspace


@pytest.fixture
def ws(tmp_path, monkeypatch):
    return workspace(tmp_path, monkeypatch, tickets=3)


def sprint_with(ws, tickets: list[dict], name: str = "Sprint 1"):
    sprint = api.sprint_create(ws.client, ws.project["id"], name, "2026-04-01", "2026-04-14")
    api.run(ws.client, "sprints.batch_assign", sprint.id,
             body={"ticket_ids": [t["id"] for t in tickets]})
    return sprint


async def open_board(pilot, sprint) -> None:
    await pilot.press("colon", *f"sprint {sprint.id}", "enter")
    await settle(pilot)
    assert pilot.app.tickets.view == "board"


@pytest.mark.parametrize("keys", [("p", "k", "enter"), ("s", "j", "enter"),
                                  ("a", "j", "enter"), ("e", "ctrl+s")])
async def test_quick_actions_on_the_list_stay_on_the_list_after_a_detail(ws, keys):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.tickets.view == "detail"
        await pilot.press("q")
        assert app.tickets.view == "list"
        await pilot.press(*keys)  # on the ticket the detail showed
        await settle(pilot)
        assert app.tickets.view == "list", "a quick action reopened the detail left behind"
        await pilot.press("j", *keys)  # and on another one
        await settle(pilot)
        assert app.tickets.view == "list"


async def test_leaving_a_detail_opened_from_the_board_returns_to_the_board(ws):
    sprint = sprint_with(ws, ws.tickets)
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await open_board(pilot, sprint)
        for leave in ("escape", "q"):
            await pilot.press("enter")
            await settle(pilot)
            assert app.tickets.view == "detail"
            await pilot.press(leave)
            assert app.tickets.view == "board", leave
        await pilot.press("p", "k", "enter")  # a quick action on the board stays there
        await settle(pilot)
        assert app.tickets.view == "board"
        assert ws.get(app.tickets.board.selected.id)["priority"] != "None"
        await pilot.press("escape")
        assert app.tickets.view == "list"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        assert app.tickets.view == "list"


async def test_quick_actions_on_the_board_stay_on_the_board_after_a_detail(ws):
    sprint = sprint_with(ws, ws.tickets)
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await open_board(pilot, sprint)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await open_board(pilot, sprint)  # (back at the board, whichever way it went)
        for keys in (("p", "k", "enter"), ("s", "j", "enter"), ("a", "j", "enter")):
            await pilot.press(*keys)
            await settle(pilot)
            assert app.tickets.view == "board", keys


async def test_detail_labels_line_follows_l(ws):
    api.run(ws.client, "labels.create", ws.org_id, body={"name": "bug", "color": "#FF0000"})
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Labels:   —" in screen_text(app)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.tickets.view == "detail" and "Labels:   bug" in screen_text(app)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert "Labels:   —" in screen_text(app)


async def test_board_column_scrolls_to_the_selected_card(ws):
    many = [ws.ticket(f"Card number {n}") for n in range(20)]
    for t in many:
        api.set_status(ws.client, t["id"], "Done")
    sprint = sprint_with(ws, ws.tickets + many)
    app = ws.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await open_board(pilot, sprint)
        while app.tickets.board.columns[app.tickets.board.col].status != "Done":
            await pilot.press("l")
        await pilot.press("G")
        await settle(pilot)
        assert app.tickets.board.selected.key == many[-1]["key"] and "row 20/20" in app.tickets.context()
        assert f"{many[-1]['key']} " in screen_text(app), "the selected card is off screen"
        await pilot.press("g", "g")
        await settle(pilot)
        assert f"{many[0]['key']} " in screen_text(app)
        for _ in range(19):
            await pilot.press("j")
            await settle(pilot)
            assert f"{app.tickets.board.selected.key} " in screen_text(app)
