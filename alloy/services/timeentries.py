"""Time entries: work logged against a ticket, approved before it counts in finance reports.

Lifecycle: Draft -> Submitted -> Approved | Rejected; a Rejected entry may be edited and
submitted again. Draft and Rejected entries are editable by their owner or an Admin;
Submitted and Approved ones are locked (an approved entry is a booked cost). Logging,
editing and submitting need Member; approving and rejecting need Admin.
"""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain.page import Page, keyset
from alloy.domain.time import (
    ActivityType,
    EntryStatus,
    ProjectEntriesQuery,
    RejectIn,
    SubmittedQuery,
    TicketEntriesQuery,
    TimeEntry,
    TimeEntryIn,
    TimeEntryPatch,
    UserEntriesQuery,
)
from alloy.domain.validate import given
from alloy.domain.values import Role, new_id, now
from alloy.errors import Conflict, Forbidden, Invalid, NotFound
from alloy.ops import op
from alloy.services import projects, tickets

EDITABLE = (EntryStatus.Draft.value, EntryStatus.Rejected.value)


def to_entry(row: dict) -> TimeEntry:
    return TimeEntry(
        id=row["id"], user_id=row["user_id"], ticket_id=row["ticket_id"],
        project_id=row["project_id"], date=row["work_date"],
        duration_minutes=row["duration_minutes"], description=row["description"],
        activity_type=ActivityType(row["activity_type"]), status=EntryStatus(row["status"]),
        approved_by=row["approved_by"], approved_at=row["approved_at"],
        rejection_reason=row["rejection_reason"], created_at=row["created_at"],
        updated_at=row["updated_at"])


def load(ctx: Ctx, entry_id: str, minimum: Role = Role.Viewer,
         lock: bool = False) -> tuple[dict, Role]:
    """An entry the actor may see (through its project), and the actor's role there.

    `lock` for a change: the row stays locked until commit, so its status check (edit only
    a Draft, approve only a Submitted entry) sees no concurrent step."""
    read = ctx.db.locked if lock else ctx.db.one
    row = read("SELECT * FROM time_entries WHERE id = ?", entry_id)
    if row is None:
        raise NotFound("time entry not found")
    project = projects.fetch(ctx, row["project_id"])
    try:
        role = projects.check_access(ctx, project, minimum)
    except NotFound:
        raise NotFound("time entry not found") from None
    return row, role


def _owner_or_admin(ctx: Ctx, row: dict, role: Role, verb: str) -> None:
    if row["user_id"] != ctx.user_id and not role.at_least(Role.Admin):
        raise Forbidden(f"only the entry's owner or an Admin can {verb} it")


def _save(ctx: Ctx, row: dict, changes: dict, action: str) -> TimeEntry:
    changes["updated_at"] = now()
    ctx.db.update("time_entries", {"id": row["id"]}, changes)
    ctx.audit(row["org_id"], "time_entry", row["id"], action,
              {k: v for k, v in changes.items() if k != "updated_at"})
    return to_entry({**row, **changes})


@op("POST", "/api/v1/time-entries")
def create(ctx: Ctx, body: TimeEntryIn) -> TimeEntry:
    """Log time against a ticket; starts as Draft (Member; Admin to log for someone else)."""
    ticket, project = tickets.load(ctx, body.ticket_id, Role.Member)
    role = ctx.role_in(project["org_id"])
    errors = []
    if body.project_id is not None and body.project_id != project["id"]:
        errors.append({"field": "project_id", "message": "does not match the ticket's project"})
    user_id = body.user_id or ctx.user_id
    if user_id != ctx.user_id:
        if not role.at_least(Role.Admin):
            raise Forbidden("only an Admin can log time for another user")
        if ctx.role_in_db(project["org_id"], user_id) is None:
            errors.append({"field": "user_id", "message": "not a member of this organization"})
    work_date = body.date.isoformat()
    if errors:
        raise Invalid("invalid time entry: " + ", ".join(e["field"] for e in errors), errors)
    t = now()
    row = ctx.db.insert("time_entries", {
        "id": new_id(), "org_id": project["org_id"], "user_id": user_id,
        "ticket_id": ticket["id"], "project_id": project["id"], "work_date": work_date,
        "duration_minutes": body.duration_minutes, "description": body.description,
        "activity_type": body.activity_type.value, "status": EntryStatus.Draft.value,
        "approved_by": None, "approved_at": None, "rejection_reason": None,
        "created_at": t, "updated_at": t})
    ctx.audit(project["org_id"], "time_entry", row["id"], "create", {
        "ticket_id": ticket["id"], "user_id": user_id, "date": work_date,
        "duration_minutes": body.duration_minutes, "activity_type": row["activity_type"]})
    return to_entry(row)


@op("GET", "/api/v1/time-entries/submitted")
def submitted(ctx: Ctx, query: SubmittedQuery) -> Page[TimeEntry]:
    """The approval queue: Submitted entries, oldest first (org_id, else all your orgs)."""
    cond, params, _ = scope(ctx, query.org_id)
    sql = f"SELECT e.* FROM time_entries e WHERE {cond} AND e.status = 'Submitted'"
    for column in ("project_id", "user_id"):
        if getattr(query, column) is not None:
            sql += f" AND e.{column} = ?"
            params.append(getattr(query, column))
    return keyset(ctx.db, sql, tuple(params), query, to_entry, alias="e")


@op("GET", "/api/v1/time-entries/{entry_id}")
def get(ctx: Ctx, entry_id: str) -> TimeEntry:
    """One time entry by id."""
    return to_entry(load(ctx, entry_id)[0])


@op("PATCH", "/api/v1/time-entries/{entry_id}")
def update(ctx: Ctx, entry_id: str, body: TimeEntryPatch) -> TimeEntry:
    """Edit a Draft or Rejected entry: date, duration, description, activity type."""
    row, role = load(ctx, entry_id, Role.Member, lock=True)
    _owner_or_admin(ctx, row, role, "edit")
    if row["status"] not in EDITABLE:
        raise Conflict(f"a {row['status']} time entry cannot be edited",
                       [{"field": "status", "message": "only Draft or Rejected entries"}])
    changes = {}
    for field, value in given(body).items():
        if field == "date":
            changes["work_date"] = value.isoformat()
        elif field == "activity_type":
            changes["activity_type"] = value.value
        else:
            changes[field] = value
    if not changes:
        return to_entry(row)
    return _save(ctx, row, changes, "update")


@op("DELETE", "/api/v1/time-entries/{entry_id}")
def delete(ctx: Ctx, entry_id: str) -> None:
    """Delete a Draft or Rejected entry (owner or Admin); 204."""
    row, role = load(ctx, entry_id, Role.Member, lock=True)
    _owner_or_admin(ctx, row, role, "delete")
    if row["status"] not in EDITABLE:
        raise Conflict(f"a {row['status']} time entry cannot be deleted",
                       [{"field": "status", "message": "only Draft or Rejected entries"}])
    ctx.db.run("DELETE FROM time_entries WHERE id = ?", entry_id)
    ctx.audit(row["org_id"], "time_entry", entry_id, "delete",
              {"duration_minutes": row["duration_minutes"], "date": row["work_date"]})


def _refused(verb: str, status: str, allowed: str) -> Conflict:
    """A move the entry's status does not allow, said plainly ("already approved")."""
    done = {"submit": "submitted", "approve": "approved", "reject": "rejected"}[verb]
    said = (f"time entry is already {done}" if status.lower() == done else
            f"time entry is {status}: only {allowed} entries can be {done}")
    return Conflict(said, [{"field": "status", "message": f"only {allowed} entries"}])


@op("POST", "/api/v1/time-entries/{entry_id}/submit", status=200)
def submit(ctx: Ctx, entry_id: str) -> TimeEntry:
    """Draft (or Rejected) -> Submitted, for approval (owner or Admin)."""
    row, role = load(ctx, entry_id, Role.Member, lock=True)
    _owner_or_admin(ctx, row, role, "submit")
    if row["status"] not in EDITABLE:
        raise _refused("submit", row["status"], "Draft or Rejected")
    return _save(ctx, row, {"status": EntryStatus.Submitted.value, "rejection_reason": None},
                 "submit")


@op("POST", "/api/v1/time-entries/{entry_id}/approve", status=200)
def approve(ctx: Ctx, entry_id: str) -> TimeEntry:
    """Submitted -> Approved; records who approved and when (Admin)."""
    row, _ = load(ctx, entry_id, Role.Admin, lock=True)
    if row["status"] != EntryStatus.Submitted.value:
        raise _refused("approve", row["status"], "Submitted")
    return _save(ctx, row, {"status": EntryStatus.Approved.value, "approved_by": ctx.user_id,
                            "approved_at": now()}, "approve")


@op("POST", "/api/v1/time-entries/{entry_id}/reject", status=200)
def reject(ctx: Ctx, entry_id: str, body: RejectIn) -> TimeEntry:
    """Submitted -> Rejected with an optional reason; the owner may edit and resubmit (Admin)."""
    row, _ = load(ctx, entry_id, Role.Admin, lock=True)
    if row["status"] != EntryStatus.Submitted.value:
        raise _refused("reject", row["status"], "Submitted")
    return _save(ctx, row, {"status": EntryStatus.Rejected.value, "approved_by": None,
                            "approved_at": None, "rejection_reason": body.reason}, "reject")


def scope(ctx: Ctx, named: str | None) -> tuple[str, list, list[str]]:
    """Which entries an org-wide read covers: SQL on alias `e`, its params, and the orgs.

    A named org (org_id) is that org (404 if not a member). Unnamed, an API key means its
    org and a login means every org the user belongs to — a fresh registration's token
    names a personal org, and the guides report on the org they created afterwards.
    Reporters see only projects they are members of; restricted keys only their projects.
    """
    if named or ctx.actor.is_api_key:
        org_id = ctx.org_of(named)
        orgs = [(org_id, ctx.require(org_id))]
    else:
        orgs = [(r["org_id"], Role(r["role"])) for r in ctx.db.all(
            "SELECT org_id, role FROM org_members WHERE user_id = ?", ctx.user_id)]
    full = [o for o, r in orgs if r is not Role.Reporter]
    scoped = [o for o, r in orgs if r is Role.Reporter]
    parts, params = [], []
    if full:
        parts.append(f"e.org_id IN ({', '.join('?' for _ in full)})")
        params += full
    if scoped:
        parts.append(f"(e.org_id IN ({', '.join('?' for _ in scoped)}) AND e.project_id IN "
                     "(SELECT project_id FROM project_members WHERE user_id = ?))")
        params += [*scoped, ctx.user_id]
    sql = f"({' OR '.join(parts)})" if parts else "1 = 0"
    allowed = ctx.actor.allowed_project_ids
    if allowed is not None:
        sql += f" AND e.project_id IN ({', '.join('?' for _ in allowed)})"
        params += list(allowed)
    return sql, params, [o for o, _ in orgs]


def _filters(sql: str, params: list, query) -> tuple[str, list]:
    for field, cmp in (("date", "="), ("date_from", ">="), ("date_to", "<=")):
        value = getattr(query, field)
        if value is not None:
            sql += f" AND e.work_date {cmp} ?"
            params.append(value.isoformat())
    if getattr(query, "project_id", None) is not None:
        sql += " AND e.project_id = ?"
        params.append(query.project_id)
    if getattr(query, "user_id", None) is not None:
        sql += " AND e.user_id = ?"
        params.append(query.user_id)
    if query.status is not None:
        sql += " AND e.status = ?"
        params.append(query.status.value)
    return sql, params


@op("GET", "/api/v1/tickets/{ticket_id}/time-entries")
def list_for_ticket(ctx: Ctx, ticket_id: str, query: TicketEntriesQuery) -> Page[TimeEntry]:
    """A ticket's time entries, filtered by user, project, date or status."""
    tickets.load(ctx, ticket_id)
    sql, params = _filters("SELECT e.* FROM time_entries e WHERE e.ticket_id = ?", [ticket_id],
                           query)
    return keyset(ctx.db, sql, tuple(params), query, to_entry, alias="e")


@op("GET", "/api/v1/projects/{project_id}/time-entries")
def list_for_project(ctx: Ctx, project_id: str, query: ProjectEntriesQuery) -> Page[TimeEntry]:
    """A project's time entries, oldest first, filtered by user, date or status (spec 41's
    CSV export pages through it with `cursor`)."""
    projects.load(ctx, project_id)
    sql, params = _filters("SELECT e.* FROM time_entries e WHERE e.project_id = ?",
                           [project_id], query)
    return keyset(ctx.db, sql, tuple(params), query, to_entry, alias="e")


@op("GET", "/api/v1/users/{user_id}/time-entries")
def list_for_user(ctx: Ctx, user_id: str, query: UserEntriesQuery) -> Page[TimeEntry]:
    """A user's time entries (in org_id, else in every org you share with them)."""
    cond, params, orgs = scope(ctx, query.org_id)
    if not any(ctx.role_in_db(o, user_id) for o in orgs) and not ctx.db.one(
            f"SELECT 1 FROM time_entries e WHERE {cond} AND e.user_id = ?", *params, user_id):
        raise NotFound("user not found")  # neither a fellow member nor a former one with time
    sql, params = _filters(f"SELECT e.* FROM time_entries e WHERE {cond} AND e.user_id = ?",
                           [*params, user_id], query)
    return keyset(ctx.db, sql, tuple(params), query, to_entry, alias="e")
