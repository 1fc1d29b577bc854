"""Time entries and labor rates on the wire: activity types, statuses, request/response shapes.

Activity types: the spec names thirteen canonical types (API Reference, Time Tracking guide,
TUI, MCP) and other spellings elsewhere (the CLI Reference's `Meeting`, `Planning`, `DevOps`,
`BugFix`, ...). Every spelling is accepted and stored as one canonical type, so reports never
see two names for one kind of work. The CapEx rule per canonical type is in `domain/finance`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from alloy.domain.values import ActivityType, EntryStatus

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType
Minutes = Annotated[int, msgspec.Meta(ge=1, le=1440)]
Cents = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
Text = Annotated[str, msgspec.Meta(max_length=2000)]
Limit = Annotated[int, msgspec.Meta(ge=1, le=100)]


class TimeEntryIn(msgspec.Struct, kw_only=True):
    user_id: str | None = None
    ticket_id: str
    project_id: str | None = None
    date: dt.date
    duration_minutes: Minutes
    description: Text | None = None
    activity_type: ActivityType


class TimeEntryPatch(msgspec.Struct, kw_only=True):
    date: dt.date | Unset = UNSET
    duration_minutes: Minutes | Unset = UNSET
    description: Text | None | Unset = UNSET
    activity_type: ActivityType | Unset = UNSET


class RejectIn(msgspec.Struct, kw_only=True):
    reason: Text | None = None


class TimeEntry(msgspec.Struct, kw_only=True):
    id: str
    user_id: str
    ticket_id: str
    project_id: str
    date: str
    duration_minutes: int
    description: str | None
    activity_type: ActivityType
    status: EntryStatus
    approved_by: str | None
    approved_at: str | None
    rejection_reason: str | None
    created_at: str
    updated_at: str


class ProjectEntriesQuery(msgspec.Struct, kw_only=True):
    user_id: str | None = None
    date: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: EntryStatus | None = None
    cursor: str | None = None
    limit: Limit = 20


class TicketEntriesQuery(ProjectEntriesQuery, kw_only=True):
    """A ticket's entries take the same filters, and a project too."""

    project_id: str | None = None


class UserEntriesQuery(msgspec.Struct, kw_only=True):
    org_id: str | None = None
    project_id: str | None = None
    date: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: EntryStatus | None = None
    cursor: str | None = None
    limit: Limit = 20


class SubmittedQuery(msgspec.Struct, kw_only=True):
    org_id: str | None = None
    project_id: str | None = None
    user_id: str | None = None
    cursor: str | None = None
    limit: Limit = 20


class LaborRateIn(msgspec.Struct, kw_only=True):
    user_id: str
    org_id: str | None = None
    loaded_rate_cents: Cents
    effective_date: dt.date


class UserLaborRateIn(msgspec.Struct, kw_only=True):
    """POST /users/{user_id}/orgs/{org_id}/labor-rates: the path names the user and org."""

    loaded_rate_cents: Cents
    effective_date: dt.date
    user_id: str | None = None  # tolerated when equal to the path's
    org_id: str | None = None


class LaborRate(msgspec.Struct, kw_only=True):
    id: str
    user_id: str
    org_id: str
    loaded_rate_cents: int
    effective_date: str
    created_at: str
    updated_at: str


class CurrentRateQuery(msgspec.Struct, kw_only=True):
    date: dt.date | None = None


class RateHistoryQuery(msgspec.Struct, kw_only=True):
    cursor: str | None = None
    limit: Limit = 50
