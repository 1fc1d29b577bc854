"""Issue 17: a cancelled ticket is not remaining work, and days still to come have no
counts — one core rule, seen the same through the API answer, the CLI and the MCP tool."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from alloy.domain.flow import burndown_rows
from tests.daily_support import make_day
from tests.support import cli


def test_cancelled_is_out_of_scope_and_future_days_are_empty():
    category = {"Done": "done", "Cancelled": "cancelled", "Todo": "todo"}.get
    histories = [
        [("2026-04-01T09:00:00.000Z", "S", "Todo")],
        [("2026-04-01T09:00:00.000Z", "S", "Todo"), ("2026-04-02T09:00:00.000Z", "S", "Done")],
        [("2026-04-01T09:00:00.000Z", "S", "Todo"),
         ("2026-04-02T09:00:00.000Z", "S", "Cancelled")],
    ]
    rows = burndown_rows("2026-04-01", "2026-04-04", "S", histories, category, date(2026, 4, 2))
    got = [(r.total_tickets, r.completed_tickets, r.remaining_tickets) for r in rows]
    assert got == [(3, 0, 3), (2, 1, 1), (None, None, None), (None, None, None)]


@pytest.fixture(params=["embedded", "remote"])
def day(request, server, env_for):
    return make_day(request.param, server, env_for)


def test_burndown_through_the_cli(day):
    """A sprint from yesterday to tomorrow with one open and one cancelled ticket."""
    today = date.today()
    sprint = cli(["sprint", "create", "--project", "DAY", "--name", "Now", "--start-date",
                  (today - timedelta(days=1)).isoformat(), "--end-date",
                  (today + timedelta(days=1)).isoformat(), "--format", "json"], day.env).data
    keys = [cli(["ticket", "create", "--project", "DAY", "--title", t, "--format", "plain"],
                day.env).stdout.strip() for t in ("open", "dropped")]
    cli(["sprint", "assign", sprint["id"], "--ticket-ids", ",".join(
        cli(["ticket", "get", k], day.env).data["id"] for k in keys)], day.env)
    cli(["ticket", "transition", keys[1], "--to-status", "Cancelled"], day.env)
    data = cli(["burndown", sprint["id"], "--format", "json"], day.env).data["data"]
    assert [(d["total_tickets"], d["completed_tickets"], d["remaining_tickets"])
            for d in data] == [(0, 0, 0), (1, 0, 1), (None, None, None)]
    plain = cli(["burndown", sprint["id"], "--format", "plain"], day.env).stdout.splitlines()
    assert plain[-1] == f"{(today + timedelta(days=1)).isoformat()}\t\t\t"


def test_the_tui_draws_nothing_for_days_to_come():
    from alloy.tui.widgets.board import burndown_text

    from alloy.domain.flow import Burndown, BurndownDay, Sprint, SprintStatus

    days = [BurndownDay(date=f"2026-04-0{n + 1}", total_tickets=2, completed_tickets=done,
                        remaining_tickets=None if done is None else 2 - done)
            for n, done in enumerate((0, 2, None))]
    sprint = Sprint(id="s", project_id="p", name="S", goal=None, start_date="2026-04-01",
                    end_date="2026-04-03", status=SprintStatus("Active"), created_at="",
                    updated_at="")
    text = burndown_text(sprint, [], Burndown(sprint_id="s", data=days)).plain
    assert text.splitlines()[-1] == "▁█"  # two days drawn, the third left out
