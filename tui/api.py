"""Every call the TUI makes, as plain functions over `alloy.client` (run inside workers).

Answers are read as the operation's declared result type (`client.run`: Structs), so a
misspelt field fails in the tests rather than for a user; what goes on to the widgets is
made plain (`plain`: dicts and lists, read by key) at the end of each function. Every
operation named here exists (tests/test_face_ops.py checks each name).
"""

from __future__ import annotations

import datetime

import msgspec

from alloy import ops
from alloy.errors import AlloyError, Forbidden, Invalid, NotFound

PAGE = 100


def run(client, name: str, *ids: str, **kw):
    """Run `name`, giving path parameters by position (their names are the op's business);
    the answer is the operation's result type."""
    names = ops.get(name).path_params
    return client.run(name, **dict(zip(names, ids, strict=True)), **kw)


def plain(value):
    """The widget boundary: Structs as the dicts and lists the widgets read by key."""
    return value if value is None or isinstance(value, (str, bytes)) \
        else msgspec.to_builtins(value)


def call(client, name: str, *ids: str, **kw):
    """`run`, answered as plain data."""
    return plain(run(client, name, *ids, **kw))


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


def everything(client, name: str, *ids: str, query: dict | None = None) -> list[dict]:
    """Every item of a list operation, plain."""
    return plain(items(client, name, *ids, query=query))


def discover(client) -> dict:
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
    return {"user_id": me.user_id, "org_id": org_id}


def members(client, org_id: str) -> dict[str, str]:
    rows = items(client, "orgs.list_members", org_id)
    return {m.user_id: m.display_name or m.email or m.user_id for m in rows}


def projects(client, org_id: str) -> list[dict]:
    return everything(client, "projects.list", query={"org_id": org_id})


def workflows(client, org_id: str) -> list:
    """The org's workflows, as Structs (only `Model` reads them)."""
    return items(client, "workflows.list", org_id)


def views(client, org_id: str) -> list[dict]:
    """The user's saved views and the org's shared ones, oldest first (the tabs)."""
    return everything(client, "views.list", org_id)


def set_status(client, ticket_id: str, status: str) -> dict:
    return call(client, "transitions.transition", ticket_id, body={"to_status": status})


def update(client, ticket_id: str, **fields) -> dict:
    return call(client, "tickets.update", ticket_id, body=fields)


def create(client, project_id: str, title: str, priority: str) -> dict:
    return call(client, "tickets.create", project_id,
                body={"title": title, "priority": priority})


def comment(client, ticket_id: str, body: str) -> dict:
    return call(client, "comments.create", ticket_id, body={"body": body})


def comments(client, ticket_id: str) -> list[dict]:
    return everything(client, "comments.list", ticket_id)


def activity(client, ticket_id: str) -> list[dict]:
    """The ticket's history, oldest first (who acted, through which credential)."""
    return everything(client, "tickets.activity", ticket_id)


def delete(client, ticket_id: str) -> None:
    call(client, "tickets.delete", ticket_id)


def cascade_preview(client, ticket_id: str) -> dict:
    """Counts of what a cascade delete would remove: {"comments": 3, ...}."""
    result = run(client, "tickets.delete", ticket_id, query={"cascade": True, "dry_run": True})
    return dict(result.dependents) if result is not None else {}


def cascade_delete(client, ticket_id: str) -> None:
    call(client, "tickets.delete", ticket_id, query={"cascade": True})


def labels(client, org_id: str) -> list[dict]:
    return everything(client, "labels.list", org_id)


def ticket_labels(client, ticket_id: str) -> list[dict]:
    return call(client, "labels.list_for_ticket", ticket_id)


def toggle_label(client, ticket_id: str, label_id: str, on: bool) -> None:
    name = "labels.add_to_ticket" if on else "labels.remove_from_ticket"
    call(client, name, ticket_id, label_id)


def log_time(client, user_id: str, ticket: dict, minutes: int, activity: str) -> dict:
    return call(client, "timeentries.create", body={
        "user_id": user_id, "ticket_id": ticket["id"], "project_id": ticket["project_id"],
        "date": datetime.date.today().isoformat(), "duration_minutes": minutes,
        "activity_type": activity})


def sprints(client, project_id: str) -> list[dict]:
    return everything(client, "sprints.list", project_id)


def board(client, sprint_id: str) -> dict:
    return {"board": call(client, "sprints.board", sprint_id),
            "burndown": call(client, "sprints.burndown", sprint_id)}


def search(client, org_id: str, query: str, cap: int = 500) -> list[dict]:
    """The server's answer to a query (docs/search.md), best first, up to `cap` tickets."""
    found = []
    for page in pages(client, "tickets.search", org_id, query={"q": query}):
        found += page
        if len(found) >= cap:
            break
    return plain(found[:cap])


def ticket(client, ticket_id: str) -> dict:
    return call(client, "tickets.get", ticket_id)


def sprint(client, sprint_id: str) -> dict:
    return call(client, "sprints.get", sprint_id)


def sprint_create(client, project_id: str, name: str, start: str, end: str) -> dict:
    return call(client, "sprints.create", project_id,
                body={"name": name, "start_date": start, "end_date": end})


def sprint_change(client, action: str, sprint_id: str) -> dict:
    """`start` (Planned -> Active) or `complete` (Active -> Completed)."""
    return call(client, f"sprints.{action}", sprint_id)


def role(client, org_id: str, user_id: str) -> str | None:
    """The user's role in the org (`Owner`, `Admin`...), None if not a member."""
    return next((plain(m.role) for m in items(client, "orgs.list_members", org_id)
                 if m.user_id == user_id), None)


def submitted(client, org_id: str) -> list[dict]:
    """The approval queue: the org's Submitted time entries, oldest first."""
    return everything(client, "timeentries.submitted", query={"org_id": org_id})


def approve(client, entry_id: str) -> dict:
    return call(client, "timeentries.approve", entry_id)


def reject(client, entry_id: str, reason: str) -> dict:
    return call(client, "timeentries.reject", entry_id, body={"reason": reason})


def timer(client) -> dict | None:
    """The user's running timer (as `alloy start` left it), None when none runs."""
    try:
        return call(client, "timers.current")
    except NotFound:
        return None


def timer_start(client, ticket_id: str) -> dict:
    return call(client, "timers.start", body={"ticket_id": ticket_id})


def timer_stop(client, activity: str | None = None) -> dict:
    """Stop and log the time as a Draft entry: {"timer", "entry"}."""
    return call(client, "timers.stop", body={"activity_type": activity} if activity else {})
