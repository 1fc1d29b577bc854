"""The 15 slash commands (MCP prompts): instructions for multi-step workflows over the tools.

Arguments the user already gave are written into the instructions so the assistant does not
ask for them again; missing ones become questions (MCP Tools Reference, Slash Commands).
"""

from __future__ import annotations

import dataclasses

from alloy.domain import enums

ACTIVITY_TYPES = ", ".join(enums.ACTIVITY_TYPES)


@dataclasses.dataclass(frozen=True)
class Prompt:
    name: str
    description: str
    arguments: tuple[tuple[str, str], ...]
    steps: str
    tools: tuple[str, ...]

    def render(self, args: dict[str, str]) -> str:
        given = {k: v for k, v in (args or {}).items() if v not in (None, "")}
        lines = [f"You are helping the user with Alloy: {self.description[0].lower()}"
                 f"{self.description[1:]}.", ""]
        for name, _ in self.arguments:
            if name in given:
                lines.append(f"The user already specified {name}: {given[name]}. "
                             "Do not ask for it again.")
            else:
                lines.append(f"The user has not specified {name} yet: ask for it if needed.")
        lines += ["", self.steps.strip(), "",
                  f"Tools to use: {', '.join(self.tools)}."]
        return "\n".join(lines)


PROMPTS = [
    Prompt("assign", "Assign a ticket to a team member",
           (("ticket", "Ticket number to assign (e.g., PROJ-42) — skips asking for it"),
            ("user", "Team member name or email to assign to — skips asking for it")),
           """1. With both ticket and user, look the user up with list_members and assign
   immediately with assign_ticket.
2. With only the ticket, fetch it with get_ticket and ask who to assign it to.
3. With only the user, ask which ticket to assign (search with search_tickets).
4. With neither, ask for both.
5. Confirm the assignment: ticket number, title and assignee.""",
           ("assign_ticket", "get_ticket", "search_tickets", "list_members")),
    Prompt("comment", "Add a comment to a ticket",
           (("ticket", "Ticket number to comment on (e.g., PROJ-42) — skips asking for it"),),
           """1. If the ticket is known, fetch it with get_ticket for context, then ask for the
   comment text.
2. Otherwise ask the user to identify the ticket first (search with search_tickets).
3. Post the comment with add_comment and confirm it was added.""",
           ("add_comment", "get_ticket", "search_tickets")),
    Prompt("create-ticket", "Interactively gather fields and create a new ticket",
           (("project_key", "Pre-fill the project key (e.g., PROJ) — skips asking for it"),
            ("title", "Pre-fill the ticket title — skips asking for it")),
           """1. Ask for the project key and title unless already given.
2. Ask about optional fields: description, priority, ticket type, assignee, labels, sprint.
3. Call create_ticket with everything gathered (find the project's UUID from its key).
4. Show the created ticket number (KEY-N).""",
           ("create_ticket",)),
    Prompt("invite", "Invite a user to the organization",
           (("email", "Email address of the person to invite"),
            ("role", "Role to assign: admin, member, or viewer")),
           """1. With email and role, call create_invite immediately.
2. With only the email, ask which role to assign and explain admin, member and viewer.
3. With only the role, ask for the email address; with neither, ask for both.
4. Confirm the invitation and share the invite link.""",
           ("create_invite",)),
    Prompt("log-work", "Interactively log time spent on a ticket", (),
           f"""1. Ask which ticket was worked on; find it with search_tickets from a number or
   description.
2. Ask for the duration (natural language like "2 hours" or "90 minutes"), the date (default
   today), the activity type and an optional description. Activity types: {ACTIVITY_TYPES}.
3. Confirm all details, then call log_time.
4. Offer to log more time on the same or another ticket.
Shortcuts like "3 hours on PROJ-42 doing code review" give all fields at once.""",
           ("search_tickets", "log_time")),
    Prompt("move", "Move a ticket to a new workflow status",
           (("ticket", "Ticket number to move (e.g., PROJ-42) — skips asking for it"),
            ("status", "Target status (e.g., In Progress, Done) — skips asking for it")),
           """1. With ticket and status, call transition_ticket immediately.
2. With only the ticket, fetch its current status with get_ticket and ask for the target.
3. With only the status, ask which ticket to move (search with search_tickets).
4. With neither, ask for both.
5. Confirm: ticket number, title, previous status and new status. If the transition is
   refused, show the available transitions from the error.""",
           ("transition_ticket", "get_ticket", "search_tickets")),
    Prompt("my-work", "Fetch and summarize your assigned tickets by status", (),
           """1. Call get_my_tickets to fetch the tickets assigned to you.
2. Group them by status: In Progress, Open/To Do, In Review, Blocked, Done (recent).
3. Highlight high-priority tickets not started, stale tickets (no update in 7+ days) and
   tickets missing estimates or descriptions.
4. End with totals: all, in progress, needing attention.""",
           ("get_my_tickets",)),
    Prompt("new-project", "Create a new Alloy project",
           (("name", "Name for the new project (e.g., My App)"),
            ("key", "Short project key (e.g., MYAPP) — uppercase letters, used in ticket IDs")),
           """1. With name and key, call create_project immediately.
2. With only the name, suggest an uppercase key derived from it and ask for confirmation.
3. With only the key, ask for the name; with neither, ask for the name then suggest a key.
4. Confirm the project with its name and key.""",
           ("create_project",)),
    Prompt("ping", "Check server connectivity and authentication status", (),
           """1. Call the ping tool.
2. Report the server you are connected to, the authenticated user and the organization.
3. If it fails, suggest checking ALLOY_API_URL, the API key (ALLOY_API_TOKEN) and the
   network.""",
           ("ping",)),
    Prompt("plan-sprint", "Guide sprint planning with backlog review and capacity", (),
           """1. Call get_project_summary for the current project and sprint state.
2. Call search_tickets for backlog items (not in a sprint) and carryover tickets.
3. Review the backlog by priority (Urgent -> Low) and ask about team capacity.
4. Recommend tickets within capacity; flag dependencies; balance features, bugs, tech debt.
5. Summarize the plan: goal, selected tickets, effort vs capacity, risks.""",
           ("get_project_summary", "search_tickets")),
    Prompt("project-summary", "High-level overview of all projects and their health", (),
           """1. Call get_project_summary for each active project.
2. Present each: name, key, ticket breakdown, sprint status, recent activity.
3. Highlight projects without an active sprint, sprints ending within 2 days, many open
   Urgent/High tickets, stale tickets (14+ days).
4. End with 2–3 actionable recommendations.""",
           ("get_project_summary",)),
    Prompt("report", "Generate a project status report for a given period",
           (("period", "Report period in YYYY-MM format (e.g., 2026-03) or natural language "
             "(e.g., this week)"),),
           """1. With a period, gather data from get_project_summary, get_sprint_burndown,
   get_time_report and get_capitalization_report.
2. Without one, ask for the reporting period first.
3. Structure the report: Executive Summary, Sprint Progress, Time & Effort, Key Metrics,
   Action Items.""",
           ("get_project_summary", "get_sprint_burndown", "get_time_report",
            "get_capitalization_report")),
    Prompt("search", "Search for tickets by text, status, priority, or assignee",
           (("query", "Search query text (e.g., auth bug, high priority) — searches "
             "immediately"),),
           """1. With a query, call search_tickets immediately with `query` set to it, written
   in the query language: words, "exact phrases" and qualifiers (is:open, status:X,
   priority:>=high, assignee:@me, label:bug, -label:wontfix, project:KEY, sprint:current,
   updated:<7d, sort:updated). A 422 names the token to fix.
2. Without one, ask what to look for: text, status, priority, assignee, labels, project.
3. Present results as a table: ticket number, title, status, priority, assignee.""",
           ("search_tickets",)),
    Prompt("sprint-status", "Review active sprint progress and burndown trends", (),
           """1. Call get_project_summary to find active projects and sprints.
2. Call get_sprint_burndown for each active sprint.
3. Summarize each sprint: name, dates, completed vs total, trend, tickets by status, at-risk
   items.
4. Give an overall assessment with actions (re-scope, reassign, escalate).""",
           ("get_project_summary", "get_sprint_burndown")),
    Prompt("standup", "Generate a daily standup: yesterday, today, blockers", (),
           """1. Call get_my_tickets.
2. Yesterday: tickets recently moved to Done or In Review, or active in the last 24 hours.
3. Today: In Progress or high-priority open tickets.
4. Blockers: blocked tickets, stale In Progress tickets (3+ days), open dependencies.
Keep it under 15 lines.""",
           ("get_my_tickets",)),
]

BY_NAME = {p.name: p for p in PROMPTS}
