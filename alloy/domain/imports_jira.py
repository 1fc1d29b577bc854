"""Jira -> AlloyExport: a pure converter (JSON in, AlloyExport JSON and warnings out).

Accepted input (Jira REST issue JSON, as `GET /rest/api/2|3/search` returns it):
`{"issues": [...]}` or a bare list of issues, optionally with `"projects": [{"key", "name",
"description"}]`; the Agile API's shape (`GET /rest/agile/1.0/board/{id}/issue`: `comment` and
`worklog` as bare lists) too. Each issue is `{"key": "PROJ-1", "fields": {summary, description, status:
{name, statusCategory: {key}}, priority: {name}, issuetype: {name}, labels: [...],
components: [{name}], fixVersions: [{name, released, startDate, releaseDate, description}],
assignee/reporter: {emailAddress, displayName}, created, updated, resolution: {name},
issuelinks: [...], comment: {comments: [{author, body, created}]}, worklog: {worklogs:
[{timeSpentSeconds, started, author, comment}]}, customfield_*: ...}}`. Descriptions and
comment bodies may be plain text (API v2) or Atlassian Document Format (API v3).

Conversion runs on the client (the CLI's `--from jira`), not in the server: the import API
then has one input format, and the mapping is testable without a database.
"""

from __future__ import annotations

from alloy.domain.imports_common import Collector, SourceError, person_email, stamp, text_of

PRIORITY = {"blocker": "Urgent", "highest": "Urgent", "critical": "Urgent",
            "high": "High", "major": "High", "medium": "Medium", "normal": "Medium",
            "low": "Low", "minor": "Low", "lowest": "Low", "trivial": "Low"}
CATEGORY_KEY = {"new": "todo", "indeterminate": "in_progress", "done": "done"}
CATEGORY_NAME = {"backlog": "backlog", "to do": "todo", "todo": "todo", "open": "todo",
                 "selected for development": "todo", "in progress": "in_progress",
                 "in review": "in_review", "code review": "in_review", "review": "in_review",
                 "done": "done", "closed": "done", "resolved": "done",
                 "cancelled": "cancelled", "canceled": "cancelled", "won't do": "cancelled"}
WORKFLOW = "Jira Import"


def _category(status: dict) -> str:
    name = (status.get("name") or "").strip().lower()
    if name in CATEGORY_NAME:
        return CATEGORY_NAME[name]
    key = ((status.get("statusCategory") or {}).get("key") or "").lower()
    return CATEGORY_KEY.get(key, "todo")


def _listed(value, inner: str) -> list:
    """`{"comments": [...]}` (REST) or `[...]` (Agile) as the list."""
    if isinstance(value, list):
        return value
    return (value or {}).get(inner) or [] if isinstance(value, dict | None) else []


def convert_jira(data, key_map: dict[str, str] | None = None) -> tuple[dict, list[str]]:
    """(AlloyExport as JSON-shaped dict, warnings) for a Jira issue export."""
    issues = data if isinstance(data, list) else (data or {}).get("issues")
    if not isinstance(issues, list):
        raise SourceError("not a Jira export: expected {\"issues\": [...]} or a list of issues")
    out = Collector("jira", WORKFLOW, key_map)
    for p in (data.get("projects") or []) if isinstance(data, dict) else []:
        out.project(p.get("key", ""), p.get("name"), text_of(p.get("description")))
    stats = {"links": 0, "custom": 0}
    for n, issue in enumerate(issues):
        try:
            _issue(out, n, issue, stats)
        except SourceError:
            raise
        except (TypeError, AttributeError, KeyError, ValueError):
            where = issue.get("key") if isinstance(issue, dict) else None
            raise SourceError(f"issue {where or f'#{n}'} has a field in a shape this importer "
                              "does not know; export it again with the REST API "
                              "(/rest/api/2/search or /rest/api/3/search)") from None
    if stats["links"]:
        out.warn(f"issue links skipped on {stats['links']} issue(s)")
    if stats["custom"]:
        out.warn(f"custom fields skipped on {stats['custom']} issue(s)")
    return out.result()


def _issue(out: Collector, n: int, issue: dict, stats: dict) -> None:
    """Add the `n`th issue to `out`; `stats` counts what is skipped, for one warning each."""
    key = str(issue.get("key") or "")
    prefix, _, number = key.rpartition("-")
    if not prefix or not number.isdigit():
        out.warn(f"issue #{n} has no key like PROJ-1; skipped")
        return
    f = issue.get("fields") or {}
    proj = f.get("project") or {}
    project = out.project(prefix, proj.get("name"))
    status = f.get("status") or {}
    status_name = out.status(status.get("name") or "To Do", _category(status))
    prio_name = ((f.get("priority") or {}).get("name") or "")
    priority = PRIORITY.get(prio_name.strip().lower(), "None")
    if prio_name and prio_name.strip().lower() not in PRIORITY:
        out.warn(f"{key}: unknown priority '{prio_name}' imported as None")
    labels = [str(x) for x in f.get("labels") or []]
    for name in labels:
        out.label(name)
    itype = (f.get("issuetype") or {}).get("name")
    if itype:
        labels.append(out.label(f"type:{itype}"))
    for comp in f.get("components") or []:
        if comp.get("name"):
            name = out.label(f"component:{comp['name']}")
            labels.append(name)
            out.warn_once(f"component '{comp['name']}' imported as label '{name}'")
    sprint = None
    versions = f.get("fixVersions") or []
    for v in versions:
        out.sprint(project, v.get("name") or "Version", goal=text_of(v.get("description")),
                   start=v.get("startDate") or v.get("releaseDate"),
                   end=v.get("releaseDate") or v.get("startDate"),
                   status="Completed" if v.get("released") else "Planned")
    if versions:
        sprint = versions[0].get("name") or "Version"
        if len(versions) > 1:
            out.warn(f"{key}: {len(versions)} fix versions; ticket joined '{sprint}'")
    if f.get("resolution"):
        name = f["resolution"].get("name") if isinstance(f["resolution"], dict) else None
        out.warn(f"{key}: resolution '{name or f['resolution']}' not imported "
                 f"(status '{status_name}' preserved)")
    if f.get("issuelinks") or f.get("parent") or f.get("subtasks"):
        stats["links"] += 1
    if any(k.startswith("customfield_") and v not in (None, [], {}, "")
           for k, v in f.items()):
        stats["custom"] += 1
    comments = [{"author": person_email(c.get("author"), out), "body": text_of(c.get("body")),
                 "created_at": stamp(c.get("created"))}
                for c in _listed(f.get("comment"), "comments")]
    entries = []
    for w in _listed(f.get("worklog"), "worklogs"):
        minutes = max(1, round(int(w.get("timeSpentSeconds") or 0) / 60))
        user = person_email(w.get("author"), out)
        day = (w.get("started") or "")[:10]
        if minutes > 1440:
            out.warn(f"{key}: a {minutes}-minute worklog was split into days of at most "
                     "1440 minutes")
        while minutes > 0:
            chunk = min(minutes, 1440)
            entries.append({"user": user, "date": day, "duration_minutes": chunk,
                            "description": text_of(w.get("comment")) or None,
                            "activity_type": "Coding", "status": "Draft"})
            minutes -= chunk
    out.ticket(project, {
        "number": int(number), "key": key, "title": f.get("summary") or key,
        "description": text_of(f.get("description")) or None, "status": status_name,
        "priority": priority, "assignee": person_email(f.get("assignee"), out),
        "reporter": person_email(f.get("reporter"), out), "sprint": sprint,
        "labels": list(dict.fromkeys(labels)), "created_at": stamp(f.get("created")),
        "updated_at": stamp(f.get("updated")), "comments": comments,
        "time_entries": entries})
