"""Running timers on the wire: one per user, started on a ticket, stopped into a time entry."""

from __future__ import annotations

import msgspec

from alloy.domain.time import Text, TimeEntry
from alloy.domain.values import ActivityType


class TimerIn(msgspec.Struct, kw_only=True):
    ticket_id: str


class Timer(msgspec.Struct, kw_only=True):
    user_id: str
    org_id: str
    ticket_id: str
    ticket_key: str
    started_at: str
    elapsed_seconds: int


class TimerStop(msgspec.Struct, kw_only=True):
    """`activity_type` left out: the activity of the user's last time entry in the org."""
    activity_type: ActivityType | None = None
    description: Text | None = None


class TimerStopped(msgspec.Struct, kw_only=True):
    timer: Timer
    entry: TimeEntry


def minutes(seconds: int) -> int:
    """Elapsed time as logged: rounded to the nearest minute, never less than one."""
    return max(1, (seconds + 30) // 60)
