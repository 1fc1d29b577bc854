"""SVG snapshots (pytest-textual-snapshot) of every main screen and popup, at 80x24 and 160x45.

The data is fixed: the same titles, people and labels, and every stored date frozen, so a
changed picture means a changed screen. After an intended change, look at the report
pytest writes, then accept with `pytest tests/test_tui_svg.py --snapshot-update`; the SVGs
live in tests/__snapshots__/test_tui_svg/ (open one in a browser to review it).
"""

from __future__ import annotations

import sqlite3

import msgspec
import pytest
from alloy.tui import api

from alloy.domain.flow import Burndown, Column, Sprint
from tests.test_tui_screens import member, submitted
from tests.tui_support import settle, shown_toasts, workspace

SIZES = {"80x24": (80, 24), "160x45": (160, 45)}
FROZEN = "2026-03-02T09:30:00Z"
DESCRIPTION = ("Users on Safari are logged out after a minute. The session cookie is set "
               "without SameSite, so the browser drops it on the redirect back from the "
               "identity provider.\n\nRepro: sign in with SSO on Safari 17, then reload.")


def freeze(db_path) -> None:
    """Every created/updated stamp in the database set to FROZEN (dates are shown)."""
    with sqlite3.connect(db_path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
            for column in ("created_at", "updated_at"):
                if column in columns:
                    db.execute(f"UPDATE {table} SET {column} = ? WHERE {column} IS NOT NULL",
                               (FROZEN,))


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLOY_REGISTRATION", "open")
    ws = workspace(tmp_path, monkeypatch, tickets=5)
    c, first = ws.client, ws.tickets[0]
    api.update(c, first["id"], description=DESCRIPTION, assignee_id=ws.user_id)
    api.update(c, ws.tickets[1]["id"], title="Add a dark mode that follows the operating "
               "system's setting, with a toggle in the settings page")
    api.set_status(c, ws.tickets[1]["id"], "InProgress")
    api.set_status(c, ws.tickets[2]["id"], "Done")
    api.comment(c, first["id"], "Reproduced on Safari 17.2; Chrome is fine.")
    bug = api.run(c, "labels.create", ws.org_id, body={"name": "bug", "color": "#FF0000"})
    api.run(c, "labels.create", ws.org_id, body={"name": "frontend", "color": "#00AAFF"})
    api.toggle_label(c, first["id"], bug.id, True)
    oncall = ws.ticket("Rotate the on-call schedule", "Urgent", project=ws.other)
    api.update(c, oncall["id"], assignee_id=ws.user_id)
    _, as_bob = member(ws)
    submitted(as_bob, ws.tickets[0], "2026-03-03", 90, "Traced the cookie through the "
              "SSO redirect and wrote the fix")
    submitted(as_bob, ws.tickets[1], "2026-03-02", 30, "Dark mode spike")
    submitted(c, ws.tickets[3], "2026-03-09", 45)
    freeze(tmp_path / "data" / "alloy.db")
    return ws


def as_struct(data: dict, kind):
    """`data` decoded as the client decodes an answer (a wrong field name fails)."""
    return msgspec.convert(data, kind)


def fixed_sprint() -> tuple[Sprint, Burndown]:
    """A sprint and its burndown with fixed dates, as the operations answer them."""
    sprint = as_struct({"id": "s1", "project_id": "p", "name": "Sprint 3", "goal": None,
                        "start_date": "2026-03-01", "end_date": "2026-03-14",
                        "status": "Active", "created_at": "", "updated_at": ""}, Sprint)
    burndown = as_struct({"sprint_id": "s1", "data": [
        {"date": f"2026-03-0{d}", "total_tickets": 5, "completed_tickets": c,
         "remaining_tickets": 5 - c} for d, c in ((1, 0), (2, 1), (3, 1), (4, 2))]}, Burndown)
    return sprint, burndown


def board_data(ws) -> tuple[Sprint, list[Column], Burndown]:
    """A sprint board as the board operation answers it (fixed dates, fixed burndown)."""
    t = [api.ticket(ws.client, x["id"]) for x in ws.tickets]
    sprint, burndown = fixed_sprint()
    columns = [Column(status="Todo", category="todo", tickets=[t[0], t[3]]),
               Column(status="InProgress", category="in_progress", tickets=[t[1]]),
               Column(status="InReview", category="in_review", tickets=[]),
               Column(status="Done", category="done", tickets=[t[2], t[4]])]
    return sprint, columns, burndown


async def on_board(pilot, ws) -> None:
    app = pilot.app
    app.tickets.board.show(*board_data(ws))
    app.tickets.show_view("board")
    await pilot.pause()


# name -> (keys pressed once the tickets are loaded, extra setup or None)
SCREENS = {
    "list": (("j",), None),
    "detail": (("enter",), None),
    "board": (("l",), on_board),
    "help": (("question_mark",), None),
    "command_line": ((":", "s", "o", "r", "t", " ", "p"), None),
    "search": (("/", "d", "a", "r", "k"), None),
    "status": (("s",), None),
    "assign": (("a",), None),
    "priority": (("p",), None),
    "comment": (("c",), None),
    "create": (("n",), None),
    "edit": (("i",), None),
    "log_time": (("t", "enter"), None),  # with its validation message
    "labels": (("l",), None),
    "delete": (("d",), None),
    "cascade_delete": (("D",), None),
    "my_work": (("m",), None),
    "approvals": (("A",), None),
    "reject_reason": (("A", "j", "r"), None),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(ws, snap_compare, screen, size):
    keys, setup = SCREENS[screen]

    async def run_before(pilot) -> None:
        await settle(pilot)
        if setup is not None:
            await setup(pilot, ws)
        await pilot.press(*keys)
        await settle(pilot)
        for field in pilot.app.screen.query("Input, TextArea"):
            field.cursor_blink = False  # a blinking cursor is on or off by chance
        await pilot.pause()

    assert snap_compare(ws.app(), terminal_size=SIZES[size], run_before=run_before)


def test_cascade_counts_read_as_english():
    from alloy.tui.actions import counted

    assert [counted(1, "time_entries"), counted(2, "time_entries"), counted(1, "comments"),
            counted(3, "comments")] == ["1 time entry", "2 time entries", "1 comment",
                                        "3 comments"]


async def test_status_colours_and_a_readable_normal_badge(ws):
    app = ws.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        badge = app.query_one("#mode").styles
        assert badge.background.rgb == (0, 0, 255) and badge.color.rgb == (255, 255, 255)
        line = app.tickets.table.render_line(3)  # PROJ-3, Done (line 0 is the header)
        done = next(s for s in line if s.text.strip() == "Done")
        assert done.style.color.name == "green"


async def test_a_notification_covers_the_hints_line_not_the_tickets(ws):
    """Issue 18: toasts covered the Assignee and Priority columns."""
    app = ws.app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.notify("Logged 30 min Coding on PROJ-1")
        toasts = await shown_toasts(pilot)
        hints = app.query_one("KeyHints").region
        assert [t.region.y for t in toasts] == [hints.y] and toasts[0].region.height == 1
        assert not toasts[0].region.overlaps(app.tickets.table.region)
