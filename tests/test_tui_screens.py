"""My work (`m`) and Approvals (`A`), driven by keys on a real embedded database."""

from __future__ import annotations

import pytest
from alloy.tui import api
from alloy.tui.screens.approvals import Approvals, grouped, week
from alloy.tui.screens.mywork import MyWork

from tests.test_tui_app import start
from tests.tui_support import entry_row, screen_text, settle, ticket_row, workspace


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLOY_REGISTRATION", "open")
    return workspace(tmp_path, monkeypatch, tickets=3)


def member(ws, name: str = "Bob", role: str = "member"):
    """A second person in the org, and a client acting as them."""
    from alloy.actor import Actor
    from alloy.client.local import LocalClient

    email = f"{name.lower()}@example.com"
    person = LocalClient(ws.env, None).call("auth.register", body={
        "email": email, "password": "password123", "display_name": name})
    ws.client.call("orgs.add_member", org_id=ws.org_id,
                   body={"user_id": person["user_id"], "role": role})
    return person["user_id"], LocalClient(ws.env, Actor(user_id=person["user_id"],
                                                        org_id=ws.org_id, email=email))


def submitted(client, ticket: dict, day: str, minutes: int, note: str = "") -> dict:
    entry = client.call("timeentries.create", body={
        "ticket_id": ticket["id"], "date": day, "duration_minutes": minutes,
        "activity_type": "Coding", "description": note or None})
    return client.call("timeentries.submit", entry_id=entry["id"])


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_approvals_groups_by_person_and_week_and_a_r_decide(ws):
    bob, as_bob = member(ws)
    first = submitted(as_bob, ws.tickets[0], "2026-03-03", 90, "login fix")
    second = submitted(as_bob, ws.tickets[1], "2026-03-02", 30, "dark mode spike")
    mine = submitted(ws.client, ws.tickets[2], "2026-03-09", 45)
    app = ws.app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await start(app, pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, Approvals)
        text = screen_text(app)
        assert "3 submitted entries · 2h 45m" in text
        assert "Bob · week 2026-W10 (from Mar 02) · 2 entries · 2h 00m" in text
        assert "Olive · week 2026-W11 (from Mar 09) · 1 entry · 45m" in text
        assert app.screen.selected.id == second["id"]  # the heading is skipped; by day
        await pilot.press("a")
        await settle(pilot)
        assert ws.client.call("timeentries.get", entry_id=second["id"])["status"] == "Approved"
        assert "Approved 30m of Bob on PROJ-2" in notes(app)
        assert app.screen.selected.id == first["id"]
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"not on this ticket", "enter")
        await settle(pilot)
        got = ws.client.call("timeentries.get", entry_id=first["id"])
        assert got["status"] == "Rejected" and got["rejection_reason"] == "not on this ticket"
        await pilot.press("j", "a")
        await settle(pilot)
        assert ws.client.call("timeentries.get", entry_id=mine["id"])["status"] == "Approved"
        assert "Nothing awaits approval." in screen_text(app)
        await pilot.press("q")
        assert app.screen is app.screen_stack[0] and app.tickets.view == "list"


async def test_approvals_say_why_a_member_may_not_approve(ws):
    bob, as_bob = member(ws)
    from alloy.tui.app import AlloyApp

    app = AlloyApp(client=as_bob)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await start(app, pilot)
        await pilot.press("A")
        await settle(pilot)
        assert app.screen is app.screen_stack[0]
        assert any("needs the Admin or Owner role; you are Member" in n for n in notes(app))


def test_week_and_grouping():
    assert week("2026-03-08") == ("2026-W10", "Mar 02")  # a Sunday
    entries = [entry_row(id="1", date="2026-01-01", duration_minutes=60),
               entry_row(id="2", date="2025-12-29", duration_minutes=5)]
    [(heading, rows)] = grouped(entries, lambda _: "Ann")
    assert heading == "Ann · week 2026-W01 (from Dec 29) · 2 entries · 1h 05m"
    assert [r.id for r in rows] == ["2", "1"]


async def test_my_work_lists_my_open_tickets_across_projects(ws):
    bob, _ = member(ws)
    me = ws.user_id
    urgent = ws.ticket("Rotate the on-call schedule", "Urgent", project=ws.other)
    for t, who in ((ws.tickets[0], me), (ws.tickets[1], bob), (ws.tickets[2], me),
                   (urgent, me)):
        api.update(ws.client, t["id"], assignee_id=who)
    api.set_status(ws.client, ws.tickets[2]["id"], "Done")
    app = ws.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MyWork)
        assert [t.key for t in app.screen.rows] == ["OPS-1", "PROJ-1"]
        text = screen_text(app)
        assert "No timer running" in text and "2 open tickets assigned to you" in text
        await pilot.press("j", "enter")
        await settle(pilot)
        assert app.screen is app.screen_stack[0] and app.tickets.view == "detail"
        assert app.tickets.detail.ticket.key == "PROJ-1"


async def test_my_work_shows_the_running_timer_and_space_x_start_and_stop_it(ws):
    ws.client.call("timers.start", body={"ticket_id": ws.tickets[1]["id"]})  # `alloy start`
    for t in ws.tickets[:2]:
        api.update(ws.client, t["id"], assignee_id=ws.user_id)
    app = ws.app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await start(app, pilot)
        assert "⏱ PROJ-2" in screen_text(app)  # the status bar, from the start
        await pilot.press("m")
        await settle(pilot)
        assert "⏱ PROJ-2 running 0m" in screen_text(app)
        await pilot.press("space")  # PROJ-1: another ticket, so the server refuses
        await settle(pilot)
        assert any("already running on PROJ-2" in n for n in notes(app))
        await pilot.press("x")  # no earlier entry to take the activity from: asked
        await settle(pilot)
        await pilot.press("j", "enter")  # Testing
        await settle(pilot)
        assert api.timer(ws.client) is None
        [entry] = ws.client.call("timeentries.list_for_ticket", ticket_id=ws.tickets[1]["id"],
                                 query={})["items"]
        assert entry["activity_type"] == "Testing" and entry["status"] == "Draft"
        assert "Logged 1m Testing on PROJ-2 (a Draft entry)" in notes(app)
        assert "No timer running" in screen_text(app)
        await pilot.press("space")
        await settle(pilot)
        assert api.timer(ws.client).ticket_key == "PROJ-1"
        assert "⏱ PROJ-1" in screen_text(app)
        await pilot.press("space")  # on the running ticket: stops it (Testing, as last time)
        await settle(pilot)
        assert api.timer(ws.client) is None
        assert "Logged 1m Testing on PROJ-1 (a Draft entry)" in notes(app)
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]
        assert "⏱" not in screen_text(app)


def test_open_means_not_in_a_done_or_cancelled_category_of_the_workflow():
    from alloy.tui.model import Model

    from alloy.domain.flow import StatusDef, Workflow

    m = Model()
    assert m.category_of("in progress") == "in_progress" and m.category_of("Nope") is None
    assert not m.is_open(ticket_row(status="Cancelled")) and m.is_open(ticket_row(status="Nope"))
    m.workflows = [Workflow(id="w", org_id="o", name="Ship", statuses=[
        StatusDef(name="Shipped", category="done"), StatusDef(name="Done", category="in_review")],
        transitions=[], enforcement="none", is_default=False, created_at="", updated_at="")]
    assert not m.is_open(ticket_row(status="Shipped")) and m.is_open(ticket_row(status="Done"))
