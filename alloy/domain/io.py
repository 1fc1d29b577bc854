"""The portable export format (AlloyExport v1) and the shapes of export and import.

Exports name things the way people do — users by email, projects by key, labels, workflows
and sprints by name, tickets by number — never by UUID, so a file moves between Alloy
instances and reads well in a diff. Everything below a project nests inside it (sprints,
tickets; comments and time entries inside their ticket); only org-wide things (users,
workflows, labels) are top-level, as the API Reference lists them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from alloy.domain.text import stated
from alloy.domain.work import Cents, Months

VERSION = 1
DEFAULT_LABEL_COLOR = "#6B7280"
Minutes = Annotated[int, msgspec.Meta(ge=1, le=1440)]
TicketNumber = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]  # a 32-bit column


class ExportUser(msgspec.Struct, kw_only=True, omit_defaults=True):
    email: str
    display_name: str | None = None
    role: str | None = None  # the org role; None for people who left but are referenced


class ExportStatus(msgspec.Struct, kw_only=True):
    name: str
    category: str = "todo"


class ExportTransition(msgspec.Struct, kw_only=True):
    from_: str = msgspec.field(name="from")
    to: str


class ExportWorkflow(msgspec.Struct, kw_only=True):
    name: str
    statuses: list[ExportStatus]
    transitions: list[ExportTransition] = []
    enforcement: str = "none"
    is_default: bool = False


class ExportLabel(msgspec.Struct, kw_only=True):
    name: str
    color: str = DEFAULT_LABEL_COLOR


class ExportSprint(msgspec.Struct, kw_only=True):
    name: str
    goal: str | None = None
    start_date: str
    end_date: str
    status: str = "Planned"
    started_at: str | None = None
    completed_at: str | None = None


class ExportComment(msgspec.Struct, kw_only=True):
    author: str | None = None  # email; None means the importing user
    body: str
    parent: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] | None = None  # index of the replied-to comment in the same list
    created_at: str | None = None


class ExportTimeEntry(msgspec.Struct, kw_only=True):
    user: str | None = None  # email; None means the importing user
    date: str
    duration_minutes: Minutes
    description: str | None = None
    activity_type: str = "Coding"
    status: str = "Draft"
    approved_by: str | None = None
    approved_at: str | None = None
    rejection_reason: str | None = None


class ExportRelation(msgspec.Struct, kw_only=True):
    """A relation kept on its source ticket: this ticket `kind` (blocks, relates_to,
    duplicates) the ticket whose key is `target` (any project of the org)."""

    kind: str
    target: str


class ExportTicket(msgspec.Struct, kw_only=True):
    number: TicketNumber | None = None  # kept on import when free in the target project
    key: str | None = None  # "PROJ-12", informative (number wins)
    title: str
    description: str | None = None
    status: str | None = None
    priority: str = "None"
    assignee: str | None = None  # email
    reporter: str | None = None  # email; None means the importing user
    sprint: str | None = None  # sprint name in the same project
    labels: list[str] = []
    created_at: str | None = None
    updated_at: str | None = None
    comments: list[ExportComment] = []
    time_entries: list[ExportTimeEntry] = []
    parent: str | None = None  # "PROJ-3": the parent ticket's key (a sub-issue)
    relations: list[ExportRelation] = []


class ExportProject(msgspec.Struct, kw_only=True):
    key: str
    name: str
    description: str | None = None
    workflow: str | None = None  # workflow name; None follows the org's Default
    capitalization_type: str | None = None
    development_phase: str | None = None
    cost_center_id: str | None = None
    amortization_months: Months | None = None
    budget_cents: Cents | None = None
    budget_period: str | None = None
    members: list[str] = []  # emails
    sprints: list[ExportSprint] = []
    tickets: list[ExportTicket] = []


class AlloyExport(msgspec.Struct, kw_only=True):
    """An export, as `GET /api/v1/export` returns it and `POST /api/v1/import` reads it."""

    version: int
    source: str
    exported_at: str
    users: list[ExportUser]
    workflows: list[ExportWorkflow]
    labels: list[ExportLabel]
    projects: list[ExportProject]


class ImportIn(msgspec.Struct, kw_only=True):
    """The import body. Its lists are read item by item in the service, not here, so a bad
    field deep inside is reported with its full path (`projects[0].tickets[3].title`)."""

    version: stated(int, enum=[VERSION])
    source: str
    exported_at: str
    users: list[dict[str, Any]]
    workflows: list[dict[str, Any]]
    labels: list[dict[str, Any]]
    projects: list[dict[str, Any]]


class ExportQuery(msgspec.Struct, kw_only=True):
    org_id: str | None = None
    project: str | None = None
    format: Literal["json", "sqlite"] = "json"


class ImportQuery(msgspec.Struct, kw_only=True):
    org_id: str | None = None
    dry_run: bool = False


class Summary(msgspec.Struct, kw_only=True):
    users_created: int = 0
    workflows_created: int = 0
    labels_created: int = 0
    projects_created: int = 0
    sprints_created: int = 0
    tickets_created: int = 0
    comments_created: int = 0
    time_entries_created: int = 0
    relations_created: int = 0


class ImportResult(msgspec.Struct, kw_only=True):
    status: str
    summary: Summary
    dry_run: bool = False
    warnings: list[str] = []
