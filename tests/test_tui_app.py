"""Pilot drives the TUI on a real embedded database; results are read back through the client."""

from __future__ import annotations

import pytest
from alloy.tui import api, keymap
from alloy.tui.model import Model, parse_sort

from tests.tui_support import Workspace, screen_text, settle, ticket_row


@pytest.fixture
def ws(tmp_path, monkeypatch):
    for name in ("ALLOY_ORG_ID", "ALLOY_BASE_URL", "ALLOY_API_URL", "ALLOY_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ALLOY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ALLOY_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'alloy.db'}")
    return Workspace(tmp_path, tickets=5)


async def start(app, pilot):
    await settle(pilot)
    assert app.connection == "Connected"
    return app


async def test_opens_on_the_ticket_list_with_status_bar(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        text = screen_text(app)
        assert "PROJ-1" in text and "Fix login bug" in text
        assert "[NORMAL]" in text and "Connected" in text and "[All] 1/5" in text
        assert app.model.org_id == ws.org_id and app.model.user_id == ws.user_id
        assert app.query_one("#mode").styles.background.rgb == (0, 0, 255)


async def test_navigation_keys_j_k_gg_G_and_arrows(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("j", "j")
        assert app.tickets.table.cursor == 2
        await pilot.press("k")
        assert app.tickets.table.cursor == 1
        await pilot.press("G")
        assert app.tickets.table.cursor == 4 and "5/5" in app.tickets.context()
        await pilot.press("g", "g")
        assert app.tickets.table.cursor == 0
        await pilot.press("down", "down", "up")
        assert app.tickets.table.cursor == 1


async def test_tab_cycles_project_filter_all_each_project_all(ws):
    ws.ticket("Ops only", project=ws.other)
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        assert len(app.tickets.table.rows) == 6
        await pilot.press("tab")
        assert app.model.project_label == "PROJ" and len(app.tickets.table.rows) == 5
        await pilot.press("tab")
        assert app.model.project_label == "OPS" and [t.key for t in app.tickets.table.rows] == ["OPS-1"]
        await pilot.press("tab")
        assert app.model.project_label == "All" and len(app.tickets.table.rows) == 6


async def test_enter_opens_detail_and_escape_or_q_returns(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert app.tickets.view == "detail"
        text = screen_text(app)
        assert "PROJ-2" in text and "Add dark mode" in text and "Reporter: Olive" in text
        await pilot.press("j", "k", "G", "g", "g")
        await pilot.press("escape")
        assert app.tickets.view == "list"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("q")
        assert app.tickets.view == "list" and app.is_running


async def test_q_and_colon_q_quit(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("q")
    assert app.return_code == 0 or app.return_code is None
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("colon", *"quit", "enter")
        await pilot.pause()
        assert not app.is_running


async def test_create_ticket_popup_title_and_priority(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("tab")  # PROJ selected
        await pilot.press("n")
        assert type(app.screen).__name__ == "CreatePopup"
        assert app.tickets.mode == "INSERT"
        await pilot.press("enter")  # empty title is refused
        assert type(app.screen).__name__ == "CreatePopup"
        await pilot.press(*"Ship it", "tab", "k", "k")  # None -> Low -> Medium
        assert app.tickets.mode == "NORMAL"
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "TicketsScreen"
        created = [t for t in ws.client.call("tickets.list", project_id=ws.project["id"],
                                             query={"limit": 100})["items"]
                   if t["title"] == "Ship it"]
        assert len(created) == 1 and created[0]["priority"] == "Medium"
        assert app.tickets.table.selected.title == "Ship it"
        assert created[0]["reporter_id"] == ws.user_id


async def test_popups_cancel_with_escape(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        for key, popup in (("s", "SelectPopup"), ("a", "SelectPopup"), ("c", "TextPopup"),
                           ("p", "SelectPopup"), ("n", "CreatePopup"), ("t", "TimePopup"),
                           ("d", "ConfirmPopup"), ("e", "EditPopup"), ("i", "EditPopup"),
                           ("question_mark", "HelpPopup")):
            await pilot.press(key)
            await settle(pilot)
            assert type(app.screen).__name__ == popup, key
            await pilot.press("escape")
            await settle(pilot)
            assert type(app.screen).__name__ == "TicketsScreen", key
            assert app.tickets.mode == "NORMAL"
        assert len(ws.client.call("tickets.list", project_id=ws.project["id"])["items"]) == 5


async def test_app_keys_do_not_leak_out_of_popups(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("s", "q", "s", "colon", "question_mark")
        assert app.is_running and type(app.screen).__name__ == "SelectPopup"
        assert len(app.screen_stack) == 2
        await pilot.press("escape", "question_mark", "j", "j", "k")
        assert type(app.screen).__name__ == "HelpPopup"
        await pilot.press("q")  # q closes help, not the app
        assert app.is_running and len(app.screen_stack) == 1


async def test_delete_defaults_to_cancel(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("d", "enter")  # Cancel is highlighted
        await settle(pilot)
        assert ws.get(ws.tickets[0]["id"])["title"] == "Fix login bug"


async def test_time_popup_accepts_only_digits_in_range(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("t", *"9x9")
        assert app.screen.query_one("#minutes").value == "99"
        await pilot.press("escape", "t", "0", "enter")
        assert "1–1440" in str(app.screen.query_one("#error").render())


async def test_search_filters_highlights_and_n_N_move_between_matches(ws):
    ws.ticket("Fix logout bug")
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("slash")
        assert app.tickets.mode == "SEARCH" and "[SEARCH]" in screen_text(app)
        assert app.query_one("#mode").styles.background.rgb == (255, 0, 255)
        await pilot.press(*"FIX")
        assert [t.title for t in app.tickets.table.rows] == ["Fix login bug", "Fix logout bug"]
        await pilot.press("escape")
        assert app.tickets.mode == "NORMAL" and app.model.search == "FIX"
        await pilot.press("n")
        assert app.tickets.table.cursor == 1
        await pilot.press("n")
        assert app.tickets.table.cursor == 0
        await pilot.press("N")
        assert app.tickets.table.cursor == 1
        await pilot.press("slash", "backspace", "backspace", "backspace", *"backlog", "enter")
        assert len(app.tickets.table.rows) == 6  # status matches too
        await pilot.press("escape")  # Esc in Normal clears the search
        assert app.model.search == "" and len(app.tickets.table.rows) == 6


async def test_command_mode_filter_sort_project_history_completion(ws):
    ws.ticket("Ops thing", "Urgent", project=ws.other)
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("colon")
        assert app.tickets.mode == "COMMAND"
        assert app.query_one("#mode").styles.background.rgb == (255, 255, 0)
        await pilot.press("s", "o", "tab")
        assert app.query_one("#cmdline").value == "sort"
        await pilot.press(*" priority:desc", "enter")
        assert app.tickets.mode == "NORMAL"
        assert [t.priority.value for t in app.tickets.table.rows][:2] == ["Urgent", "High"]
        await pilot.press("colon", *"sort title", "enter")
        assert app.tickets.table.rows[0].title == "Add dark mode"
        await pilot.press("colon", *"sort", "enter")
        assert app.model.sort is None
        await pilot.press("colon", *"project ops", "enter")
        assert [t.key for t in app.tickets.table.rows] == ["OPS-1"]
        await pilot.press("colon", *"project", "enter")
        assert len(app.tickets.table.rows) == 6
        await pilot.press("colon", *"filter status=Todo", "enter")
        assert app.tickets.table.rows == [] and "status=Todo" in app.tickets.context()
        await pilot.press("colon", *"filter", "enter")
        assert len(app.tickets.table.rows) == 6
        await pilot.press("colon", "up")
        assert app.query_one("#cmdline").value == "filter"
        await pilot.press("up")
        assert app.query_one("#cmdline").value == "filter status=Todo"
        await pilot.press("down")
        assert app.query_one("#cmdline").value == "filter"
        await pilot.press("escape")
        assert app.tickets.mode == "NORMAL"
        await pilot.press("colon", "x", "backspace", "backspace")  # empty -> Normal
        assert app.tickets.mode == "NORMAL"
        await pilot.press("colon", *"bogus", "enter")
        await pilot.press("colon", *"project NOPE", "enter")
        assert app.is_running


async def test_missing_operations_show_a_message_not_a_crash(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("colon", *"sprint 0000", "enter")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert app.is_running


def test_model_sort_and_search_rules():
    m = Model(tickets=[
        ticket_row(id="1", key="A-1", title="b", status="Done", priority="Low"),
        ticket_row(id="2", key="A-2", title="a", status="Todo", priority="Urgent")])
    m.sort = parse_sort("priority:desc")
    assert [t.id for t in m.refilter()] == ["2", "1"]
    m.sort = parse_sort("status")
    assert [t.id for t in m.refilter()] == ["2", "1"]
    m.search = "done"
    assert [t.id for t in m.refilter()] == ["1"]
    with pytest.raises(ValueError):
        parse_sort("colour:up")


def test_every_binding_has_an_id_and_description():
    from alloy.tui.popups.base import Popup, VimList
    from alloy.tui.widgets.statusbar import CommandLine

    for binding in keymap.all_bindings() + VimList.BINDINGS + Popup.BINDINGS + \
            CommandLine.BINDINGS:
        assert binding.id and binding.description, binding


async def test_control_characters_in_user_text_are_shown_escaped(ws):
    """A title or description carrying escape sequences cannot recolour the terminal."""
    made = ws.ticket("\x1b[31mRed alert\x9b2J")
    ws.client.call("tickets.update", ticket_id=made["id"],
                   body={"description": "retitle \x1b]0;pwned\x07"})
    ws.client.call("comments.create", ticket_id=made["id"], body={"body": "bell\x07"})
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        listed = screen_text(app)
        assert "\\x1b[31mRed alert" in listed and "\x1b" not in listed
        await pilot.press("G", "enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "\\x1b]0;pwned\\x07" in shown and "bell\\x07" in shown
        assert not {"\x1b", "\x07", "\x9b"} & set(shown)


async def test_detail_shows_activity_with_the_credential_that_acted(ws):
    """The embedded Workspace acts in-process; an API key's change is named by the key."""
    from alloy.client.local import LocalClient

    key = ws.client.call("apikeys.create", body={"name": "CI", "scopes": ["write"]})
    LocalClient(ws.env, token=key["key"]).call("tickets.update", ticket_id=ws.tickets[0]["id"],
                                                body={"title": "Fixed by CI"})
    app = ws.app()
    async with app.run_test(size=(110, 40)) as pilot:
        await start(app, pilot)
        app.tickets.open_detail(api.ticket(ws.client, ws.tickets[0]["id"]))
        await settle(pilot)
        text = screen_text(app)
        assert "Activity" in text and "ticket.created via embedded" in text, text
        assert "ticket.updated via key CI" in text, text
