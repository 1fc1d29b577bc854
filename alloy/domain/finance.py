"""Capitalization rules, rounding and report shapes (ASC 350-40 / IAS 38).

The CapEx rule (documented for users in docs/finance-reports.md):

- a project whose `capitalization_type` is not Capex (Opex, or unset) books everything as Opex;
- on a Capex project each activity type decides, with the project's `development_phase`:
  always Capex: Coding, Testing, CodeReview, Design, Architecture, Documentation, Deployment;
  Capex only in AppDevelopment: BugFixing, PM, Meetings;
  Capex only in Preliminary: Requirements;
  always Opex: Training, Maintenance.

Rounding: an entry's amount is minutes x rate / 60 rounded half-up to a whole cent, once, per
entry; every total is a sum of entry amounts, so totals always equal the sum of their parts.
Hours are minutes / 60 rounded half-up to 2 decimals for display only (sums use minutes).
"""

from __future__ import annotations

import re
from typing import Annotated

import msgspec

from alloy.domain.time import ActivityType
from alloy.domain.values import Canonical

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class CapType(Canonical):
    Capex = "Capex"
    Opex = "Opex"


class Phase(Canonical):
    Preliminary = "Preliminary"
    AppDevelopment = "AppDevelopment"
    PostImplementation = "PostImplementation"

    @classmethod
    def _aliases(cls) -> dict:
        return {"development": "AppDevelopment", "applicationdevelopment": "AppDevelopment",
                "planning": "Preliminary", "postimpl": "PostImplementation",
                "operation": "PostImplementation", "operations": "PostImplementation"}


A = ActivityType
ALWAYS_CAPEX = frozenset({A.Coding, A.Testing, A.CodeReview, A.Design, A.Architecture,
                          A.Documentation, A.Deployment})
CAPEX_IN_PHASE = {A.BugFixing: Phase.AppDevelopment, A.PM: Phase.AppDevelopment,
                  A.Meetings: Phase.AppDevelopment, A.Requirements: Phase.Preliminary}
ALWAYS_OPEX = frozenset({A.Training, A.Maintenance})


def _parse(cls, value):
    try:
        return cls.parse(value) if value else None
    except ValueError:
        return None


def classify(activity: ActivityType, cap_type: str | None, phase: str | None) -> str:
    """'Capex' or 'Opex' for one activity on a project (see the module docstring)."""
    if _parse(CapType, cap_type) is not CapType.Capex:
        return "Opex"
    if activity in ALWAYS_CAPEX:
        return "Capex"
    needed = CAPEX_IN_PHASE.get(activity)
    if needed is not None and _parse(Phase, phase) is needed:
        return "Capex"
    return "Opex"


def entry_amount(minutes: int, rate_cents: int) -> int:
    """minutes x rate / 60, rounded half-up to a whole cent (integers only)."""
    return (minutes * rate_cents * 2 + 60) // 120


def hours(minutes: int) -> float:
    """minutes / 60 rounded half-up to 2 decimals."""
    return ((minutes * 100 * 2 + 60) // 120) / 100


def utilization(spent: int, budget: int | None) -> float | None:
    """spent / budget as a percentage, rounded half-up to 2 decimals."""
    if not budget or budget <= 0:
        return None
    return ((spent * 10000 * 2 + budget) // (2 * budget)) / 100


def month_bounds(period: str) -> tuple[str, str]:
    """'2026-03' -> ('2026-03-01', '2026-03-31'); ValueError for anything else."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", period or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError("expected a month as YYYY-MM")
    return f"{period}-01", f"{period}-31"


def budget_window(period: str, budget_period: str | None) -> tuple[str, str]:
    """The dates a project's budget covers around a report month (inclusive text bounds).

    Monthly: the month; Quarterly: its calendar quarter; Yearly: its calendar year;
    Fixed (or unset): the whole life of the project.
    """
    year, month = int(period[:4]), int(period[5:7])
    kind = (budget_period or "").strip().lower()
    if kind == "monthly":
        return month_bounds(period)
    if kind == "quarterly":
        first = (month - 1) // 3 * 3 + 1
        return f"{year:04d}-{first:02d}-01", f"{year:04d}-{first + 2:02d}-31"
    if kind == "yearly":
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    return "0000-01-01", "9999-12-31"


CSV_HEADER = ("Period,Project,ProjectKey,Employee,Department,CostCenter,Hours,ActivityType,"
              "Phase,CapExOpEx,LoadedRate,Amount,Team,Tags,BudgetCents,SpentCents,Utilization")

Month = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                                     description="a month, YYYY-MM (e.g. 2026-03)")]


class GroupBy(Canonical):
    """How a capitalization report groups its lines; `project` is the default grouping,
    spelled out (spec 22's recipe passes it)."""

    project = "project"
    team = "team"
    user = "user"


class CapQuery(msgspec.Struct, kw_only=True):
    period: Month
    org_id: str | None = None
    group_by: GroupBy | None = None
    include_users: bool = False
    include_budget: bool = False
    team_id: str | None = None
    user_id: str | None = None
    cost_center_id: str | None = None
    activity_type: ActivityType | None = None
    tag: str | None = None


class ExportQuery(CapQuery, kw_only=True):
    format: str = "csv"


class Line(msgspec.Struct, kw_only=True):
    activity_type: ActivityType
    hours: float
    amount_cents: int
    classification: str


class UserLine(msgspec.Struct, kw_only=True):
    user_id: str
    display_name: str
    total_hours: float
    total_amount_cents: int
    breakdown: list[Line]


class ProjectLine(msgspec.Struct, kw_only=True):
    project_id: str
    project_key: str
    project_name: str
    capitalization_type: str | None
    development_phase: str | None
    cost_center_id: str | None
    total_hours: float
    total_amount_cents: int
    capex_amount_cents: int
    opex_amount_cents: int
    budget_cents: int | None | Unset = UNSET
    budget_period: str | None | Unset = UNSET
    spent_cents: int | Unset = UNSET
    budget_remaining_cents: int | None | Unset = UNSET
    budget_utilization_pct: float | None | Unset = UNSET
    breakdown: list[Line]
    users: list[UserLine] | Unset = UNSET


class TeamGroup(msgspec.Struct, kw_only=True):
    team_id: str | None
    team_name: str
    total_hours: float
    total_amount_cents: int
    projects: list[ProjectLine]


class UserGroup(msgspec.Struct, kw_only=True):
    user_id: str
    display_name: str
    total_hours: float
    total_amount_cents: int
    projects: list[ProjectLine]


class CapReport(msgspec.Struct, kw_only=True):
    period: str
    projects: list[ProjectLine] | Unset = UNSET
    teams: list[TeamGroup] | Unset = UNSET
    users: list[UserGroup] | Unset = UNSET
