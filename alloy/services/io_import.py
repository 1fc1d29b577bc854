"""Importing an AlloyExport into an org: resolve by name, create what is missing, keep links.

Resolution rules (what makes re-importing the same file safe):
- users by email (created without a password when new; added to the org with their
  exported role, never above the importer's own);
- workflows, labels by name; projects by key (an existing project receives the tickets);
- sprints by name within their project;
- tickets by number: a ticket whose number is taken by one with the same title is already
  there and skipped (with its comments and time); a taken number with another title gets
  the project's next number. The project's counter ends above every number it holds.
Rules owned elsewhere are reused: accounts are made by `auth.create_user` and memberships by
`members.add_member`, as for everyone else (a person the org's identity provider deactivated
stays out, with a warning); workflow, label, project and sprint validation go through their
services' create operations; ticket statuses through `statuses.apply`.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import msgspec

from alloy.context import Ctx
from alloy.domain.flow import SprintIn, SprintStatus, WorkflowIn, WorkflowPatch, squash
from alloy.domain.io import (
    DEFAULT_LABEL_COLOR,
    ExportLabel,
    ExportProject,
    ExportTicket,
    ExportUser,
    ExportWorkflow,
    ImportIn,
    ImportResult,
    Summary,
)
from alloy.domain.labels import LabelIn
from alloy.domain.time import ActivityType, EntryStatus
from alloy.domain.validate import convert
from alloy.domain.values import Role, new_id, now
from alloy.domain.work import Priority, ProjectIn
from alloy.errors import Invalid
from alloy.services import (
    auth,
    labels,
    members,
    projects,
    relations,
    sprints,
    statuses,
    tickets,
    workflows,
)


@contextlib.contextmanager
def at(where: str):
    """Prefix the fields of a validation error raised inside with where it happened."""
    try:
        yield
    except Invalid as e:
        details = [{**d, "field": f"{where}.{d.get('field')}"} if isinstance(d, dict)
                   else f"{where}: {d}" for d in e.details] or [f"{where}: {e.message}"]
        raise Invalid(f"{where}: {e.message}", details) from None


def parse(cls, raw, where: str):
    """One item of the export, with the full path of any bad field in the 422."""
    try:
        return msgspec.convert(raw, cls)
    except msgspec.ValidationError as e:
        text, _, path = str(e).partition(" - at `$")
        field = where + path.rstrip("`")
        raise Invalid(f"invalid export: {field}", [{"field": field, "message": text}]) from None


def _stamp(value: str | None) -> str:
    return value or now()


class Importer:
    def __init__(self, ctx: Ctx, db, org_id: str) -> None:
        self.ctx, self.db, self.org_id = ctx, db, org_id
        self.summary = Summary()
        self.warnings: list[str] = []
        self.users: dict[str, str] = {}  # lower email -> user id
        self.workflows: dict[str, str] = {}  # lower name -> id
        self.statuses: dict[tuple, tuple[str, str | None]] = {}  # (project, status) -> kept
        self.labels: dict[str, str] = {}  # lower name -> id
        self.keys: dict[str, str] = {}  # exported ticket key (upper) -> ticket id here
        self.links: list[tuple[str, ExportTicket]] = []  # tickets with a parent or relations
        self.my_role = ctx.role_in(org_id)

    def run(self, body: ImportIn) -> ImportResult:
        users = [parse(ExportUser, u, f"users[{i}]") for i, u in enumerate(body.users)]
        flows = [parse(ExportWorkflow, w, f"workflows[{i}]") for i, w in enumerate(body.workflows)]
        labels_ = [parse(ExportLabel, lb, f"labels[{i}]") for i, lb in enumerate(body.labels)]
        projs = [parse(ExportProject, p, f"projects[{i}]") for i, p in enumerate(body.projects)]
        for u in users:
            self.user(u.email, u.display_name, u.role)
        for i, w in enumerate(flows):
            with at(f"workflows[{i}]"):
                self.workflow(w)
        for i, lb in enumerate(labels_):
            with at(f"labels[{i}]"):
                self.label(lb.name, lb.color)
        for i, p in enumerate(projs):
            with at(f"projects[{i}]"):
                self.project(p)
        self.summary.relations_created = relations.restore(self.ctx, self.org_id, self.keys,
                                                           self.links, self.warnings)
        return ImportResult(status="ok", summary=self.summary, warnings=self.warnings)

    # ---- org-wide things ---------------------------------------------------------------

    def user(self, email: str | None, display_name: str | None = None,
             role: str | None = None) -> str:
        """The id of the user with this email, created and made a member if need be."""
        if not email:
            return self.ctx.user_id
        key = email.strip().lower()
        if key in self.users:
            return self.users[key]
        row = self.db.one("SELECT id FROM users WHERE email = ?", key)
        if row is None:
            row = auth.create_user(self.ctx, key, None, display_name)
            self.summary.users_created += 1
        if self.ctx.role_in_db(self.org_id, row["id"]) is None:
            try:
                wanted = Role.parse(role) if role else Role.Member
            except ValueError:
                wanted = Role.Member
            if wanted.rank > self.my_role.rank:
                wanted = self.my_role
            try:
                members.add_member(self.ctx, self.org_id, row["id"], wanted, via="import",
                                   granter=self.my_role)
            except members.Suspended:
                self.warnings.append(f"{key} was deactivated by the organization's identity "
                                     "provider: not made a member again")
        self.users[key] = row["id"]
        return row["id"]

    def workflow(self, w: ExportWorkflow) -> str:
        key = w.name.strip().lower()
        if key in self.workflows:
            return self.workflows[key]
        if w.is_default:
            row = workflows.default_row(self.ctx, self.org_id)
        else:
            row = self.db.one("SELECT * FROM workflows WHERE org_id = ? AND lower(name) = ?",
                              self.org_id, key)
        if row is not None:
            self._extend(row, w)
        else:
            made = workflows.create(self.ctx, self.org_id, convert(WorkflowIn, {
                "name": w.name, "enforcement": w.enforcement,
                "statuses": [{"name": s.name, "category": s.category} for s in w.statuses],
                "transitions": [{"from": t.from_, "to": t.to} for t in w.transitions]}))
            row = {"id": made.id}
            self.summary.workflows_created += 1
        self.workflows[key] = row["id"]
        return row["id"]

    def _extend(self, row: dict, w: ExportWorkflow) -> None:
        """An existing workflow of the export's name gains the statuses it lacks (and the
        export's transitions into and out of them), so no imported ticket sits in a status
        its workflow does not know; its own statuses and rules stay."""
        row = workflows._decode(row)
        have = {squash(s["name"]) for s in row["statuses"]}
        new = [s for s in w.statuses if squash(s.name) not in have]
        if not new:
            return
        names = {squash(s.name) for s in new}
        workflows.update(self.ctx, row["id"], convert(WorkflowPatch, {
            "statuses": row["statuses"] + [{"name": s.name, "category": s.category}
                                           for s in new],
            "transitions": row["transitions"] + [
                {"from": t.from_, "to": t.to} for t in w.transitions
                if squash(t.from_) in names or squash(t.to) in names]}))
        self.warnings.append(f"workflow '{row['name']}' already existed: added the statuses "
                             + ", ".join(f"'{s.name}'" for s in new))

    def label(self, name: str, color: str | None = None) -> str:
        key = name.strip().lower()
        if key in self.labels:
            return self.labels[key]
        row = labels.resolve(self.ctx, self.org_id, name)
        if row is None:
            made = labels.create(self.ctx, self.org_id, convert(LabelIn, {
                "name": name, "color": color or DEFAULT_LABEL_COLOR}))
            row = {"id": made.id}
            self.summary.labels_created += 1
        self.labels[key] = row["id"]
        return row["id"]

    # ---- a project and everything in it -----------------------------------------------

    def project(self, p: ExportProject) -> None:
        row = self.db.one("SELECT * FROM projects WHERE org_id = ? AND key = ?",
                          self.org_id, p.key.upper())
        if row is not None:
            self.warnings.append(f"project {row['key']} already exists: merged into it")
        else:
            workflow_id = None
            if p.workflow:
                workflow_id = self.workflows.get(p.workflow.strip().lower())
                if workflow_id is None:
                    found = self.db.one("SELECT id FROM workflows WHERE org_id = ? AND "
                                        "lower(name) = lower(?)", self.org_id, p.workflow)
                    workflow_id = found["id"] if found else None
                if workflow_id is None:
                    self.warnings.append(f"project {p.key}: workflow '{p.workflow}' not found; "
                                         "it follows the Default workflow")
            fields = {k: getattr(p, k) for k in (
                "key", "name", "description", "capitalization_type", "development_phase",
                "cost_center_id", "amortization_months", "budget_cents", "budget_period")}
            made = projects.create(self.ctx, convert(ProjectIn, {
                **{k: v for k, v in fields.items() if v is not None},
                "org_id": self.org_id, "workflow_id": workflow_id}))
            row = self.db.one("SELECT * FROM projects WHERE id = ?", made.id)
            self.summary.projects_created += 1
        for email in p.members:
            uid = self.user(email)
            if not self.db.one("SELECT 1 FROM project_members WHERE project_id = ? AND "
                               "user_id = ?", row["id"], uid):
                self.db.insert("project_members", {"project_id": row["id"], "user_id": uid,
                                                   "org_id": self.org_id, "created_at": now()})
                self.ctx.audit(self.org_id, "project_member", row["id"], "create",
                               {"user_id": uid, "source": "import"})
        sprint_ids = {}
        for i, s in enumerate(p.sprints):
            with at(f"sprints[{i}]"):
                sprint_ids[s.name.strip().lower()] = self.sprint(row, s)
        numbers = self.numbers(row, p.tickets)
        for i, t in enumerate(p.tickets):
            n = t.number if t.number is not None else _number_in(t.key) or numbers[i]
            if numbers[i] is not None:
                with at(f"tickets[{i}]"):
                    made = self.ticket(row, t, numbers[i], sprint_ids)
            else:  # already here: relations still name it
                made = self.db.value("SELECT id FROM tickets WHERE project_id = ? AND "
                                     "ticket_number = ?", row["id"], n)
            self.keys[f"{p.key}-{n}".upper()] = made
            if t.parent or t.relations:
                self.links.append((made, t))

    def sprint(self, project: dict, s) -> str:
        found = self.db.one("SELECT id FROM sprints WHERE project_id = ? AND lower(name) = ?",
                            project["id"], s.name.strip().lower())
        if found:
            return found["id"]
        try:
            status = SprintStatus.parse(s.status)
        except ValueError:
            raise Invalid(f"unknown sprint status '{s.status}'",
                          [{"field": "status", "message": "expected Planned, Active or Completed"}]
                          ) from None
        if status is SprintStatus.Active and self.db.one(
                "SELECT 1 FROM sprints WHERE project_id = ? AND status = 'Active'", project["id"]):
            self.warnings.append(f"sprint '{s.name}' in {project['key']} imported as Planned: "
                                 "the project already has an Active sprint")
            status = SprintStatus.Planned
        made = sprints.create(self.ctx, project["id"], convert(SprintIn, {
            "name": s.name, "goal": s.goal, "start_date": s.start_date, "end_date": s.end_date}))
        if status is not SprintStatus.Planned:
            self.db.update("sprints", {"id": made.id}, {
                "status": status.value, "started_at": s.started_at or made.created_at,
                "completed_at": (s.completed_at or made.created_at)
                if status is SprintStatus.Completed else None})
        self.summary.sprints_created += 1
        return made.id

    def numbers(self, project: dict, items: list[ExportTicket]) -> list[int | None]:
        """Each ticket's number: its own when free, else the next one; None = already there."""
        taken = {r["ticket_number"]: r["title"] for r in self.db.all(
            "SELECT ticket_number, title FROM tickets WHERE project_id = ?", project["id"])}
        out: list[int | None] = []
        for t in items:
            n = t.number if t.number is not None else _number_in(t.key)
            if n is not None and n >= 1 and n not in taken:
                taken[n] = t.title
                out.append(n)
            elif n is not None and taken.get(n) == t.title:
                out.append(None)
            else:
                out.append(0)  # renumber below
        top = max([n for n in out if n] + [0])
        if top:
            self.db.run("UPDATE projects SET ticket_counter = CASE WHEN ticket_counter < ? "
                        "THEN ? ELSE ticket_counter END WHERE id = ?", top, top, project["id"])
        skipped = out.count(None)
        if skipped:
            self.warnings.append(f"{project['key']}: {skipped} ticket(s) already present "
                                 "(same number and title) were skipped")
        renumbered = []
        for i, n in enumerate(out):
            if n == 0:
                out[i] = tickets.next_number(self.ctx, project["id"])
                if items[i].number is not None:
                    renumbered.append(f"{items[i].number}->{out[i]}")
        if renumbered:
            self.warnings.append(f"{project['key']}: numbers taken, renumbered "
                                 + ", ".join(renumbered))
        return out

    def _status(self, project: dict, wanted: str | None) -> tuple[str, str | None]:
        """(status to store, name of the workflow that lacks `wanted` or None), once per
        project and status: never a status the ticket's workflow does not know."""
        key = (project["id"], (wanted or "").strip().lower())
        if key not in self.statuses:
            status, unknown = statuses.initial(self.ctx, project), None
            if wanted and wanted.strip():
                flow = workflows.governing(self.ctx, project, None, wanted)
                if flow.find(wanted):
                    status = statuses.apply(self.ctx, project, None, wanted)[0]
                else:
                    unknown = flow.name
            self.statuses[key] = (status, unknown)
        return self.statuses[key]

    def ticket(self, project: dict, t: ExportTicket, number: int, sprint_ids: dict) -> str:
        if not t.title.strip() or len(t.title) > 500:
            raise Invalid("invalid ticket title", [{"field": "title",
                                                    "message": "must be 1-500 characters"}])
        status, unknown = self._status(project, t.status)
        if unknown:
            self.warnings.append(f"{project['key']}-{number}: status '{t.status.strip()}' "
                                 f"is not in workflow '{unknown}'; imported as '{status}'")
        try:
            priority = Priority.parse(t.priority).value
        except ValueError:
            raise Invalid(f"unknown priority '{t.priority}'",
                          [{"field": "priority", "message": "expected None, Low, Medium, "
                                                            "High or Urgent"}]) from None
        sprint_id = None
        if t.sprint:
            sprint_id = sprint_ids.get(t.sprint.strip().lower())
            if sprint_id is None:
                found = self.db.one("SELECT id FROM sprints WHERE project_id = ? AND "
                                    "lower(name) = lower(?)", project["id"], t.sprint)
                sprint_id = found["id"] if found else None
        created = _stamp(t.created_at)
        row = self.db.insert("tickets", {
            "id": new_id(), "org_id": self.org_id, "project_id": project["id"],
            "ticket_number": number, "title": t.title, "description": t.description,
            "status": status, "priority": priority, "assignee_id":
            self.user(t.assignee) if t.assignee else None, "reporter_id": self.user(t.reporter),
            "sprint_id": sprint_id, "created_at": created, "updated_at": t.updated_at or created})
        self.ctx.audit(self.org_id, "ticket", row["id"], "create", {
            "title": t.title, "status": status, "priority": priority, "source": "import"})
        self.summary.tickets_created += 1
        for name in dict.fromkeys(t.labels):
            self.db.insert("ticket_labels", {"ticket_id": row["id"], "label_id": self.label(name),
                                             "org_id": self.org_id, "created_at": created})
        ids: list[str] = []
        for c in t.comments:
            if not c.body.strip():
                self.warnings.append(f"{project['key']}-{number}: an empty comment was skipped")
                ids.append(None)
                continue
            parent = ids[c.parent] if c.parent is not None and 0 <= c.parent < len(ids) else None
            stamp = _stamp(c.created_at)
            cid = self.db.insert("comments", {
                "id": new_id(), "org_id": self.org_id, "ticket_id": row["id"],
                "author_id": self.user(c.author), "body": c.body, "parent_comment_id": parent,
                "created_at": stamp, "updated_at": stamp})["id"]
            self.ctx.audit(self.org_id, "ticket", row["id"], "comment_create",
                           {"comment_id": cid, "source": "import"})
            ids.append(cid)
            self.summary.comments_created += 1
        for j, e in enumerate(t.time_entries):
            with at(f"time_entries[{j}]"):
                self.time_entry(project, row["id"], e)
        return row["id"]

    def time_entry(self, project: dict, ticket_id: str, e) -> None:
        errors = []
        try:
            work_date = dt.date.fromisoformat(e.date[:10]).isoformat()
        except ValueError:
            errors.append({"field": "date", "message": "expected YYYY-MM-DD"})
        try:
            activity = ActivityType.parse(e.activity_type).value
        except ValueError as err:
            errors.append({"field": "activity_type", "message": str(err)})
        try:
            state = EntryStatus.parse(e.status).value
        except ValueError as err:
            errors.append({"field": "status", "message": str(err)})
        if errors:
            raise Invalid("invalid time entry", errors)
        stamp = now()
        row = self.db.insert("time_entries", {
            "id": new_id(), "org_id": self.org_id, "user_id": self.user(e.user),
            "ticket_id": ticket_id, "project_id": project["id"], "work_date": work_date,
            "duration_minutes": e.duration_minutes, "description": e.description,
            "activity_type": activity, "status": state,
            "approved_by": self.user(e.approved_by) if e.approved_by else None,
            "approved_at": e.approved_at, "rejection_reason": e.rejection_reason,
            "created_at": stamp, "updated_at": stamp})
        self.ctx.audit(self.org_id, "time_entry", row["id"], "create", {
            "ticket_id": ticket_id, "duration_minutes": e.duration_minutes, "source": "import"})
        self.summary.time_entries_created += 1


def _number_in(key: str | None) -> int | None:
    tail = (key or "").rpartition("-")[2]
    return int(tail) if tail.isdigit() else None
