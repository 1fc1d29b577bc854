"""Tools: connectivity, tickets, comments and activity (MCP Tools Reference)."""

from __future__ import annotations

from alloy.server.mcp.errors import ToolFailure
from alloy.server.mcp.tooling import ME, ORG, Call, P, Tool, page_params, reshape

from alloy.errors import AlloyError, Conflict, Forbidden, Invalid

TICKET = P("ticket_id", "string", "UUID or key (SIDE-3) of the ticket", required=True)
PROJECT = P("project_id", "string", "UUID or key (SIDE) of the project", required=True)
CASCADE = P("cascade", "boolean", "Force-delete the ticket and all its comments (default false)")
DRY_RUN = P("dry_run", "boolean",
            "Preview what would be deleted without actually deleting (requires cascade=true)")

ME_CALL = Call("auth.me")
HEALTH = Call("system.health")
LIST_TICKETS = Call("tickets.list", query=("status", "priority", "assignee_id", "limit", "cursor"),
                    defaults={"limit": 50})
SEARCH = Call("tickets.search", query=("q", "project_id", "limit", "cursor"),
              defaults={"org_id": ORG, "limit": 50, "q": ""})  # `q` is the tool's `query`
TRANSITION = Call("transitions.transition", body=("to_status",))
AVAILABLE = Call("transitions.available")
GET_TICKET = Call("tickets.get")


def _ping(session, args):
    session.run(HEALTH, {})
    me = session.me(fresh=True)
    return f"Alloy MCP connected to {session.backend.where()} as {me.email} (org {me.org_id})"


def _whoami(session, args):
    me = session.me(fresh=True)
    return {"user_id": me.user_id, "org_id": me.org_id, "email": me.email, "role": me.role}


def _search(session, args):
    """With `query`, the query language across the org (the filters become qualifiers);
    without, the reference's project listing."""
    if args.get("query") is None:
        if not args.get("project_id"):
            raise Invalid("give query (words and qualifiers) or project_id",
                          [{"field": "query", "message": "query or project_id is required"}])
        return reshape("data", session.run(LIST_TICKETS, args))
    words = [args["query"]]
    for name, qualifier in (("status", "status"), ("priority", "priority"),
                            ("assignee_id", "assignee")):
        if args.get(name):
            words.append(f"{qualifier}:{args[name].replace(' ', '')}")
    found = {"q": " ".join(words), "project_id": args.get("project_id")}
    found.update({k: args[k] for k in ("limit", "cursor") if k in args})
    return reshape("data", session.run(SEARCH, found))


def _transition(session, args):
    """Transition; on a refused transition, say where the ticket is and where it can go."""
    try:
        return session.run(TRANSITION, args)
    except (Invalid, Conflict, Forbidden) as exc:
        if isinstance(exc, Invalid) and any(
                isinstance(d, dict) and d.get("field") not in (None, "to_status", "status")
                for d in exc.details):
            raise
        try:
            avail = session.run(AVAILABLE, args)
        except AlloyError:  # the original error is the one to report
            raise exc from None
        current = avail.current_status
        names = [a.name for a in avail.available]
        raise ToolFailure(
            f"Transition failed: Cannot transition from {current} to {args.get('to_status')}. "
            f"Current status: {current}. Available transitions: [{', '.join(names)}]. "
            f"({exc.message})") from None


TOOLS = [
    Tool("ping", "Check connectivity to the Alloy API.", run=_ping, needs=(HEALTH, ME_CALL)),
    Tool("whoami", "Get the current authenticated user's identity.", run=_whoami,
         needs=(ME_CALL,)),
    Tool("create_ticket", "Create a new ticket in a project. Returns the created ticket with its "
         "auto-assigned ticket number.",
         (PROJECT, P("title", "string", "Ticket title (1–500 characters)", required=True),
          P("description", "string", "Ticket description (markdown supported)"),
          P("status", "string", "Initial status (defaults to Backlog). Values are defined by "
            "the project's workflow"),
          P("priority", "string", "Priority level: None (default), Low, Medium, High, Urgent"),
          P("assignee_id", "string", "UUID of the user to assign")),
         Call("tickets.create",
              body=("title", "description", "status", "priority", "assignee_id"))),
    Tool("get_ticket", "Get a ticket by its UUID. Returns full ticket details including status, "
         "priority, and assignee.", (TICKET,), GET_TICKET),
    Tool("search_tickets", "Search tickets in a project. Supports filtering by status, priority, "
         "and assignee. Returns paginated results. With `query`, searches the whole "
         "organization (or project_id) by words, \"exact phrases\" and qualifiers, best "
         "matches first.",
         (P("project_id", "string", "UUID or key (SIDE) of the project (required without "
            "query)"),
          P("query", "string", "Search query: words, \"exact phrases\" and qualifiers such as "
            "is:open, status:InProgress, priority:>=high, assignee:@me, label:bug, "
            "-label:wontfix, project:KEY, sprint:current, updated:<7d, tag:key=value, "
            "has:parent, blocked:true, sort:updated (see docs/search.md)"),
          P("status", "string", "Filter by status (workflow-defined)"),
          P("priority", "string", "Filter by priority"),
          P("assignee_id", "string", "Filter by assignee UUID"), *page_params(50)),
         SEARCH, shape="data", run=_search, needs=(LIST_TICKETS,)),
    Tool("update_ticket", "Update a ticket's fields. Only provided fields are changed; omitted "
         "fields remain untouched.",
         (TICKET, P("title", "string", "New title (1–500 characters)"),
          P("description", "string", "New description (markdown supported, or null to clear)",
            nullable=True),
          P("status", "string", "New status (workflow-defined)"),
          P("priority", "string", "New priority"),
          P("assignee_id", "string", "UUID of user to assign, or null to unassign",
            nullable=True)),
         Call("tickets.update",
              body=("title", "description", "status", "priority", "assignee_id"))),
    Tool("transition_ticket", "Transition a ticket to a new status. Validates against the "
         "project's workflow rules. On error, returns the list of available transitions from "
         "the current status.",
         (TICKET, P("to_status", "string", "Target status — must be a valid transition in the "
                    "project's workflow (e.g., InProgress, InReview, Done)", required=True)),
         run=_transition, needs=(TRANSITION, AVAILABLE)),
    Tool("check_transition", "Check, without moving it, whether a ticket may move to a status "
         "now under its workflow and your role. Returns allowed (true/false), the reason when "
         "not, any warn-mode warning, and the workflow's name and enforcement.",
         (TICKET, P("to", "string", "The status to check (e.g., Done)", required=True)),
         Call("transitions.check", query=("to",))),
    Tool("batch_transition", "Transition multiple tickets to the same status in one call. Each "
         "ticket is validated individually against its project workflow. Returns per-ticket "
         "results: succeeded and failed arrays.",
         (P("ticket_ids", "string[]", "Array of ticket UUIDs or keys (SIDE-3) to transition", required=True),
          P("to_status", "string", "Target status for all tickets", required=True)),
         Call("transitions.batch", body=("ticket_ids", "to_status"))),
    Tool("batch_update_tickets", "Update multiple tickets at once with the same field values. "
         "Pass ticket_ids and any combination of fields to update: status, priority, "
         "assignee_id, sprint_id, title, description. Returns the count of updated tickets.",
         (P("ticket_ids", "string[]", "Array of ticket UUIDs or keys (SIDE-3) to update", required=True),
          P("title", "string", "New title for all tickets (1–500 characters)"),
          P("description", "string", "New description (or null to clear)", nullable=True),
          P("status", "string", "New status for all tickets"),
          P("priority", "string", "New priority: None, Low, Medium, High, Urgent"),
          P("assignee_id", "string", "UUID of user to assign, or null to unassign",
            nullable=True),
          P("sprint_id", "string", "UUID of sprint to assign, or null to unassign",
            nullable=True)),
         Call("tickets.batch_update",
              body=("ticket_ids", "title", "description", "status", "priority", "assignee_id",
                    "sprint_id"))),
    Tool("assign_ticket", "Assign a ticket to a user by UUID, or unassign by omitting "
         "assignee_id. A convenience wrapper around ticket update.",
         (TICKET, P("assignee_id", "string", "UUID of user to assign to, or omit to unassign",
                    nullable=True)),
         Call("tickets.update", body=("assignee_id",),
              defaults={"assignee_id": None})),
    Tool("get_my_tickets", "Get all tickets assigned to the current authenticated user in a "
         "project. Returns paginated results.",
         (PROJECT, P("status", "string", "Filter by status (workflow-defined)"),
          *page_params(50)),
         Call("tickets.list", query=("status", "assignee_id", "limit", "cursor"),
              defaults={"assignee_id": ME, "limit": 50}), shape="data"),
    Tool("delete_ticket", "Delete a ticket by its UUID. Fails with 409 Conflict if the ticket "
         "has comments — use cascade=true to force deletion. Use dry_run=true with cascade to "
         "preview what would be deleted.",
         (P("ticket_id", "string", "UUID or key (SIDE-3) of the ticket to delete", required=True), CASCADE,
          DRY_RUN),
         Call("tickets.delete", query=("cascade", "dry_run"))),
    Tool("add_comment", "Add a comment to a ticket. The comment author is set to the "
         "authenticated user. Supports threaded replies via parent_comment_id.",
         (TICKET, P("body", "string", "Comment body (markdown supported)", required=True),
          P("parent_comment_id", "string", "UUID of parent comment for threaded replies")),
         Call("comments.create", body=("body", "parent_comment_id"))),
    Tool("list_comments", "List comments on a ticket. Returns paginated results ordered by "
         "creation time.", (TICKET, *page_params()),
         Call("comments.list", query=("limit", "cursor")), shape="data"),
    Tool("update_comment", "Update a comment. Only the comment author or an Admin can edit a "
         "comment.",
         (P("comment_id", "string", "UUID of the comment to update", required=True),
          P("body", "string", "New comment body text (markdown supported)", required=True)),
         Call("comments.update", body=("body",))),
    Tool("delete_comment", "Delete a comment. Only the comment author or an Admin can delete a "
         "comment.",
         (P("comment_id", "string", "UUID of the comment to delete", required=True),),
         Call("comments.delete"), shape="deleted"),
    Tool("get_ticket_activity", "Get the activity feed for a ticket. Returns a chronological "
         "stream of comments and changes (status transitions, field updates, etc.) with actor, "
         "action, and timestamp. Supports cursor-based pagination.",
         (TICKET, *page_params()),
         Call("tickets.activity", query=("limit", "cursor")), shape="items"),
]
