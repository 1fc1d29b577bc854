"""Read-only resources: `alloy://projects`, `alloy://project/{key}`, `alloy://ticket/{id}`,
`alloy://sprint/{id}/board`, `alloy://user/{id}/assigned` — all application/json."""

from __future__ import annotations

import dataclasses
import re

from alloy.server.mcp.session import Session
from alloy.server.mcp.tooling import ORG, Call

from alloy.errors import NotFound

LIST_PROJECTS = Call("projects.list", "GET /api/v1/projects", query=("org_id", "limit", "cursor"),
                     defaults={"org_id": ORG})
PROJECT_BY_KEY = Call("projects.get_by_key", "GET /api/v1/projects/key/{key}",
                      query=("org_id",), defaults={"org_id": ORG})
TICKET = Call("tickets.get", "GET /api/v1/tickets/{id}")
BOARD = Call("sprints.board", "GET /api/v1/sprints/{id}/board")
TICKETS = Call("tickets.list", "GET /api/v1/projects/{project_id}/tickets",
               query=("assignee_id", "limit", "cursor"))


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
           "Tickets assigned to the current authenticated user")]
TEMPLATES = [Template("alloy://project/{key}", "project", "Get a project by its key (e.g., PROJ)"),
             Template("alloy://ticket/{id}", "ticket", "Get a ticket by its UUID"),
             Template("alloy://sprint/{id}/board", "sprint-board",
                      "Board view for a sprint — tickets grouped by status"),
             Template("alloy://user/{id}/assigned", "user-assigned-tickets",
                      "Tickets assigned to a specific user")]


def static(session: Session) -> list[tuple[str, str, str]]:
    """The static resources, with the caller's own user id filled in."""
    me = session.me()["user_id"]
    return [(uri.replace("{current_user_id}", me), name, desc) for uri, name, desc in STATIC]


def _assigned(session: Session, user_id: str) -> dict:
    """Tickets assigned to `user_id` across the organization's projects."""
    out = []
    for project in session.call_all(LIST_PROJECTS, {}, "resource user-assigned-tickets"):
        out += session.call_all(TICKETS, {"project_id": project["id"], "assignee_id": user_id},
                                "resource user-assigned-tickets")
    return {"user_id": user_id, "data": out}


NEEDS = {"projects": (LIST_PROJECTS,), "project": (PROJECT_BY_KEY,), "ticket": (TICKET,),
         "sprint-board": (BOARD,), "user-assigned-tickets": (LIST_PROJECTS, TICKETS),
         "my-assigned-tickets": (LIST_PROJECTS, TICKETS)}


def read(session: Session, uri: str):
    if uri == "alloy://projects":
        return {"data": session.call_all(LIST_PROJECTS, {}, "resource projects")}
    for t in TEMPLATES:
        found = t.match(uri)
        if found is None:
            continue
        if t.name == "project":
            return session.call(PROJECT_BY_KEY, found, f"resource {uri}")
        if t.name == "ticket":
            return session.call(TICKET, found, f"resource {uri}")
        if t.name == "sprint-board":
            return session.call(BOARD, found, f"resource {uri}")
        return _assigned(session, found["id"])
    raise NotFound(f"unknown resource {uri}: read alloy://projects, alloy://project/{{key}}, "
                   "alloy://ticket/{id}, alloy://sprint/{id}/board or alloy://user/{id}/assigned")
