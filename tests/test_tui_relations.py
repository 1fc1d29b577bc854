"""The TUI's relations and sub-issues: the detail lists them, `o` opens one, and blocked
tickets are marked in the list and on the board until their blocker closes."""

from __future__ import annotations

import pytest

from tests.test_tui_app import start
from tests.test_tui_views import open_board, sprint_with
from tests.tui_support import screen_text, settle, workspace


@pytest.fixture
def ws(tmp_path, monkeypatch):
    ws = workspace(tmp_path, monkeypatch, tickets=3)
    first, second, third = ws.tickets
    ws.client.call("relations.create", ticket_id=first["id"],
                   body={"kind": "blocks", "target_id": second["id"]})
    ws.client.call("tickets.update", ticket_id=third["id"], body={"parent_id": first["id"]})
    return ws


def _row(app, key: str) -> str:
    """The screen line of ticket `key` (inside the list's or board's border)."""
    return next(line for line in screen_text(app).splitlines()
                if line.lstrip(" │┃").startswith(key))


async def test_detail_lists_relations_and_o_opens_one(ws):
    app = ws.app()
    async with app.run_test(size=(110, 34)) as pilot:
        await start(app, pilot)
        assert "PROJ-2 ⊘" in _row(app, "PROJ-2") and "⊘" not in _row(app, "PROJ-1")
        await pilot.press("enter")  # PROJ-1
        await settle(pilot)
        text = screen_text(app)
        assert "Relations" in text and "blocks" in text and "PROJ-2 Add dark mode" in text
        assert "Sub-issues 0/1 done" in text and "PROJ-3 Update docs" in text
        await pilot.press("o")
        await settle(pilot)
        assert "Open from PROJ-1" in screen_text(app)
        await pilot.press("j", "enter")  # the sub-issue
        await settle(pilot)
        assert app.tickets.view == "detail" and app.tickets.detail.ticket.key == "PROJ-3"
        assert "sub-issue of" in screen_text(app) and "PROJ-1 Fix login bug" in screen_text(app)
        await pilot.press("o", "enter")  # its parent
        await settle(pilot)
        assert app.tickets.detail.ticket.key == "PROJ-1"


async def test_blocked_mark_follows_the_blocker_on_list_and_board(ws):
    sprint = sprint_with(ws, ws.tickets)
    app = ws.app()
    async with app.run_test(size=(110, 34)) as pilot:
        await start(app, pilot)
        await open_board(pilot, sprint)
        assert "PROJ-2 ⊘ Add" in screen_text(app)  # (a narrow column shortens titles)
        assert "PROJ-1 ⊘" not in screen_text(app)
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("s", "j", "j", "j", "j", "enter")  # PROJ-1: Backlog -> Done
        await settle(pilot)
        assert ws.get(ws.tickets[0]["id"])["status"] == "Done"
        assert "⊘" not in _row(app, "PROJ-2")
        await open_board(pilot, sprint)
        assert "PROJ-2 Add" in screen_text(app) and "⊘" not in screen_text(app)


async def test_a_ticket_without_links_says_so(ws):
    ws.client.call("tickets.update", ticket_id=ws.tickets[2]["id"], body={"parent_id": None})
    app = ws.app()
    async with app.run_test(size=(110, 34)) as pilot:
        await start(app, pilot)
        app.tickets.table.move_to(next(i for i, r in enumerate(app.tickets.table.rows) if r.key == "PROJ-3"))
        await pilot.press("o")
        await settle(pilot)
        assert app.tickets.view == "list" and "Relations" not in screen_text(app)
        assert "PROJ-3 has no relations or sub-issues" in [n.message
                                                           for n in app._notifications]
