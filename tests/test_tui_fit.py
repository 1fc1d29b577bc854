"""Every popup fits a 80x24 terminal: its frame is on screen and nothing in it is cut off
(issue 18, bug 4: the log-time popup lost its activity types and its validation message)."""

from __future__ import annotations

import pytest
from alloy.tui import api
from textual.geometry import Region

from tests.test_tui_app import start
from tests.tui_support import settle, shown_toasts, workspace

SMALL = (80, 24)


@pytest.fixture
def ws(tmp_path, monkeypatch):
    return workspace(tmp_path, monkeypatch, tickets=3)


def cut_off(app) -> list[str]:
    """What of the popup on top lies outside the screen or outside its frame."""
    screen = Region(0, 0, *app.size)
    frame = app.screen.children[0]
    problems = [] if screen.contains_region(frame.region) else [f"frame {frame.region}"]
    inner = frame.content_region
    for part in frame.children:
        if part.display and not inner.contains_region(part.region):
            problems.append(f"{part} at {part.region} outside {inner}")
        if part.display and part.region.height == 0:
            problems.append(f"{part} has no room")
    return problems


POPUPS = [("s",), ("a",), ("c",), ("p",), ("n",), ("e",), ("t",), ("d",), ("D",),
          ("question_mark",), ("l",), ("colon", *"sprint list", "enter")]


@pytest.mark.parametrize("keys", POPUPS, ids=lambda k: "".join(k))
async def test_each_popup_fits_80x24(ws, keys):
    for n in range(14):
        api.run(ws.client, "labels.create", ws.org_id, body={"name": f"label-{n}",
                                                               "color": "#00FF00"})
    for n in range(20):
        api.sprint_create(ws.client, ws.project["id"], f"Sprint {n}", "2026-04-01",
                          "2026-04-14")
    app = ws.app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot)
        await pilot.press("tab")  # PROJ: `:sprint list` needs a project
        await pilot.press(*keys)
        await settle(pilot)
        assert app.screen is not app.screen_stack[0], "no popup opened"
        assert cut_off(app) == []
        await pilot.press("enter")  # forms show their validation message when empty
        await settle(pilot)
        if app.screen is not app.screen_stack[0]:
            assert cut_off(app) == []


async def test_log_time_popup_shows_its_message_and_every_activity_type_at_80x24(ws):
    from alloy.domain.enums import ACTIVITY_TYPES

    app = ws.app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot)
        await pilot.press("t", "enter")
        await settle(pilot)
        error = app.screen.query_one("#error")
        assert "1–1440" in str(error.render()) and cut_off(app) == []
        await pilot.press("tab", "G")
        await settle(pilot)
        from tests.tui_support import screen_text

        assert ACTIVITY_TYPES[-1] in screen_text(app) and cut_off(app) == []


async def test_a_long_message_fits_80x24(ws):
    app = ws.app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await start(app, pilot)
        app.notify("word " * 80, title="sprint list failed", severity="error")
        toasts = await shown_toasts(pilot)
        assert toasts and all(Region(0, 0, *SMALL).contains_region(t.region) for t in toasts)
