"""Quick actions and sprint commands, driven by keys, checked through the client.

Nothing here is skipped: a renamed or missing operation fails these tests.
"""

from __future__ import annotations

import datetime

import pytest
from alloy.tui import api

from tests.test_tui_app import start
from tests.tui_support import Workspace, screen_text, settle


@pytest.fixture
def ws(tmp_path, monkeypatch):
    for name in ("ALLOY_ORG_ID", "ALLOY_BASE_URL", "ALLOY_API_URL", "ALLOY_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ALLOY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ALLOY_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'alloy.db'}")
    return Workspace(tmp_path, tickets=3)


async def test_s_changes_status_in_list_and_detail(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("s", "j", "j", "enter")  # Backlog -> Todo -> InProgress
        await settle(pilot)
        assert ws.get(ws.tickets[0]["id"])["status"] == "InProgress"
        assert app.tickets.table.selected.status == "InProgress"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s", "j", "enter")  # InProgress -> InReview
        await settle(pilot)
        assert ws.get(ws.tickets[0]["id"])["status"] == "InReview"
        assert "Status:   InReview" in screen_text(app)


async def test_s_offers_the_statuses_of_the_projects_workflow(ws):
    flow = ws.client.call("workflows.create", org_id=ws.org_id, body={
        "name": "Triage", "enforcement": "none", "transitions": [],
        "statuses": [{"name": "Open", "category": "todo"},
                     {"name": "Doing", "category": "in_progress"},
                     {"name": "Shipped", "category": "done"}]})
    ws.client.call("projects.update", project_id=ws.project["id"],
                   body={"workflow_id": flow["id"]})
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("s")
        await settle(pilot)
        text = screen_text(app)
        assert "Shipped" in text and "InReview" not in text
        await pilot.press("j", "enter")  # Open -> Doing
        await settle(pilot)
        assert ws.get(ws.tickets[0]["id"])["status"] == "Doing"


async def test_p_changes_priority_and_a_assigns_and_unassigns(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("p", "g", "g", "enter")  # Urgent is first
        await settle(pilot)
        assert ws.get(ws.tickets[0]["id"])["priority"] == "Urgent"
        await pilot.press("a", "j", "enter")  # first member after "Unassign"
        await settle(pilot)
        assert ws.get(ws.tickets[0]["id"])["assignee_id"] == ws.user_id
        assert "Olive" in screen_text(app)
        await pilot.press("a", "g", "g", "enter")  # Unassign
        await settle(pilot)
        assert ws.get(ws.tickets[0]["id"])["assignee_id"] is None


async def test_e_edits_title_and_description(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("e")
        assert app.tickets.mode == "INSERT"
        app.screen.query_one("#title").value = ""
        await pilot.press(*"Fix SSO login", "tab", *"Users on SSO", "ctrl+s")
        await settle(pilot)
        fresh = ws.get(ws.tickets[0]["id"])
        assert fresh["title"] == "Fix SSO login" and fresh["description"] == "Users on SSO"
        assert app.tickets.table.selected.title == "Fix SSO login"


async def test_c_adds_a_comment_shown_in_detail(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c", *"Looks good to me", "enter")
        await settle(pilot)
        items = ws.client.call("comments.list", ticket_id=ws.tickets[0]["id"])["items"]
        assert [c["body"] for c in items] == ["Looks good to me"]
        assert "Olive" in screen_text(app) and "Looks good to me" in screen_text(app)


async def test_l_toggles_labels_with_check_marks(ws):
    bug = api.run(ws.client, "labels.create", ws.org_id, body={"name": "bug", "color": "#FF0000"})
    api.run(ws.client, "labels.create", ws.org_id, body={"name": "ui", "color": "#00FF00"})
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("l")
        await settle(pilot)
        assert type(app.screen).__name__ == "LabelsPopup"
        assert "  bug (#FF0000)" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "✓ bug (#FF0000)" in screen_text(app)
        assert [lb.id for lb in api.ticket_labels(ws.client, ws.tickets[0]["id"])] == [bug.id]
        await pilot.press("enter")
        await settle(pilot)
        assert api.ticket_labels(ws.client, ws.tickets[0]["id"]) == []
        await pilot.press("escape")
        assert type(app.screen).__name__ == "TicketsScreen"


async def test_t_logs_time_for_today(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("t", *"90", "tab", "j", "enter")  # Coding -> Testing
        await settle(pilot)
        entries = api.items(ws.client, "timeentries.list_for_ticket", ws.tickets[0]["id"])
        assert len(entries) == 1
        e = entries[0]
        assert e.duration_minutes == 90 and e.activity_type.value == "Testing"
        assert e.date == datetime.date.today().isoformat() and e.user_id == ws.user_id


async def test_d_deletes_after_choosing_yes(ws):
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("j", "d", "j", "enter")  # Cancel -> "Yes, delete"
        await settle(pilot)
        keys = [t["key"] for t in ws.client.call(
            "tickets.list", project_id=ws.project["id"])["items"]]
        assert keys == ["PROJ-1", "PROJ-3"]
        assert [t.key for t in app.tickets.table.rows] == ["PROJ-1", "PROJ-3"]
        assert app.tickets.table.cursor == 1


async def test_D_previews_dependents_then_cascades(ws):
    tid = ws.tickets[0]["id"]
    for text in ("one", "two"):
        ws.client.call("comments.create", ticket_id=tid, body={"body": text})
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("d", "j", "enter")  # plain delete: 409, shown, nothing removed
        await settle(pilot)
        assert ws.get(tid)["id"] == tid and app.is_running
        await pilot.press("D")
        await settle(pilot)
        assert "Yes, delete ticket + 2 comments" in screen_text(app)
        await pilot.press("enter")  # Cancel is highlighted
        await settle(pilot)
        assert ws.get(tid)["id"] == tid
        await pilot.press("D")
        await settle(pilot)
        await pilot.press("k", "enter")
        await settle(pilot)
        from alloy.errors import NotFound

        with pytest.raises(NotFound):
            ws.get(tid)
        assert "PROJ-1" not in [t.key for t in app.tickets.table.rows]


async def test_sprint_commands_and_board_keys(ws):
    app = ws.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await start(app, pilot)
        await pilot.press("colon", *"sprint create Sprint-4 2026-04-01 2026-04-14", "enter")
        await settle(pilot)
        assert app.screen.query_one(".title").render().plain.startswith("Which project?")
        await pilot.press("enter")  # PROJ, the first
        await settle(pilot)
        sprints = api.sprints(ws.client, ws.project["id"])
        assert [(s.name, s.status.value) for s in sprints] == [("Sprint-4", "Planned")]
        sid = sprints[0].id
        for t in ws.tickets:
            api.run(ws.client, "sprints.batch_assign", sid, body={"ticket_ids": [t["id"]]})
        await pilot.press("colon", *f"sprint start {sid}", "enter")
        await settle(pilot)
        assert api.sprint(ws.client, sid).status.value == "Active"
        await pilot.press("tab")  # the filter on PROJ: no question
        await pilot.press("colon", *"sprint list", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "SelectPopup" and "Sprint-4" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.tickets.view == "board" and app.tickets.board.burndown_shown
        assert "Sprint-4" in app.tickets.context()
        assert "Total:" in screen_text(app)
        await pilot.press("b")
        assert not app.tickets.board.burndown_shown
        await pilot.press("b", "l", "h", "tab", "shift+tab", "right", "left", "j", "k", "G",
                          "g", "g")
        assert app.tickets.board.selected
        await pilot.press("s", "j", "enter")  # first status column -> next status
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.tickets.view == "detail"
        await pilot.press("escape")  # back where the detail was opened from
        assert app.tickets.view == "board"
        await pilot.press("escape")
        assert app.tickets.view == "list"
        await pilot.press("colon", *f"sprint {sid}", "enter")
        await settle(pilot)
        assert app.tickets.view == "board"
        await pilot.press("q")
        assert app.tickets.view == "list" and app.is_running
        await pilot.press("colon", *f"sprint complete {sid[:8]}", "enter")
        await settle(pilot)
        assert api.sprint(ws.client, sid).status.value == "Completed", \
            [n.message for n in app._notifications]
        await pilot.press("colon", *f"sprint {sid}", "enter")
        await settle(pilot)
        assert app.tickets.view == "board"
        await pilot.press("escape")
        assert app.tickets.view == "list"
