"""Projects, teams and tickets on the wire."""

from __future__ import annotations

from typing import Annotated

import msgspec

from alloy.domain.values import Canonical

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
ProjectKey = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z][A-Za-z0-9]{0,9}$")]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class Priority(Canonical):
    None_ = "None"
    Low = "Low"
    Medium = "Medium"
    High = "High"
    Urgent = "Urgent"

    @classmethod
    def _aliases(cls) -> dict:
        return {"critical": "Urgent", "highest": "Urgent", "p0": "Urgent", "p1": "High",
                "p2": "Medium", "p3": "Low", "lowest": "Low", "none": "None", "": "None"}


class ProjectIn(msgspec.Struct, kw_only=True):
    org_id: str | None = None
    key: ProjectKey
    name: Name
    description: str | None = None
    team_id: str | None = None
    budget_cents: Annotated[int, msgspec.Meta(ge=0)] | None = None
    budget_period: str | None = None


class Project(msgspec.Struct, kw_only=True):
    id: str
    org_id: str
    team_id: str | None
    workflow_id: str | None
    key: str
    name: str
    description: str | None
    ticket_counter: int
    capitalization_type: str | None
    development_phase: str | None
    cost_center_id: str | None
    amortization_months: int | None
    budget_cents: int | None
    budget_period: str | None
    created_at: str
    updated_at: str


class OrgQuery(msgspec.Struct, kw_only=True):
    org_id: str | None = None
    cursor: str | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20


class TicketIn(msgspec.Struct, kw_only=True):
    title: Title
    description: str | None = None
    status: str | None = None
    priority: Priority = Priority.None_
    assignee_id: str | None = None
    sprint_id: str | None = None
    reporter_id: str | None = None  # deprecated, ignored: the actor is the reporter


class Ticket(msgspec.Struct, kw_only=True):
    id: str
    project_id: str
    ticket_number: int
    key: str
    title: str
    description: str | None
    status: str
    priority: Priority
    assignee_id: str | None
    reporter_id: str
    sprint_id: str | None
    created_at: str
    updated_at: str
    warning: str | Unset = UNSET


class TicketQuery(msgspec.Struct, kw_only=True):
    status: str | None = None
    priority: Priority | None = None
    assignee_id: str | None = None
    sprint_id: str | None = None
    cursor: str | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20
