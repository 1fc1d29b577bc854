"""Timers: `alloy start` on a ticket, `alloy stop` logs the elapsed time as a Draft entry.

A timer lives in the database, one per user (the `timers` table), not in a file beside
the CLI: it survives restarts, is the same embedded and remote, and the TUI or an assistant
can show what someone is working on. Stopping goes through `timeentries.create`, so the
entry obeys every rule a hand-logged one does.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alloy.context import Ctx
from alloy.domain.time import TimeEntryIn
from alloy.domain.timers import Timer, TimerIn, TimerStop, TimerStopped, minutes
from alloy.domain.values import ActivityType, Role, now
from alloy.errors import Conflict, Invalid, NotFound
from alloy.ops import op
from alloy.services import tickets

DAY_MINUTES = 1440  # the longest time entry


def _timer(ctx: Ctx, row: dict) -> Timer:
    ticket, project = tickets.load(ctx, row["ticket_id"])
    started = datetime.fromisoformat(row["started_at"].replace("Z", "+00:00"))
    return Timer(user_id=row["user_id"], org_id=row["org_id"], ticket_id=row["ticket_id"],
                 ticket_key=f"{project['key']}-{ticket['ticket_number']}",
                 started_at=row["started_at"],
                 elapsed_seconds=max(0, int((datetime.now(UTC) - started).total_seconds())))


def _running(ctx: Ctx) -> dict:
    row = ctx.db.one("SELECT * FROM timers WHERE user_id = ?", ctx.user_id)
    if row is None:
        raise NotFound("no timer running")
    return row


@op("POST", "/api/v1/timers")
def start(ctx: Ctx, body: TimerIn) -> Timer:
    """Start your timer on a ticket (Member); already running on it: that timer.

    One timer per person: running on another ticket is a conflict (stop it first)."""
    ticket, project = tickets.load(ctx, body.ticket_id, Role.Member)
    row = ctx.db.one("SELECT * FROM timers WHERE user_id = ?", ctx.user_id)
    if row is not None and row["ticket_id"] != ticket["id"]:
        other = _timer(ctx, row)
        raise Conflict(f"a timer is already running on {other.ticket_key} since "
                       f"{other.started_at}: stop it first")
    if row is None:
        row = ctx.db.insert("timers", {"user_id": ctx.user_id, "org_id": project["org_id"],
                                       "ticket_id": ticket["id"], "started_at": now()})
    return _timer(ctx, row)


@op("GET", "/api/v1/timers/current")
def current(ctx: Ctx) -> Timer:
    """Your running timer; 404 when none runs."""
    return _timer(ctx, _running(ctx))


@op("POST", "/api/v1/timers/current/stop", status=200)
def stop(ctx: Ctx, body: TimerStop) -> TimerStopped:
    """Stop your timer and log its time (nearest minute, at least 1) as a Draft entry dated
    the day it started; the activity defaults to that of your last entry in the org."""
    row = _running(ctx)
    timer = _timer(ctx, row)
    logged = minutes(timer.elapsed_seconds)
    if logged > DAY_MINUTES:
        raise Invalid(f"the timer has run since {timer.started_at}, over 24 hours: discard it "
                      "and log the time you worked by hand",
                      [{"field": "duration_minutes", "message": "over 1440 minutes"}])
    activity = body.activity_type or _last_activity(ctx, row["org_id"])
    from alloy.services import timeentries  # only a stop logs time: start and current need not

    entry = timeentries.create(ctx, TimeEntryIn(
        ticket_id=row["ticket_id"], date=datetime.fromisoformat(row["started_at"][:10]).date(),
        duration_minutes=logged, description=body.description, activity_type=activity))
    ctx.db.run("DELETE FROM timers WHERE user_id = ?", ctx.user_id)
    return TimerStopped(timer=timer, entry=entry)


@op("DELETE", "/api/v1/timers/current")
def discard(ctx: Ctx) -> None:
    """Throw your running timer away without logging anything; 204."""
    _running(ctx)
    ctx.db.run("DELETE FROM timers WHERE user_id = ?", ctx.user_id)


def _last_activity(ctx: Ctx, org_id: str) -> ActivityType:
    last = ctx.db.one("SELECT activity_type FROM time_entries WHERE user_id = ? AND org_id = ? "
                      "ORDER BY created_at DESC, id DESC LIMIT 1", ctx.user_id, org_id)
    if last is None:
        raise Invalid("activity_type is required: you have no earlier time entry to take it "
                      "from", [{"field": "activity_type", "message": "required"}])
    return ActivityType(last["activity_type"])
