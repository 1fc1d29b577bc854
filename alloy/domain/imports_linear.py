"""Linear -> AlloyExport: a pure converter (JSON in, AlloyExport JSON and warnings out).

Accepted input (Linear's GraphQL data, as an export script collects it): `{"teams": [...],
"users": [...], "cycles": [...], "issues": [...], "projects": [...]}`, optionally wrapped in
`{"data": {...}}`; any list may also be a GraphQL connection `{"nodes": [...]}`.
- team: `{id, key, name, description}`; user: `{id, email, name, displayName}`;
- cycle: `{id, number, name, startsAt, endsAt, completedAt, isActive, team: {key}}`;
- issue: `{identifier: "ENG-1", number, title, description, priority: 0-4, estimate,
  state: {name, type}, labels: [{name, color}], cycle: {id|number|name}, team: {key},
  assignee: {email}, creator: {email}, comments: [{body, user: {email}, createdAt}],
  project: {name}, parent: {identifier}, relations: [...], createdAt, updatedAt}`.

Like the Jira converter it runs on the client (`alloy import --from linear`).
"""

from __future__ import annotations

from alloy.domain.imports_common import Collector, SourceError, person_email, stamp

PRIORITY = {0: "None", 1: "Urgent", 2: "High", 3: "Medium", 4: "Low"}
CATEGORY = {"backlog": "backlog", "triage": "backlog", "unstarted": "todo",
            "started": "in_progress", "completed": "done", "canceled": "cancelled",
            "cancelled": "cancelled"}
WORKFLOW = "Linear Import"


def _nodes(value) -> list:
    if isinstance(value, dict):
        value = value.get("nodes")
    return value if isinstance(value, list) else []


def _cycle_name(cycle: dict) -> str:
    return cycle.get("name") or f"Cycle {cycle.get('number', '?')}"


def convert_linear(data, key_map: dict[str, str] | None = None) -> tuple[dict, list[str]]:
    """(AlloyExport as JSON-shaped dict, warnings) for a Linear export."""
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        data = data["data"]
    if not isinstance(data, dict) or not isinstance(data.get("issues"), (list, dict)):
        raise SourceError("not a Linear export: expected {\"issues\": [...], \"teams\": [...]}")
    out = Collector("linear", WORKFLOW, key_map)
    teams = {}
    for t in _nodes(data.get("teams")):
        teams[t.get("id") or t.get("key")] = out.project(t.get("key", ""), t.get("name"),
                                                         t.get("description"))
    for u in _nodes(data.get("users")):
        person_email(u, out)
    cycles = {}
    for c in _nodes(data.get("cycles")):
        team = c.get("team") or {}
        project = teams.get(team.get("id")) or (out.project(team["key"]) if team.get("key")
                                                else None)
        if project is None:
            out.warn(f"cycle '{_cycle_name(c)}' has no team; skipped")
            continue
        status = ("Completed" if c.get("completedAt") else
                  "Active" if c.get("isActive") else "Planned")
        name = out.sprint(project, _cycle_name(c), goal=c.get("description"),
                          start=c.get("startsAt"), end=c.get("endsAt"), status=status)
        for ref in (c.get("id"), c.get("number"), c.get("name")):
            if ref is not None:
                cycles[(project["key"], str(ref))] = name
    if _nodes(data.get("projects")):
        out.warn(f"{len(_nodes(data['projects']))} Linear project(s) skipped: teams are "
                 "imported as projects instead")
    relations = estimates = 0
    for n, issue in enumerate(_nodes(data.get("issues"))):
        ident = str(issue.get("identifier") or "")
        prefix, _, number = ident.rpartition("-")
        if not prefix or not number.isdigit():
            out.warn(f"issue #{n} has no identifier like ENG-1; skipped")
            continue
        team = issue.get("team") or {}
        project = teams.get(team.get("id")) or out.project(team.get("key") or prefix,
                                                           team.get("name"))
        state = issue.get("state") or {}
        status = out.status(state.get("name") or "Todo",
                            CATEGORY.get((state.get("type") or "").lower(), "todo"))
        try:
            priority = PRIORITY[int(issue.get("priority") or 0)]
        except (KeyError, ValueError, TypeError):
            out.warn(f"{ident}: unknown priority {issue.get('priority')!r} imported as None")
            priority = "None"
        labels = [out.label(lb["name"], lb.get("color")) for lb in _nodes(issue.get("labels"))
                  if lb.get("name")]
        sprint = None
        cycle = issue.get("cycle")
        if isinstance(cycle, dict):
            for ref in (cycle.get("id"), cycle.get("number"), cycle.get("name")):
                sprint = sprint or cycles.get((project["key"], str(ref)))
            if sprint is None:
                sprint = out.sprint(project, _cycle_name(cycle), start=cycle.get("startsAt"),
                                    end=cycle.get("endsAt"),
                                    status="Completed" if cycle.get("completedAt") else "Planned")
        if issue.get("parent"):
            out.warn(f"{ident}: sub-issue of {(issue['parent'] or {}).get('identifier', '?')} "
                     "imported as a top-level ticket")
        if _nodes(issue.get("relations")) or _nodes(issue.get("inverseRelations")):
            relations += 1
        if issue.get("estimate") is not None:
            estimates += 1
        comments = [{"author": person_email(c.get("user"), out), "body": c.get("body") or "",
                     "created_at": stamp(c.get("createdAt"))}
                    for c in _nodes(issue.get("comments"))]
        out.ticket(project, {
            "number": int(number), "key": ident, "title": issue.get("title") or ident,
            "description": issue.get("description") or None, "status": status,
            "priority": priority, "assignee": person_email(issue.get("assignee"), out),
            "reporter": person_email(issue.get("creator"), out), "sprint": sprint,
            "labels": list(dict.fromkeys(labels)), "created_at": stamp(issue.get("createdAt")),
            "updated_at": stamp(issue.get("updatedAt")), "comments": comments})
    if relations:
        out.warn(f"relations skipped on {relations} issue(s)")
    if estimates:
        out.warn(f"estimates skipped on {estimates} issue(s)")
    return out.result()
