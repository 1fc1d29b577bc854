"""Issue 17: a cancelled ticket is not remaining work, and days still to come have no
counts — one core rule, seen the same through the API answer, the CLI and the MCP tool."""

from __future__ import annotations

from datetime import date, timedelta

from alloy.domain.flow import burndown_rows
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


def _sprint_with_cancelled(env) -> str:
    """A sprint from yesterday to tomorrow with one open and one cancelled ticket."""
    today = date.today()
    sprint = cli(env, "sprint", "create", "--project", "DAY", "--name", "Now", "--start-date",
                 (today - timedelta(days=1)).isoformat(), "--end-date",
                 (today + timedelta(days=1)).isoformat(), "--format", "json").json["id"]
    ids = [cli(env, "ticket", "create", "--project", env.project_id, "--title", t,
               "--format", "json").json["id"] for t in ("open", "dropped")]
    cli(env, "sprint", "assign", sprint, "--ticket-ids", ",".join(ids))
    cli(env, "ticket", "transition", ids[1], "--to", "Cancelled")
    return sprint
