"""Start-up: the load that `alloy-tui` begins before Textual imports (`alloy.tui.connect`)."""

from __future__ import annotations

import pytest
from alloy.tui import api
from alloy.tui.app import AlloyApp
from alloy.tui.connect import Early

from alloy.domain.values import Role
from alloy.domain.work import Ticket
from alloy.errors import Unavailable
from tests.support import ROOT, free_port
from tests.test_tui_app import ws  # noqa: F401 - the fixture
from tests.tui_support import screen_text, settle


async def test_a_start_done_before_mount_goes_into_the_first_frame(ws):  # noqa: F811
    """No connect worker runs for it: on_mount shows the org's tickets at once."""
    early = Early(ws.client)
    start = early.result()
    assert [t.key for t in start.first] == [t["key"] for t in ws.tickets]
    app = AlloyApp(client=ws.client, early=early)
    ran = []
    io = app.io
    app.io = lambda fn, *args, **kw: (ran.append(fn), io(fn, *args, **kw))[1]
    async with app.run_test(size=(110, 30)) as pilot:
        assert app.connection == "Connected" and len(app.tickets.table.rows) == len(ws.tickets)
        await settle(pilot)
        assert app._boot not in ran and "PROJ-3" in screen_text(app)
        assert not app.loading and app.model.workflows[0].statuses  # typed, as answered
        assert all(type(t) is Ticket for t in app.tickets.table.rows)  # as the client answered
        await pilot.press("enter")  # the detail: its status line reads the Struct's fields
        await settle(pilot)
        assert app.tickets.context() == f"PROJ-1 {ws.tickets[0]['status']}"


async def test_a_start_still_running_at_mount_is_waited_for(ws):  # noqa: F811
    app = AlloyApp(client=ws.client)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        assert app.connection == "Connected" and len(app.tickets.table.rows) == len(ws.tickets)


def test_a_failed_start_is_raised_where_errors_are_shown(monkeypatch, tmp_path):
    monkeypatch.setenv("ALLOY_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("ALLOY_API_TOKEN", "whatever")
    early = Early(api_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(Unavailable):
        early.result()
    assert early.ready() is None and early.client.mode == "remote"  # kept for a reload


def test_the_data_layer_hands_the_widgets_structs(ws):  # noqa: F811
    """The widgets read the operations' Structs: a misspelt field raises in a test, where a
    dict's `.get` would answer None for a user."""
    page = api.run(ws.client, "tickets.list", ws.project["id"])
    assert type(page.items[0]) is Ticket and page.items[0].key == "PROJ-1"
    assert [type(t) for t in api.items(ws.client, "tickets.list", ws.project["id"])] == \
        [Ticket] * len(ws.tickets)
    assert type(api.ticket(ws.client, ws.tickets[0]["id"])) is Ticket
    assert api.members(ws.client, ws.org_id) == {ws.user_id: "Olive"}
    assert api.role(ws.client, ws.org_id, ws.user_id) is Role.Owner
    with pytest.raises(AttributeError):
        page.items[0].assignee  # noqa: B018 - the field is assignee_id


def test_no_tui_module_turns_answers_into_dicts():
    """The old widget boundary (`api.plain`/`api.call`: msgspec.to_builtins) is gone."""
    tui = ROOT / "tui"
    assert not hasattr(api, "plain") and not hasattr(api, "call")
    assert [p.name for p in tui.rglob("*.py") if "to_builtins" in p.read_text()] == []


async def test_the_table_lays_out_once_a_resize_changes_no_virtual_size(ws):  # noqa: F811
    """The list's virtual size is its row count alone: the resize that follows the first
    layout (and any width change) needs no second layout pass and list repaint."""
    app = AlloyApp(client=ws.client, early=Early(ws.client))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        table = app.tickets.table
        before = table.virtual_size
        assert before.height == len(ws.tickets) + 1  # the header line and one per ticket
        await pilot.resize_terminal(90, 30)
        await settle(pilot)
        assert table.size.width < 110 and table.virtual_size == before
        assert "PROJ-3" in screen_text(app)
