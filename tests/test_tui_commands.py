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
        assert [t.key for t in app.tickets.table.rows] == ["PROJ-2"]
        assert "status=InProgress" in app.tickets.context()


async def test_filter_unknown_status_warns_and_lists_the_statuses(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("colon", *"filter status=Bogus", "enter")
        await settle(pilot)
        assert app.model.status is None and len(app.tickets.table.rows) == 3
        warning = next(m for m in messages(app) if "Bogus" in m)
        assert "no status" in warning and "Backlog" in warning and "InProgress" in warning


def popup_lines(app) -> list[str]:
    return [str(o.prompt) for o in app.screen.query_one("VimList").options]


async def test_sprint_list_on_all_asks_for_the_project_not_the_highlighted_row(ws):
    ops_ticket = ws.ticket("Ops work", project=ws.other)
    api.sprint_create(ws.client, ws.project["id"], "Proj sprint", "2026-04-01", "2026-04-14")
    api.sprint_create(ws.client, ws.other["id"], "Ops sprint", "2026-04-01", "2026-04-14")
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("G")
        assert app.tickets.table.selected.id == ops_ticket["id"] and app.model.project_label == "All"
        await pilot.press("colon", *"sprint list", "enter")
        await settle(pilot)
        assert popup_lines(app) == ["PROJ  Proj", "OPS  Ops"], "did not ask which project"
        await pilot.press("enter")  # PROJ
        await settle(pilot)
        assert [line.split("  ")[0] for line in popup_lines(app)] == ["Proj sprint"]
        await pilot.press("escape", "colon", *"project ops", "enter",
                          "colon", *"sprint list", "enter")
        await settle(pilot)
        assert [line.split("  ")[0] for line in popup_lines(app)] == ["Ops sprint"]


async def test_sprint_names_need_no_quotes(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("colon", *"project PROJ", "enter")
        await pilot.press("colon", *"sprint create Sprint 1 2026-04-01 2026-04-14", "enter")
        await settle(pilot)
        assert [s.name for s in api.sprints(ws.client, ws.project["id"])] == ["Sprint 1"]
        await pilot.press("colon", *"sprint Sprint 1", "enter")
        await settle(pilot)
        assert app.tickets.view == "board" and app.tickets.board.sprint.name == "Sprint 1", messages(app)
        await pilot.press("colon", *"sprint start Sprint 1", "enter")
        await settle(pilot)
        assert api.sprints(ws.client, ws.project["id"])[0].status.value == "Active", messages(app)


async def test_sprint_list_prefixes_tell_sprints_apart_and_errors_read_plainly(ws):
    made = [api.sprint_create(ws.client, ws.project["id"], f"S{n}", "2026-04-01", "2026-04-14")
            for n in range(2)]
    assert made[0].id[:8] == made[1].id[:8]  # UUIDv7: made in the same minute
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("tab", "colon", *"sprint list", "enter")
        await settle(pilot)
        shown = [line.rsplit("  ", 1)[1] for line in popup_lines(app)]
        assert len(set(shown)) == 2 and all(len(p) >= 8 for p in shown)
        assert [s.id.startswith(p) for s, p in zip(made, shown, strict=True)] == [True, True]
        await pilot.press("escape", "colon", *f"sprint {shown[0]}", "enter")
        await settle(pilot)
        assert app.tickets.view == "board" and app.tickets.board.sprint.id == made[0].id, messages(app)
        await pilot.press("colon", *f"sprint {made[0].id[:8]}", "enter")
        await settle(pilot)
        clash = next(m for m in messages(app) if "matches 2 sprints" in m)
        assert not clash.split(":")[0].endswith("Error"), clash
        assert "S0" in clash and "S1" in clash
