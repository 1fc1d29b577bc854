"""Data export and import: a whole org (or one project) as portable JSON or SQLite, and back.

Exports use human-readable keys (see `alloy.domain.io`). Import creates everything in one
unit of work, so it lands completely or not at all, and `dry_run` is the same work rolled
back: the preview counts exactly what a real import would create. Jira and Linear files are
converted to an AlloyExport by the pure converters in `alloy.domain.imports_*` before they
reach `import_data` (the CLI does it client side), so this API has one input format.
"""

from __future__ import annotations

from collections import defaultdict

from alloy.context import Ctx
from alloy.domain.io import (
    VERSION,
    AlloyExport,
    ExportComment,
    ExportLabel,
    ExportProject,
    ExportQuery,
    ExportRelation,
    ExportSprint,
    ExportStatus,
    ExportTicket,
    ExportTimeEntry,
    ExportTransition,
    ExportUser,
    ExportWorkflow,
    ImportIn,
    ImportQuery,
    ImportResult,
)
from alloy.domain.values import Role, now
from alloy.errors import Forbidden, Invalid, NotFound
from alloy.ops import Download, op
from alloy.services import projects

SQLITE = "application/vnd.sqlite3"


@op("GET", "/api/v1/export", download=SQLITE)
def export_data(ctx: Ctx, query: ExportQuery) -> AlloyExport:
    """Export an organization (or one project by key) as portable JSON, or as SQLite.

    `format=sqlite` answers a self-contained SQLite database file (application/vnd.sqlite3)
    with tables export_meta, users, labels, workflows, projects, project_members, sprints,
    tickets, ticket_labels, comments and time_entries. Needs membership (Viewer); Reporters
    and project-restricted API keys export only the projects they can see.
    """
    org_id = ctx.org_of(query.org_id)
    ctx.require(org_id)
    data = build_export(ctx, org_id, query.project)
    if query.format == "sqlite":
        from alloy.domain.io_sqlite import to_sqlite

        return Download(content=to_sqlite(data, {"project": query.project}),
                        media_type=SQLITE, filename="alloy-export.db")
    return data


@op("POST", "/api/v1/import", status=200, tx=False, scope="admin")
def import_data(ctx: Ctx, body: ImportIn, query: ImportQuery) -> ImportResult:
    """Import an AlloyExport into an organization (Admin), preserving relationships.

    Users are matched by email and workflows, labels and projects by name/key, so nothing
    is duplicated; tickets keep their numbers when free. `dry_run=true` runs the same import
    and rolls it back, answering what would have been created.
    """
    from alloy.services.io_import import Importer

    if body.version != VERSION:
        message = f"unsupported export version: {body.version}. Expected: {VERSION}"
        raise Invalid(message, [message])

    class _Rollback(Exception):
        pass

    result = None
    try:
        with ctx.transaction() as db:
            org_id = ctx.org_of(query.org_id)
            ctx.require(org_id, Role.Admin)
            result = Importer(ctx, db, org_id).run(body)
            result.dry_run = query.dry_run
            if query.dry_run:
                raise _Rollback  # leave the unit of work without committing
    except _Rollback:
        pass
    return result


# ---- export ---------------------------------------------------------------------------

def _visible_projects(ctx: Ctx, org_id: str, key: str | None) -> list[dict]:
    sql, params = "SELECT * FROM projects WHERE org_id = ?", [org_id]
    if key:
        sql += " AND key = ?"
        params.append(key.upper())
    rows = []
    for row in ctx.db.all(sql + " ORDER BY key", *params):
        try:
            projects.check_access(ctx, row)
        except Forbidden:  # a Reporter's, or a restricted API key's, other projects
            continue
        rows.append(row)
    if key and not rows:
        raise NotFound(f"project '{key.upper()}' not found")
    return rows


def build_export(ctx: Ctx, org_id: str, key: str | None) -> AlloyExport:
    """The AlloyExport of an org, or of one project and what it references."""
    project_rows = _visible_projects(ctx, org_id, key)
    users = {r["id"]: r for r in ctx.db.all(
        "SELECT u.id, u.email, u.display_name, m.role FROM users u "
        "JOIN org_members m ON m.user_id = u.id WHERE m.org_id = ?", org_id)}
    referenced: set[str] = set()

    def email(user_id: str | None) -> str | None:
        if user_id is None:
            return None
        referenced.add(user_id)
        if user_id not in users:
            row = ctx.db.one("SELECT id, email, display_name FROM users WHERE id = ?", user_id)
            users[user_id] = {**row, "role": None} if row else {"email": None}
        return users[user_id]["email"]

    wf_rows = {r["id"]: r for r in ctx.db.all("SELECT * FROM workflows WHERE org_id = ? "
                                              "ORDER BY is_default DESC, name", org_id)}
    label_rows = {r["id"]: r for r in ctx.db.all("SELECT * FROM labels WHERE org_id = ? "
                                                 "ORDER BY name", org_id)}
    used_labels: set[str] = set()
    out_projects = [_project(ctx, p, wf_rows, label_rows, used_labels, email)
                    for p in project_rows]
    if key is None:
        referenced |= set(users)
        used_labels = set(label_rows)
        used_wf = set(wf_rows)
    else:
        used_wf = {p["workflow_id"] for p in project_rows if p["workflow_id"]}
    return AlloyExport(
        version=VERSION, source="alloy", exported_at=now(),
        users=sorted((ExportUser(email=users[u]["email"], display_name=users[u]["display_name"],
                                 role=users[u]["role"])
                      for u in referenced if users[u].get("email")), key=lambda u: u.email),
        workflows=[_workflow(w) for i, w in wf_rows.items() if i in used_wf],
        labels=[ExportLabel(name=r["name"], color=r["color"])
                for i, r in label_rows.items() if i in used_labels],
        projects=out_projects)


def _workflow(row: dict) -> ExportWorkflow:
    from alloy.store.db import from_json as load

    return ExportWorkflow(
        name=row["name"], enforcement=row["enforcement"], is_default=bool(row["is_default"]),
        statuses=[ExportStatus(name=s["name"], category=s["category"])
                  for s in load(row["statuses"])],
        transitions=[ExportTransition(from_=t["from"], to=t["to"])
                     for t in load(row["transitions"])])


def _keys(ctx: Ctx, ids: list[str]) -> dict[str, str]:
    """ticket id -> `KEY-N`, for tickets an export names by key (parents, related tickets)."""
    ids, out = list(dict.fromkeys(ids)), {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out.update({r["id"]: f"{r['key']}-{r['ticket_number']}" for r in ctx.db.all(
            "SELECT t.id, t.ticket_number, p.key FROM tickets t JOIN projects p ON p.id = "
            f"t.project_id WHERE t.id IN ({', '.join('?' for _ in chunk)})", *chunk)})
    return out


def _project(ctx: Ctx, p: dict, wf_rows: dict, label_rows: dict, used_labels: set,
             email) -> ExportProject:
    pid = p["id"]
    sprint_names, sprints = {}, []
    for s in ctx.db.all("SELECT * FROM sprints WHERE project_id = ? ORDER BY id", pid):
        name, n = s["name"], 1
        while name in sprint_names.values():  # names must resolve: make repeats unique
            n += 1
            name = f"{s['name']} #{n}"
        sprint_names[s["id"]] = name
        sprints.append(ExportSprint(name=name, goal=s["goal"], start_date=s["start_date"],
                                    end_date=s["end_date"], status=s["status"],
                                    started_at=s["started_at"], completed_at=s["completed_at"]))
    labels_of, comments_of, entries_of = defaultdict(list), defaultdict(list), defaultdict(list)
    for r in ctx.db.all("SELECT tl.ticket_id, tl.label_id FROM ticket_labels tl JOIN tickets t "
                        "ON t.id = tl.ticket_id WHERE t.project_id = ?", pid):
        used_labels.add(r["label_id"])
        labels_of[r["ticket_id"]].append(label_rows[r["label_id"]]["name"])
    for r in ctx.db.all("SELECT c.* FROM comments c JOIN tickets t ON t.id = c.ticket_id "
                        "WHERE t.project_id = ? ORDER BY c.created_at, c.id", pid):
        comments_of[r["ticket_id"]].append(r)
    for r in ctx.db.all("SELECT * FROM time_entries WHERE project_id = ? "
                        "ORDER BY work_date, id", pid):
        entries_of[r["ticket_id"]].append(r)
    rows_ = ctx.db.all("SELECT * FROM tickets WHERE project_id = ? ORDER BY ticket_number", pid)
    links = defaultdict(list)
    for r in ctx.db.all("SELECT r.* FROM ticket_relations r JOIN tickets t ON t.id = "
                        "r.source_id WHERE t.project_id = ? ORDER BY r.id", pid):
        links[r["source_id"]].append(r)
    key_of = _keys(ctx, [t["parent_id"] for t in rows_ if t["parent_id"]]
                   + [r["target_id"] for rs in links.values() for r in rs])
    tickets = []
    for t in rows_:
        rows = comments_of[t["id"]]
        index = {c["id"]: i for i, c in enumerate(rows)}
        tickets.append(ExportTicket(
            number=t["ticket_number"], key=f"{p['key']}-{t['ticket_number']}", title=t["title"],
            description=t["description"], status=t["status"], priority=t["priority"],
            assignee=email(t["assignee_id"]), reporter=email(t["reporter_id"]),
            sprint=sprint_names.get(t["sprint_id"]), labels=sorted(labels_of[t["id"]]),
            created_at=t["created_at"], updated_at=t["updated_at"],
            comments=[ExportComment(author=email(c["author_id"]), body=c["body"],
                                    parent=index.get(c["parent_comment_id"]),
                                    created_at=c["created_at"]) for c in rows],
            time_entries=[ExportTimeEntry(
                user=email(e["user_id"]), date=e["work_date"],
                duration_minutes=e["duration_minutes"], description=e["description"],
                activity_type=e["activity_type"], status=e["status"],
                approved_by=email(e["approved_by"]), approved_at=e["approved_at"],
                rejection_reason=e["rejection_reason"]) for e in entries_of[t["id"]]],
            parent=key_of.get(t["parent_id"]),
            relations=[ExportRelation(kind=r["kind"], target=key_of[r["target_id"]])
                       for r in links[t["id"]]]))
    members = [email(r["user_id"]) for r in ctx.db.all(
        "SELECT user_id FROM project_members WHERE project_id = ? ORDER BY created_at", pid)]
    workflow = wf_rows.get(p["workflow_id"])
    return ExportProject(
        key=p["key"], name=p["name"], description=p["description"],
        workflow=workflow["name"] if workflow else None,
        capitalization_type=p["capitalization_type"], development_phase=p["development_phase"],
        cost_center_id=p["cost_center_id"], amortization_months=p["amortization_months"],
        budget_cents=p["budget_cents"], budget_period=p["budget_period"],
        members=[m for m in members if m], sprints=sprints, tickets=tickets)

