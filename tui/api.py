"""Every call the TUI makes, as plain functions over `alloy.client` (run inside workers).

Answers are the operation's declared result type (`client.run`: Structs), and the widgets
read them as such (attribute access), so a misspelt field fails in the tests rather than
answering None for a user. Every operation named here exists (tests/test_face_ops.py checks
each name).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import TYPE_CHECKING

from alloy import ops
from alloy.errors import AlloyError, Forbidden, Invalid, NotFound

if TYPE_CHECKING:  # the answers' types, named for readers (not imported at run time)
    from alloy.domain.comments import Comment
    from alloy.domain.flow import Board, Burndown, Sprint, Workflow
    from alloy.domain.labels import Label
    from alloy.domain.time import TimeEntry
    from alloy.domain.timers import Timer, TimerStopped
    from alloy.domain.values import Role
    from alloy.domain.views import View
    from alloy.domain.work import Activity, Project, Ticket

PAGE = 100


def run(client, name: str, *ids: str, **kw):
    """Run `name`, giving path parameters by position (their names are the op's business);
    the answer is the operation's result type."""
    names = ops.get(name).path_params
    return client.run(name, **dict(zip(names, ids, strict=True)), **kw)


def pages(client, name: str, *ids: str, query: dict | None = None):
    """Yield each page's items (Structs) of a list operation, following cursors."""
    query = {**(query or {}), "limit": PAGE}
    while True:
        page = run(client, name, *ids, query=query)
        if isinstance(page, list):
            yield page
            return
        yield page.items
        if not page.has_more or not page.next_cursor:
            return
        query["cursor"] = page.next_cursor


def items(client, name: str, *ids: str, query: dict | None = None) -> list:
    """Every item of a list operation, as Structs."""
    return [item for page in pages(client, name, *ids, query=query) for item in page]


@dataclasses.dataclass(frozen=True)
class Who:
    """The user the TUI acts as, and the org it shows."""

    user_id: str
    org_id: str


def discover(client) -> Who:
    """Who we are and which org: ALLOY_ORG_ID wins, else auth.me, else the first org."""
    from alloy.config import Settings

    me = run(client, "auth.me")
    wanted = Settings.from_env().client.org_id
    org_id = wanted or me.org_id
    if not org_id:
        orgs = run(client, "orgs.list", query={"limit": 1}).items
        org_id = orgs[0].id if orgs else None
    if not org_id:
        raise AlloyError("you belong to no organization: create one with `alloy org create`")
    if hasattr(client, "org_id"):
        client.org_id = org_id
    if wanted:
        try:
            run(client, "orgs.get", org_id)
        except (NotFound, Forbidden, Invalid):
            raise NotFound("ALLOY_ORG_ID is not one of your organizations (see `alloy org "
                           "list`)") from None
    return Who(user_id=me.user_id, org_id=org_id)


def members(client, org_id: str) -> dict[str, str]:
    rows = items(client, "orgs.list_members", org_id)
    return {m.user_id: m.display_name or m.email or m.user_id for m in rows}


def projects(client, org_id: str) -> list[Project]:
    return items(client, "projects.list", query={"org_id": org_id})


def workflows(client, org_id: str) -> list[Workflow]:
    """The org's workflows (`Model` works out statuses and categories from them)."""
    return items(client, "workflows.list", org_id)


def views(client, org_id: str) -> list[View]:
    """The user's saved views and the org's shared ones, oldest first (the tabs)."""
    return items(client, "views.list", org_id)


def set_status(client, ticket_id: str, status: str) -> Ticket:
    return run(client, "transitions.transition", ticket_id, body={"to_status": status})


def update(client, ticket_id: str, **fields) -> Ticket:
    return run(client, "tickets.update", ticket_id, body=fields)


def create(client, project_id: str, title: str, priority: str) -> Ticket:
    return run(client, "tickets.create", project_id,
                body={"title": title, "priority": priority})


def comment(client, ticket_id: str, body: str) -> Comment:
    return run(client, "comments.create", ticket_id, body={"body": body})


def comments(client, ticket_id: str) -> list[Comment]:
    return items(client, "comments.list", ticket_id)


def activity(client, ticket_id: str) -> list[Activity]:
    """The ticket's history, oldest first (who acted, through which credential)."""
    return items(client, "tickets.activity", ticket_id)


def delete(client, ticket_id: str) -> None:
    run(client, "tickets.delete", ticket_id)


def cascade_preview(client, ticket_id: str) -> dict:
    """Counts of what a cascade delete would remove: {"comments": 3, ...}."""
    result = run(client, "tickets.delete", ticket_id, query={"cascade": True, "dry_run": True})
    return dict(result.dependents) if result is not None else {}


def cascade_delete(client, ticket_id: str) -> None:
    run(client, "tickets.delete", ticket_id, query={"cascade": True})


def labels(client, org_id: str) -> list[Label]:
    return items(client, "labels.list", org_id)


def ticket_labels(client, ticket_id: str) -> list[Label]:
    return run(client, "labels.list_for_ticket", ticket_id)


def toggle_label(client, ticket_id: str, label_id: str, on: bool) -> None:
    name = "labels.add_to_ticket" if on else "labels.remove_from_ticket"
    run(client, name, ticket_id, label_id)


def log_time(client, user_id: str, ticket, minutes: int, activity: str) -> TimeEntry:
    return run(client, "timeentries.create", body={
        "user_id": user_id, "ticket_id": ticket.id, "project_id": ticket.project_id,
        "date": datetime.date.today().isoformat(), "duration_minutes": minutes,
        "activity_type": activity})


def sprints(client, project_id: str) -> list[Sprint]:
    return items(client, "sprints.list", project_id)


def board(client, sprint_id: str) -> tuple[Board, Burndown]:
    """The sprint's board and its burndown: (Board, Burndown)."""
    return run(client, "sprints.board", sprint_id), run(client, "sprints.burndown", sprint_id)


def search(client, org_id: str, query: str, cap: int = 500) -> list[Ticket]:
    """The server's answer to a query (docs/search.md), best first, up to `cap` tickets."""
    found = []
    for page in pages(client, "tickets.search", org_id, query={"q": query}):
        found += page
        if len(found) >= cap:
            break
    return found[:cap]


def ticket(client, ticket_id: str) -> Ticket:
    return run(client, "tickets.get", ticket_id)


def sprint(client, sprint_id: str) -> Sprint:
    return run(client, "sprints.get", sprint_id)


def sprint_create(client, project_id: str, name: str, start: str, end: str) -> Sprint:
    return run(client, "sprints.create", project_id,
                body={"name": name, "start_date": start, "end_date": end})


def sprint_change(client, action: str, sprint_id: str) -> Sprint:
    """`start` (Planned -> Active) or `complete` (Active -> Completed)."""
    return run(client, f"sprints.{action}", sprint_id)


def role(client, org_id: str, user_id: str) -> Role | None:
    """The user's `Role` in the org, None if not a member."""
    return next((m.role for m in items(client, "orgs.list_members", org_id)
                 if m.user_id == user_id), None)


def submitted(client, org_id: str) -> list[TimeEntry]:
    """The approval queue: the org's Submitted time entries, oldest first."""
    return items(client, "timeentries.submitted", query={"org_id": org_id})


def approve(client, entry_id: str) -> TimeEntry:
    return run(client, "timeentries.approve", entry_id)


def reject(client, entry_id: str, reason: str) -> TimeEntry:
    return run(client, "timeentries.reject", entry_id, body={"reason": reason})


def timer(client) -> Timer | None:
    """The user's running timer (as `alloy start` left it), None when none runs."""
    try:
        return run(client, "timers.current")
    except NotFound:
        return None


def timer_start(client, ticket_id: str) -> Timer:
    return run(client, "timers.start", body={"ticket_id": ticket_id})


def timer_stop(client, activity: str | None = None) -> TimerStopped:
    """Stop and log the time as a Draft entry (`TimerStopped`: timer, entry)."""
    return run(client, "timers.stop", body={"activity_type": activity} if activity else {})
