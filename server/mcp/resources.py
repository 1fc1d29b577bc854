"""Read-only resources: `alloy://projects`, `alloy://views`, `alloy://project/{key}`,
`alloy://ticket/{id}`, `alloy://sprint/{id}/board`, `alloy://user/{id}/assigned`,
`alloy://view/{name}` (a saved view, run) — all application/json."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import unquote

from alloy.server.mcp.session import Session
from alloy.server.mcp.tooling import ORG, Call, plain

from alloy.errors import NotFound

LIST_PROJECTS = Call("projects.list", query=("org_id", "limit", "cursor"),
                     defaults={"org_id": ORG})
PROJECT_BY_KEY = Call("projects.get_by_key", query=("org_id",), defaults={"org_id": ORG})
TICKET = Call("tickets.get", path={"ticket_id": "id"})
BOARD = Call("sprints.board", path={"sprint_id": "id"})
TICKETS = Call("tickets.list", query=("assignee_id", "limit", "cursor"))
VIEWS = Call("views.list", query=("limit", "cursor"), defaults={"org_id": ORG})
RUN_VIEW = Call("views.run", query=("limit", "cursor"))


@dataclasses.dataclass(frozen=True)
class Template:
    uri: str
    name: str
    description: str

    def match(self, uri: str) -> dict | None:
        pattern = "^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(self.uri)) + "$"
        m = re.match(pattern, uri)
        return m.groupdict() if m else None


STATIC = [("alloy://projects", "projects", "List all projects in the organization"),
          ("alloy://user/{current_user_id}/assigned", "my-assigned-tickets",
           "Tickets assigned to the current authenticated user"),
          ("alloy://views", "views", "Your saved views and the organization's shared ones")]
TEMPLATES = [Template("alloy://project/{key}", "project", "Get a project by its key (e.g., PROJ)"),
             Template("alloy://ticket/{id}", "ticket", "Get a ticket by its UUID"),
             Template("alloy://sprint/{id}/board", "sprint-board",
                      "Board view for a sprint — tickets grouped by status"),
             Template("alloy://user/{id}/assigned", "user-assigned-tickets",
                      "Tickets assigned to a specific user"),
             Template("alloy://view/{name}", "view",
                      "Run a saved view, by name or id: the tickets its query finds now")]


def static(session: Session) -> list[tuple[str, str, str]]:
    """The static resources, with the caller's own user id filled in."""
    me = session.me().user_id
    return [(uri.replace("{current_user_id}", me), name, desc) for uri, name, desc in STATIC]


def _assigned(session: Session, user_id: str) -> dict:
    """Tickets assigned to `user_id` across the organization's projects."""
    out = []
    for project in session.call_all(LIST_PROJECTS, {}):
        out += session.call_all(TICKETS, {"project_id": project.id, "assignee_id": user_id})
    return {"user_id": user_id, "data": out}


def _run_view(session: Session, ref: str) -> dict:
    """A view named by id or name (any case), run: its query's tickets, every page."""
    views = session.call_all(VIEWS, {})
    hit = ([v for v in views if v.id == ref] or
           [v for v in views if v.name.lower() == ref.strip().lower()])
    if len(hit) != 1:
        raise NotFound(f"no view named '{ref}': read alloy://views for their names")
    return {"view": hit[0], "data": session.call_all(RUN_VIEW, {"view_id": hit[0].id})}


NEEDS = {"projects": (LIST_PROJECTS,), "project": (PROJECT_BY_KEY,), "ticket": (TICKET,),
         "sprint-board": (BOARD,), "user-assigned-tickets": (LIST_PROJECTS, TICKETS),
         "my-assigned-tickets": (LIST_PROJECTS, TICKETS), "views": (VIEWS,), "view": (VIEWS, RUN_VIEW)}


def read(session: Session, uri: str):
    """The resource at `uri`, as JSON-shaped data."""
    return plain(_read(session, uri))


def _read(session: Session, uri: str):
    if uri == "alloy://projects":
        return {"data": session.call_all(LIST_PROJECTS, {})}
    if uri == "alloy://views":
        return {"data": session.call_all(VIEWS, {})}
    for t in TEMPLATES:
        found = t.match(uri)
        if found is None:
            continue
        if t.name == "project":
            return session.run(PROJECT_BY_KEY, found)
        if t.name == "ticket":
            return session.run(TICKET, found)
        if t.name == "sprint-board":
            return session.run(BOARD, found)
        if t.name == "view":
            return _run_view(session, unquote(found["name"]))
        return _assigned(session, found["id"])
    raise NotFound(f"unknown resource {uri}: read alloy://projects, alloy://views, "
                   "alloy://project/{key}, alloy://ticket/{id}, alloy://sprint/{id}/board, "
                   "alloy://user/{id}/assigned or alloy://view/{name}")
