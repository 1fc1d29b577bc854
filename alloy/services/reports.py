"""Capitalization reports: approved time x the labor rate in force on each entry's date.

The rules (CapEx classification, rounding, budget windows) live in `alloy.domain.finance`;
this module gathers the entries a query selects and folds them into the JSON or CSV shapes.
Readable by every role (Reporters: only their projects), like other reads.
"""

from __future__ import annotations

import bisect
import csv
import io
from collections import defaultdict

from alloy.context import Ctx
from alloy.domain import finance as fin
from alloy.domain.finance import (
    CapQuery,
    CapReport,
    ExportQuery,
    Line,
    ProjectLine,
    TeamGroup,
    UserGroup,
    UserLine,
)
from alloy.domain.time import ActivityType
from alloy.errors import Invalid
from alloy.ops import op
from alloy.services import orgs
from alloy.services.timeentries import scope

NO_TEAM = "No team"


def parse_tags(text: str | None) -> list[tuple[str, str]]:
    """'department:engineering,billable:true' -> [(key, value), ...] (all must match)."""
    tags = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.strip().partition(":")
        if not sep or not key.strip():
            raise Invalid("invalid tag filter", [{"field": "tag",
                                                  "message": f"expected key:value, got '{part}'"}])
        tags.append((key.strip(), value.strip()))
    return tags


_TAGGED = ("EXISTS (SELECT 1 FROM entity_tags t WHERE t.org_id = e.org_id AND t.tag_key = ? "
           "AND t.tag_value = ? AND ((t.entity_type = 'time_entry' AND t.entity_id = e.id) "
           "OR (t.entity_type = 'ticket' AND t.entity_id = e.ticket_id) "
           "OR (t.entity_type = 'project' AND t.entity_id = e.project_id) "
           "OR (t.entity_type = 'user' AND t.entity_id = e.user_id)))")


class Rates:
    """Every rate of the org, looked up per (user, day) without a query per entry."""

    def __init__(self, db, orgs: list[str]) -> None:
        self.by_user: dict[tuple, tuple[list[str], list[int]]] = {}
        marks = ", ".join("?" for _ in orgs) or "NULL"
        for r in db.all("SELECT org_id, user_id, effective_date, loaded_rate_cents "
                        f"FROM labor_rates WHERE org_id IN ({marks}) "
                        "ORDER BY org_id, user_id, effective_date", *orgs):
            days, cents = self.by_user.setdefault((r["org_id"], r["user_id"]), ([], []))
            days.append(r["effective_date"])
            cents.append(r["loaded_rate_cents"])

    def on(self, org_id: str, user_id: str, day: str) -> int | None:
        days, cents = self.by_user.get((org_id, user_id), ([], []))
        i = bisect.bisect_right(days, day)
        return cents[i - 1] if i else None


def _records(ctx: Ctx, where: tuple[str, list], start: str, end: str, q: CapQuery | None,
             rates: Rates, project_id: str | None = None) -> list[dict]:
    """Approved entries in [start, end] matching the query, each with rate, amount and class."""
    sql = ("SELECT e.id, e.org_id, e.user_id, e.project_id, e.work_date, e.duration_minutes, "
           "e.activity_type, u.display_name, p.capitalization_type, p.development_phase "
           "FROM time_entries e JOIN users u ON u.id = e.user_id "
           "JOIN projects p ON p.id = e.project_id "
           f"WHERE {where[0]} AND e.status = 'Approved' AND e.work_date BETWEEN ? AND ?")
    params: list = [*where[1], start, end]
    if project_id is not None:
        sql += " AND e.project_id = ?"
        params.append(project_id)
    if q is not None:
        if q.user_id:
            sql += " AND e.user_id = ?"
            params.append(q.user_id)
        if q.team_id:
            sql += (" AND e.user_id IN (SELECT tm.user_id FROM team_members tm "
                    "WHERE tm.team_id = ? AND tm.org_id = e.org_id)")
            params.append(q.team_id)
        if q.cost_center_id:
            sql += " AND p.cost_center_id = ?"
            params.append(q.cost_center_id)
        if q.activity_type is not None:
            sql += " AND e.activity_type = ?"
            params.append(q.activity_type.value)
        for key, value in parse_tags(q.tag):
            sql += " AND " + _TAGGED
            params += [key, value]
    out = []
    for r in ctx.db.all(sql + " ORDER BY e.work_date, e.id", *params):
        activity = ActivityType(r["activity_type"])
        rate = rates.on(r["org_id"], r["user_id"], r["work_date"])
        out.append({**r, "activity": activity, "rate": rate,
                    "amount": fin.entry_amount(r["duration_minutes"], rate or 0),
                    "class": fin.classify(activity, r["capitalization_type"],
                                          r["development_phase"])})
    return out


def _totals(recs: list[dict]) -> tuple[float, int]:
    return (fin.hours(sum(r["duration_minutes"] for r in recs)),
            sum(r["amount"] for r in recs))


def _breakdown(recs: list[dict]) -> list[Line]:
    by: dict = defaultdict(list)
    for r in recs:
        by[r["activity"]].append(r)
    lines = []
    for activity in sorted(by, key=lambda a: a.value):
        h, amount = _totals(by[activity])
        lines.append(Line(activity_type=activity, hours=h, amount_cents=amount,
                          classification=by[activity][0]["class"]))
    return lines


def _by(recs: list[dict], key: str) -> dict[str, list[dict]]:
    groups: dict = defaultdict(list)
    for r in recs:
        groups[r[key]].append(r)
    return groups


def report_org(ctx: Ctx, named: str | None) -> str:
    """The one organization a report covers: reports are per org, never a sum of several."""
    return orgs.working_org(ctx, named, "a report covers one organization", "pass org_id")


class Report:
    """One report run: the query, its org, the projects and the budget figures it needs."""

    def __init__(self, ctx: Ctx, q: CapQuery) -> None:
        self.ctx, self.q = ctx, q
        cond, params, self.orgs = scope(ctx, report_org(ctx, q.org_id))
        self.where = (cond, params)
        self.start, self.end = fin.month_bounds(q.period)
        self.rates = Rates(ctx.db, self.orgs)
        self.recs = _records(ctx, self.where, self.start, self.end, q, self.rates)
        ids = sorted({r["project_id"] for r in self.recs})
        self.projects = {p["id"]: p for p in (ctx.db.one("SELECT * FROM projects WHERE id = ?", i)
                                              for i in ids)}
        self._spent: dict[str, int] = {}
        self.teams = defaultdict(list)
        marks = ", ".join("?" for _ in self.orgs) or "NULL"
        for m in ctx.db.all("SELECT t.org_id, tm.user_id, t.id, t.name FROM team_members tm "
                            f"JOIN teams t ON t.id = tm.team_id WHERE t.org_id IN ({marks}) "
                            "ORDER BY t.name, t.id", *self.orgs):
            self.teams[(m["org_id"], m["user_id"])].append((m["id"], m["name"]))

    def spent(self, project: dict) -> int:
        """Approved cost of the whole project within its budget window (filters ignored)."""
        if project["id"] not in self._spent:
            start, end = fin.budget_window(self.q.period, project["budget_period"])
            recs = _records(self.ctx, self.where, start, end, None, self.rates,
                            project_id=project["id"])
            self._spent[project["id"]] = sum(r["amount"] for r in recs)
        return self._spent[project["id"]]

    def budget(self, project: dict) -> dict:
        spent, budget = self.spent(project), project["budget_cents"]
        return {"budget_cents": budget, "budget_period": project["budget_period"],
                "spent_cents": spent,
                "budget_remaining_cents": None if budget is None else budget - spent,
                "budget_utilization_pct": fin.utilization(spent, budget)}

    def project_lines(self, recs: list[dict]) -> list[ProjectLine]:
        lines = []
        groups = _by(recs, "project_id")
        for pid in sorted(groups, key=lambda i: self.projects[i]["key"]):
            p, prs = self.projects[pid], groups[pid]
            h, amount = _totals(prs)
            extra: dict = self.budget(p) if self.q.include_budget else {}
            if self.q.include_users:
                extra["users"] = [UserLine(user_id=u[0]["user_id"],
                                           display_name=u[0]["display_name"],
                                           total_hours=_totals(u)[0],
                                           total_amount_cents=_totals(u)[1],
                                           breakdown=_breakdown(u))
                                  for u in _people(prs)]
            lines.append(ProjectLine(
                project_id=pid, project_key=p["key"], project_name=p["name"],
                capitalization_type=p["capitalization_type"],
                development_phase=p["development_phase"], cost_center_id=p["cost_center_id"],
                total_hours=h, total_amount_cents=amount,
                capex_amount_cents=sum(r["amount"] for r in prs if r["class"] == "Capex"),
                opex_amount_cents=sum(r["amount"] for r in prs if r["class"] == "Opex"),
                breakdown=_breakdown(prs), **extra))
        return lines

    def team_groups(self) -> list[tuple[str | None, str, list[dict]]]:
        """(team id, name, records) per team of the entries' users; a user in two teams
        counts in both; users in no team form a last 'No team' group."""
        groups: dict = {}
        for r in self.recs:
            teams = self.teams.get((r["org_id"], r["user_id"])) or [(None, NO_TEAM)]
            for tid, name in teams:
                if self.q.team_id and tid != self.q.team_id:
                    continue
                groups.setdefault((tid, name), []).append(r)
        order = sorted(groups, key=lambda k: (k[0] is None, k[1].lower(), k[0] or ""))
        return [(tid, name, groups[(tid, name)]) for tid, name in order]


def _people(recs: list[dict]) -> list[list[dict]]:
    groups = _by(recs, "user_id")
    return [groups[u] for u in sorted(groups, key=lambda u: (groups[u][0]["display_name"], u))]


@op("GET", "/api/v1/reports/capitalization")
def capitalization(ctx: Ctx, query: CapQuery) -> CapReport:
    """Capitalization report for a month: approved hours x labor rates, per project/activity.

    group_by=team|user nests projects under teams or people; include_users adds per-person
    lines to each project; include_budget adds budget, spent, remaining and utilization.
    Filters: team_id, user_id, cost_center_id, activity_type, tag=key:value[,key:value] (AND).
    """
    rep = Report(ctx, query)
    if query.group_by is fin.GroupBy.user:
        return CapReport(period=query.period, users=[
            UserGroup(user_id=u[0]["user_id"], display_name=u[0]["display_name"],
                      total_hours=_totals(u)[0], total_amount_cents=_totals(u)[1],
                      projects=rep.project_lines(u)) for u in _people(rep.recs)])
    if query.group_by is fin.GroupBy.team:
        return CapReport(period=query.period, teams=[
            TeamGroup(team_id=tid, team_name=name, total_hours=_totals(recs)[0],
                      total_amount_cents=_totals(recs)[1], projects=rep.project_lines(recs))
            for tid, name, recs in rep.team_groups()])
    return CapReport(period=query.period, projects=rep.project_lines(rep.recs))


@op("GET", "/api/v1/reports/capitalization/export", media_type="text/csv")
def capitalization_export(ctx: Ctx, query: ExportQuery) -> str:
    """The capitalization report as CSV: one row per project, person, activity and rate.

    Same filters as the JSON report; group_by=team gives one row per team of the person
    (sorted by team), group_by=user sorts by person.
    """
    if query.format.lower() != "csv":
        raise Invalid("invalid query: format", [{"field": "format",
                                                 "message": "only csv is supported"}])
    rep = Report(ctx, query)
    dept, entry_tags = _user_departments_and_tags(ctx, rep)
    by_team = query.group_by is fin.GroupBy.team
    rows: dict = {}
    pairs = ([(r, name) for _, name, recs in rep.team_groups() for r in recs] if by_team
             else [(r, ";".join(n for _, n in rep.teams.get((r["org_id"], r["user_id"]), [])))
                   for r in rep.recs])
    for r, team in pairs:
        key = (r["project_id"], r["user_id"], r["activity"], r["rate"], entry_tags.get(r["id"], ""),
               team)
        row = rows.setdefault(key, {"minutes": 0, "amount": 0, "rec": r})
        row["minutes"] += r["duration_minutes"]
        row["amount"] += r["amount"]

    def order(key):
        p = rep.projects[key[0]]["key"]
        who = (rows[key]["rec"]["display_name"], key[1])
        rest = (key[2].value, key[3] or 0, key[4])
        if by_team:
            return (key[5] == NO_TEAM, key[5].lower(), p, who, rest)
        if query.group_by is fin.GroupBy.user:
            return (who, p, rest)
        return (p, who, rest)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fin.CSV_HEADER.split(","))
    for key in sorted(rows, key=order):
        row, p = rows[key], rep.projects[key[0]]
        r = row["rec"]
        b = rep.budget(p)
        writer.writerow([
            query.period, p["name"], p["key"], r["display_name"], dept.get(r["user_id"], ""),
            p["cost_center_id"] or "", fin.hours(row["minutes"]), key[2].value,
            p["development_phase"] or "", r["class"], "" if key[3] is None else key[3],
            row["amount"], key[5], key[4], _blank(b["budget_cents"]), b["spent_cents"],
            _blank(b["budget_utilization_pct"])])
    return out.getvalue()


def _blank(value) -> str:
    return "" if value is None else str(value)


def _user_departments_and_tags(ctx: Ctx, rep: Report) -> tuple[dict, dict]:
    """Department (a user's `department` tag) per user and 'k:v;k:v' tags per entry."""
    if not rep.recs:
        return {}, {}
    marks = ", ".join("?" for _ in rep.orgs)
    dept = {r["entity_id"]: r["tag_value"] for r in ctx.db.all(
        f"SELECT entity_id, tag_value FROM entity_tags WHERE org_id IN ({marks}) "
        "AND entity_type = 'user' AND tag_key = 'department'", *rep.orgs)}
    tags: dict = defaultdict(list)
    for r in ctx.db.all(f"SELECT entity_id, tag_key, tag_value FROM entity_tags "
                        f"WHERE org_id IN ({marks}) AND entity_type = 'time_entry' "
                        "ORDER BY tag_key, tag_value", *rep.orgs):
        tags[r["entity_id"]].append(f"{r['tag_key']}:{r['tag_value']}")
    return dept, {k: ";".join(v) for k, v in tags.items()}
