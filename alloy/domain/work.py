"""Projects, teams and tickets on the wire: create, patch and read shapes kept apart."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from alloy.actor import Credential
from alloy.domain.text import StatusName, required
from alloy.domain.values import UUID_PATTERN, Canonical, Priority

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType
Name = required(255)
ProjectKey = Annotated[str, msgspec.Meta(
    pattern=r"^[A-Za-z][A-Za-z0-9]{0,9}$", title="project key",
    description="a letter followed by up to 9 letters or digits (e.g. BACK)")]
Title = required(500)
Uuid = Annotated[str, msgspec.Meta(pattern=UUID_PATTERN, description="an id (a UUID)")]
# Money is 64-bit signed cents in both databases; bounded here so no store sees more.
Cents = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]
Months = Annotated[int, msgspec.Meta(ge=1, le=600)]
Limit = Annotated[int, msgspec.Meta(ge=1, le=100)]
TicketIds = Annotated[list[Uuid], msgspec.Meta(min_length=1, max_length=500)]


class CapitalizationType(Canonical):
    """How a project's labor is booked (chapter 21): capitalized or expensed."""

    Capex = "Capex"
    Opex = "Opex"

    @classmethod
    def _aliases(cls) -> dict:
        return {"capital": "Capex", "capitalized": "Capex", "capitalexpenditure": "Capex",
                "operating": "Opex", "operational": "Opex", "expense": "Opex",
                "operatingexpenditure": "Opex"}


class DevelopmentPhase(Canonical):
    """ASC 350-40 phase; the MCP reference's Planning/Development/Maintenance/Sunset map here."""

    Preliminary = "Preliminary"
    AppDevelopment = "AppDevelopment"
    PostImplementation = "PostImplementation"

    @classmethod
    def _aliases(cls) -> dict:
        return {"planning": "Preliminary", "preliminaryproject": "Preliminary",
                "development": "AppDevelopment", "applicationdevelopment": "AppDevelopment",
                "appdev": "AppDevelopment", "maintenance": "PostImplementation",
                "sunset": "PostImplementation", "postimplementationoperation":
                "PostImplementation", "operation": "PostImplementation"}


class BudgetPeriod(Canonical):
    Monthly = "Monthly"
    Quarterly = "Quarterly"
    Yearly = "Yearly"
    Fixed = "Fixed"

    @classmethod
    def _aliases(cls) -> dict:
        return {"month": "Monthly", "quarter": "Quarterly", "year": "Yearly",
                "annual": "Yearly", "annually": "Yearly", "once": "Fixed", "total": "Fixed"}


class ProjectIn(msgspec.Struct, kw_only=True):
    org_id: str | None = None
    key: ProjectKey
    name: Name
    description: str | None = None
    team_id: Uuid | None = None
    workflow_id: Uuid | None = None
    capitalization_type: CapitalizationType | None = None
    development_phase: DevelopmentPhase | None = None
    cost_center_id: str | None = None
    amortization_months: Months | None = None
    budget_cents: Cents | None = None
    budget_period: BudgetPeriod | None = None


class ProjectPatch(msgspec.Struct, kw_only=True):
    """PATCH: an absent field is left alone, null clears it."""

    name: Name | Unset = UNSET
    description: str | None | Unset = UNSET
    team_id: Uuid | None | Unset = UNSET
    workflow_id: Uuid | None | Unset = UNSET
    capitalization_type: CapitalizationType | None | Unset = UNSET
    development_phase: DevelopmentPhase | None | Unset = UNSET
    cost_center_id: str | None | Unset = UNSET
    amortization_months: Months | None | Unset = UNSET
    budget_cents: Cents | None | Unset = UNSET
    budget_period: BudgetPeriod | None | Unset = UNSET


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
    limit: Limit = 20


class UserRef(msgspec.Struct, kw_only=True):
    user_id: Uuid


class ProjectMember(msgspec.Struct, kw_only=True):
    project_id: str
    user_id: str
    display_name: str
    email: str
    created_at: str


class ProjectDeletePreview(msgspec.Struct, kw_only=True):
    """What a cascade delete would remove (`?cascade=true&dry_run=true`)."""

    project_id: str
    dependents: dict[str, int]


class ProjectBrief(msgspec.Struct, kw_only=True):
    id: str
    name: str
    key: str
    description: str | None


class TicketCounts(msgspec.Struct, kw_only=True):
    """Counts over every ticket of the project; `by_status` in order of first appearance.

    `has_more` is always false (the counts are exact); it keeps the MCP reference's shape."""

    total: int
    by_status: dict[str, int]
    has_more: bool = False


class SprintBrief(msgspec.Struct, kw_only=True):
    id: str
    name: str
    status: str
    start_date: str
    end_date: str


class ProjectSummary(msgspec.Struct, kw_only=True):
    """A project at a glance (`projects.summary`, MCP `get_project_summary`)."""

    project: ProjectBrief
    ticket_summary: TicketCounts
    sprints: list[SprintBrief]


class TicketDeletePreview(msgspec.Struct, kw_only=True):
    ticket_id: str
    dependents: dict[str, int]


class TeamDeletePreview(msgspec.Struct, kw_only=True):
    team_id: str
    dependents: dict[str, int]


class TeamIn(msgspec.Struct, kw_only=True):
    name: Name
    description: str | None = None


class TeamPatch(msgspec.Struct, kw_only=True):
    name: Name | Unset = UNSET
    description: str | None | Unset = UNSET


class Team(msgspec.Struct, kw_only=True):
    id: str
    org_id: str
    name: str
    description: str | None
    created_at: str
    updated_at: str


class TeamMember(msgspec.Struct, kw_only=True):
    team_id: str
    user_id: str
    display_name: str
    email: str
    created_at: str


class Progress(msgspec.Struct, kw_only=True):
    """A parent's sub-issues: how many, and how many are closed (done or cancelled)."""

    done: int
    total: int


class TicketIn(msgspec.Struct, kw_only=True):
    title: Title
    description: str | None = None
    status: StatusName | None = None
    priority: Priority = Priority.None_
    assignee_id: Uuid | None = None
    sprint_id: Uuid | None = None
    parent_id: Uuid | None = None  # the parent ticket (a sub-issue), same organization
    reporter_id: str | None = None  # deprecated, ignored: the actor is the reporter


class TicketPatch(msgspec.Struct, kw_only=True):
    title: Title | Unset = UNSET
    description: str | None | Unset = UNSET
    status: StatusName | Unset = UNSET
    priority: Priority | Unset = UNSET
    assignee_id: Uuid | None | Unset = UNSET
    sprint_id: Uuid | None | Unset = UNSET
    parent_id: Uuid | None | Unset = UNSET
    reporter_id: str | None | Unset = UNSET  # deprecated, ignored


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
    parent_id: str | None = None
    created_at: str
    updated_at: str
    progress: Progress | Unset = UNSET  # one ticket read (GET) of a parent: its sub-issues
    warning: str | Unset = UNSET


class TicketQuery(msgspec.Struct, kw_only=True):
    status: str | None = None  # one status or several, comma-separated
    priority: Priority | None = None
    assignee_id: str | None = None
    sprint_id: str | None = None
    label: str | None = None  # a label id or name
    cursor: str | None = None
    limit: Limit = 20


MAX_QUERY_LENGTH = 1000  # characters in a search query


class SearchQuery(msgspec.Struct, kw_only=True):
    """`GET /api/v1/orgs/{org_id}/search`: the query, an optional project (UUID or key).
    Here, not in `alloy.domain.query`: the tickets service declares it, and every ticket
    command imports that service without needing the query language."""

    q: Annotated[str, msgspec.Meta(max_length=MAX_QUERY_LENGTH)] = ""
    project_id: str | None = None
    cursor: str | None = None
    limit: Limit = 20


class ResolveQuery(msgspec.Struct, kw_only=True):
    ref: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    project_id: str | None = None  # a UUID or a project key; needed for a bare number
    org_id: str | None = None


class Resolved(msgspec.Struct, kw_only=True):
    ticket: Ticket
    suggestions: list[str] = msgspec.field(default_factory=list)


class BatchUpdateIn(msgspec.Struct, kw_only=True):
    ticket_ids: TicketIds
    title: Title | Unset = UNSET
    description: str | None | Unset = UNSET
    status: StatusName | Unset = UNSET
    priority: Priority | Unset = UNSET
    assignee_id: Uuid | None | Unset = UNSET
    sprint_id: Uuid | None | Unset = UNSET


class BatchUpdated(msgspec.Struct, kw_only=True):
    updated: int
    warning: str | Unset = UNSET


class BatchDeleteIn(msgspec.Struct, kw_only=True):
    ticket_ids: TicketIds
    cascade: bool = False
    dry_run: bool = False


class Blocked(msgspec.Struct, kw_only=True):
    id: str
    dependents: dict[str, int]


class BatchDeleted(msgspec.Struct, kw_only=True):
    deleted: list[str]
    blocked: list[Blocked]


class Change(msgspec.Struct, kw_only=True):
    field: str
    old: Any = None
    new: Any = None


class ActivityPayload(msgspec.Struct, kw_only=True):
    audit_log_id: str
    action: str
    entity_type: str
    changes: list[Change]


class Activity(msgspec.Struct, kw_only=True):
    type: str
    actor: str | None
    timestamp: str
    payload: ActivityPayload
    via: Credential | None = None  # what the actor acted through; None on rows before 0094


class PageOnly(msgspec.Struct, kw_only=True):
    cursor: str | None = None
    limit: Limit = 20
