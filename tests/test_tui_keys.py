"""Keys typed faster than the app handles them (or pasted) land where they were meant to:
after `:` or `/` in the line, after Enter or Esc back in Normal mode (issue 18, bug 2)."""

from __future__ import annotations

import pytest
from textual import events

from tests.test_tui_app import start
from tests.tui_support import screen_text, settle, type_fast, workspace


@pytest.fixture
def ws(tmp_path, monkeypatch):
    return workspace(tmp_path, monkeypatch)


async def test_fast_colon_command_is_typed_into_the_line(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await type_fast(pilot, ":", *"sort title", "enter")
        assert type(app.screen).__name__ == "TicketsScreen", "a Normal-mode key opened a popup"
        assert app.tickets.mode == "NORMAL" and app.model.sort == ("title", False)
        assert app.tickets.table.rows[0].title == "Add dark mode"


async def test_fast_slash_search_then_keys_after_escape_are_normal_again(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await type_fast(pilot, "/", *"cach")
        assert type(app.screen).__name__ == "TicketsScreen", "a Normal-mode key opened a popup"
        assert app.tickets.mode == "SEARCH" and app.model.search == "cach"
        assert [t.title for t in app.tickets.table.rows] == ["Tune cache"]
        await type_fast(pilot, "escape", "escape", "/", *"web-1")  # Esc Esc clears the search
        assert type(app.screen).__name__ == "TicketsScreen" and app.model.search == "web-1"
        await type_fast(pilot, *["backspace"] * 5, *"fix", "escape", "j", "k", "j")
        assert app.tickets.mode == "NORMAL" and app.model.search == "fix"
        assert app.tickets.table.cursor == 0 and app.focused is app.tickets.table  # one row: j k j stay


async def test_keys_before_and_after_a_command_keep_their_order(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await type_fast(pilot, "j", "j", ":", *"sort priority:desc", "enter", "G", "k")
        assert app.model.sort == ("priority", True)
        assert app.tickets.table.cursor == len(app.tickets.table.rows) - 2
        await type_fast(pilot, "g", "j", "g")  # a key between the g's cancels gg
        assert app.tickets.table.cursor == len(app.tickets.table.rows) - 1
        await type_fast(pilot, "g", "g")
        assert app.tickets.table.cursor == 0


async def test_paste_opens_the_line_but_runs_nothing(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        app.post_message(events.Paste("sdd"))  # not a command: ignored, no popup
        await settle(pilot)
        assert type(app.screen).__name__ == "TicketsScreen" and app.tickets.mode == "NORMAL"
        app.post_message(events.Paste(":sort title\nmore"))
        await settle(pilot)
        assert app.tickets.mode == "COMMAND" and app.tickets.command_line.value == "sort title"
        assert app.model.sort is None
        await type_fast(pilot, "enter")
        assert app.model.sort == ("title", False) and "sort title:asc" in screen_text(app)


def hint_line(app) -> str:
    return screen_text(app).splitlines()[-2]


async def test_key_hints_follow_the_view_and_mode_and_H_toggles_them(ws):
    app = ws.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot)
        assert hint_line(app).strip().startswith("? help  j/k move  Enter open")
        await pilot.press("colon")
        assert "Enter run  Tab complete  ↑/↓ history  Esc cancel" in hint_line(app)
        await pilot.press("escape", "enter")
        await settle(pilot)
        assert "Esc back  j/k scroll" in hint_line(app)
        await pilot.press("H")
        assert "j/k" not in screen_text(app).splitlines()[-2]
        await pilot.press("H")
        assert "Esc back" in hint_line(app)


async def test_help_lists_the_command_line_keys(ws):
    app = ws.app()
    async with app.run_test(size=(110, 60)) as pilot:
        await start(app, pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        app.screen.query_one("VerticalScroll").scroll_end(animate=False)
        await settle(pilot)
        text = screen_text(app)
        assert "Command line" in text and "Auto-complete command name" in text
        assert "Previous command from history" in text and "on an empty line" in text


def test_every_binding_names_an_action_its_owner_has():
    """Textual ignores a binding whose action method is missing, so a renamed action would
    leave its key dead without an error: each binding must resolve on the class that owns it
    (the screen, widget or popup whose keys they are)."""
    from alloy.tui.popups.base import HelpPopup, Popup, VimList
    from alloy.tui.popups.forms import EditPopup
    from alloy.tui.screens.approvals import Approvals
    from alloy.tui.screens.mywork import MyWork
    from alloy.tui.screens.tickets import TicketsScreen
    from alloy.tui.widgets.board import SprintBoard
    from alloy.tui.widgets.detail import TicketDetail
    from alloy.tui.widgets.statusbar import CommandLine
    from alloy.tui.widgets.table import TicketTable

    owners = (TicketsScreen, TicketTable, TicketDetail, SprintBoard, CommandLine, VimList, Popup,
              HelpPopup, EditPopup, MyWork, Approvals)
    missing = [f"{owner.__name__}: {binding.key} -> {binding.action}"
               for owner in owners for binding in owner.BINDINGS
               if not hasattr(owner, "action_" + binding.action.split("(")[0])]
    assert missing == []
