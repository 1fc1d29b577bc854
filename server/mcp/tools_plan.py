"""Tools: projects, sprints, the project summary, time tracking and finance (Tools Reference)."""

from __future__ import annotations

from alloy.server.mcp.tooling import DELETED, ME, ORG, Call, P, Tool, page_params

PROJECT = P("project_id", "string", "UUID or key (SIDE) of the project", required=True)
SPRINT = P("sprint_id", "string", "UUID of the sprint", required=True)
ENTRY = P("time_entry_id", "string", "UUID of the time entry", required=True)
ENTRY_PATH = {"entry_id": "time_entry_id"}
GET_PROJECT = Call("projects.get")
DELETE_PROJECT = Call("projects.delete", query=("cascade", "dry_run"))
BURNDOWN = Call("sprints.burndown")
PROJECT_FIELDS = ("name", "description", "team_id", "budget_cents", "budget_period",
                  "capitalization_type", "development_phase", "cost_center_id",
                  "amortization_months")


def _delete_project(session, args):
    result = session.run(DELETE_PROJECT, args)
    if result is not None:
        return result  # the dry-run preview
    if args.get("cascade"):
        return f"Deleted project {args['project_id']} and all dependents"
    return DELETED


def _burndown(session, args):
    """The reference names the days `data_points`, with total/completed/remaining."""
    result = session.run(BURNDOWN, args)
    return {"sprint_id": result.sprint_id, "data_points": [
        {"date": d.date, "total": d.total_tickets, "completed": d.completed_tickets,
         "remaining": d.remaining_tickets} for d in result.data]}


def _nullable(name: str, kind: str, desc: str) -> P:
    return P(name, kind, desc, nullable=True)


ACTIVITY = P("activity_type", "string", "One of the 13 activity types: Coding, Testing, "
             "CodeReview, Design, Architecture, PM, Requirements, Training, Maintenance, "
             "BugFixing, Documentation, Deployment, Meetings", required=True)
FILTERS = (P("team_id", "string", "Filter by team UUID"),
           P("cost_center_id", "string", "Filter by cost center ID"),
           P("activity_type", "string", "Filter by activity type (e.g. \"Coding\")"),
           P("tag", "string", "Comma-separated tag filters in key:value format"))
PERIOD = P("period", "string", "Period in YYYY-MM format (e.g. \"2026-03\")", required=True)

TOOLS = [
    Tool("create_project", "Create a new project in the current organization. Returns the full "
         "project object with its auto-generated UUID.",
         (P("key", "string", "Unique short key for the project (1–10 characters, e.g. ALLOY)",
            required=True),
          P("name", "string", "Project name (1–255 characters)", required=True),
          P("description", "string", "Project description"),
          P("team_id", "string", "UUID of the team that owns this project"),
          P("budget_cents", "integer", "Budget amount in cents (e.g. 100000 = $1,000.00)"),
          P("budget_period", "string", "Budget period: Monthly, Quarterly, Yearly, or Fixed")),
         Call("projects.create",
              body=("org_id", "key", "name", "description", "team_id", "budget_cents",
                    "budget_period"), defaults={"org_id": ORG})),
    Tool("list_projects", "List all projects in the current organization. Returns paginated "
         "results.", page_params(),
         Call("projects.list", query=("org_id", "limit", "cursor"),
              defaults={"org_id": ORG}), shape="items"),
    Tool("get_project", "Get a single project by its UUID. Returns full project details "
         "including key, name, description, team, and budget info.", (PROJECT,), GET_PROJECT),
    Tool("update_project", "Update a project's fields. Only provided fields are changed; "
         "omitted fields remain untouched. Pass null to clear optional fields.",
         (P("project_id", "string", "UUID of the project to update", required=True),
          P("name", "string", "New project name (1–255 characters)"),
          _nullable("description", "string", "New description, or null to clear"),
          _nullable("team_id", "string", "UUID of team that owns this project, or null"),
          _nullable("budget_cents", "integer", "Budget in cents, or null to clear"),
          _nullable("budget_period", "string", "Monthly, Quarterly, Yearly, Fixed, or null"),
          _nullable("capitalization_type", "string", "CapEx or OpEx, or null to clear"),
          _nullable("development_phase", "string", "Planning, Development, Maintenance, "
                    "Sunset, or null to clear"),
          _nullable("cost_center_id", "string", "Cost center ID string, or null to clear"),
          _nullable("amortization_months", "integer", "Amortization period in months, or null")),
         Call("projects.update", body=PROJECT_FIELDS)),
    Tool("delete_project", "Delete a project by ID. By default, fails with dependency info if "
         "the project has tickets or sprints. Use cascade mode to delete all dependents, or "
         "dry-run to preview.",
         (P("project_id", "string", "UUID of the project to delete", required=True),
          P("cascade", "boolean", "If true, delete all dependent tickets, sprints, and comments "
            "(default false)"),
          P("dry_run", "boolean", "If true (with cascade), preview what would be deleted "
            "without actually deleting (default false)")),
         run=_delete_project, needs=(DELETE_PROJECT,)),
    Tool("create_sprint", "Create a new sprint in a project. Requires a name, start date, and "
         "end date.",
         (PROJECT, P("name", "string", "Sprint name (e.g. \"Sprint 1\")", required=True),
          P("goal", "string", "Sprint goal describing what the team aims to accomplish"),
          P("start_date", "string", "Start date in YYYY-MM-DD format", required=True),
          P("end_date", "string", "End date in YYYY-MM-DD format", required=True)),
         Call("sprints.create", body=("name", "goal", "start_date", "end_date"))),
    Tool("list_sprints", "List sprints for a project. Returns paginated results with sprint "
         "details.", (PROJECT, *page_params()),
         Call("sprints.list", query=("limit", "cursor")), shape="data"),
    Tool("update_sprint", "Update a sprint's details. All fields are optional — only provided "
         "fields are changed.",
         (P("sprint_id", "string", "UUID of the sprint to update", required=True),
          P("name", "string", "New sprint name"),
          _nullable("goal", "string", "New sprint goal (or null to clear)"),
          P("start_date", "string", "New start date in YYYY-MM-DD format"),
          P("end_date", "string", "New end date in YYYY-MM-DD format")),
         Call("sprints.update", body=("name", "goal", "start_date", "end_date"))),
    Tool("start_sprint", "Start a sprint by transitioning its status from Planned to Active. "
         "Fails if the sprint is not in Planned status.",
         (P("sprint_id", "string", "UUID of the sprint to start", required=True),),
         Call("sprints.start")),
    Tool("complete_sprint", "Complete a sprint by transitioning its status from Active to "
         "Completed. Fails if the sprint is not in Active status.",
         (P("sprint_id", "string", "UUID of the sprint to complete", required=True),),
         Call("sprints.complete")),
    Tool("get_sprint_burndown", "Get burndown chart data for a sprint. Returns daily data "
         "points showing total, completed, and remaining story points or ticket counts over "
         "the sprint duration.", (SPRINT,), run=_burndown, needs=(BURNDOWN,)),
    Tool("get_sprint", "Get a single sprint by its UUID. Returns sprint details including name, "
         "goal, start/end dates, and status.", (SPRINT,),
         Call("sprints.get")),
    Tool("delete_sprint", "Delete a sprint by its UUID. Fails with 409 Conflict if the sprint "
         "has tickets — use cascade=true to force deletion. Use dry_run=true with cascade to "
         "preview what would be deleted.",
         (P("sprint_id", "string", "UUID of the sprint to delete", required=True),
          P("cascade", "boolean", "Force-delete the sprint and unlink its tickets "
            "(default false)"),
          P("dry_run", "boolean", "Preview what would be deleted without actually deleting "
            "(requires cascade=true)")),
         Call("sprints.delete", query=("cascade", "dry_run"))),
    Tool("get_project_summary", "Get a comprehensive project summary. Aggregates multiple API "
         "calls into a single response: project details, ticket counts by status, and "
         "active/planned sprints.", (PROJECT,), Call("projects.summary")),
    Tool("log_time", "Log time spent working on a ticket. Creates a time entry with the "
         "specified duration, date, and activity type.",
         (P("ticket_id", "string", "UUID or key (SIDE-3) of the ticket", required=True), PROJECT,
          P("date", "string", "Date the work was done (YYYY-MM-DD)", required=True),
          P("duration_minutes", "integer", "Duration of work in minutes", required=True),
          ACTIVITY, P("description", "string", "Description of the work done")),
         Call("timeentries.create",
              body=("user_id", "ticket_id", "project_id", "date", "duration_minutes",
                    "activity_type", "description"), defaults={"user_id": ME})),
    Tool("get_time_entry", "Get a time entry by its UUID. Returns the time entry with date, "
         "duration, activity type, status, and associated ticket/project info.", (ENTRY,),
         Call("timeentries.get", path=ENTRY_PATH)),
    Tool("update_time_entry", "Update a draft time entry. Only draft entries can be updated. "
         "Only provided fields are changed.",
         (P("time_entry_id", "string", "UUID of the time entry to update", required=True),
          P("date", "string", "New date (YYYY-MM-DD)"),
          P("duration_minutes", "integer", "New duration in minutes"),
          _nullable("description", "string", "New description"),
          P("activity_type", "string", "New activity type")),
         Call("timeentries.update", path=ENTRY_PATH,
              body=("date", "duration_minutes", "description", "activity_type"))),
    Tool("delete_time_entry", "Delete a draft time entry by its UUID. Only draft entries can be "
         "deleted.", (P("time_entry_id", "string", "UUID of the time entry to delete",
                        required=True),),
         Call("timeentries.delete", path=ENTRY_PATH),
         shape="deleted"),
    Tool("list_time_entries", "List time entries for a specific ticket. Returns paginated "
         "results with time entry details.",
         (P("ticket_id", "string", "UUID or key (SIDE-3) of the ticket", required=True), *page_params()),
         Call("timeentries.list_for_ticket", query=("limit", "cursor")), shape="data"),
    Tool("get_time_report", "Get time entries for a user. Returns paginated time entries "
         "showing logged hours, activity types, and approval status.",
         (P("user_id", "string", "UUID of the user (defaults to authenticated user)"),
          *page_params(50)),
         Call("timeentries.list_for_user",
              query=("limit", "cursor"), defaults={"user_id": ME, "limit": 50}),
         shape="data"),
    Tool("get_capitalization_report", "Get capitalization report for a given period. Returns "
         "per-project capitalization breakdown with activity types, hours, and amounts. "
         "Supports grouping by team or user, filtering by team/user/cost-center/activity-type/"
         "tag, and including budget utilization data.",
         (PERIOD, P("group_by", "string", "Group results by \"team\" or \"user\"",
                    enum=("team", "user")),
          FILTERS[0], P("user_id", "string", "Filter by user UUID"), *FILTERS[1:],
          P("include_users", "boolean", "Include per-user breakdown within each project"),
          P("include_budget", "boolean", "Include budget utilization data")),
         Call("reports.capitalization",
              query=("period", "group_by", "team_id", "user_id", "cost_center_id",
                     "activity_type", "tag", "include_users", "include_budget"))),
    Tool("submit_time_entry", "Submit a draft time entry for approval. Changes the entry status "
         "from Draft to Submitted. Only the author of the time entry can submit it.",
         (P("time_entry_id", "string", "UUID of the time entry to submit", required=True),),
         Call("timeentries.submit", path=ENTRY_PATH)),
    Tool("approve_time_entry", "Approve a submitted time entry. Changes the entry status from "
         "Submitted to Approved. Records who approved it and when. Requires admin role.",
         (P("time_entry_id", "string", "UUID of the time entry to approve", required=True),),
         Call("timeentries.approve", path=ENTRY_PATH)),
    Tool("get_capitalization_export", "Export capitalization report as CSV for a given period. "
         "Returns CSV text with columns: Period, Project, ProjectKey, Employee, Department, "
         "CostCenter, Hours, ActivityType, Phase, CapExOpEx, LoadedRate, Amount, Team, Tags, "
         "BudgetCents, SpentCents, Utilization. Supports filtering by team, user, cost center, "
         "activity type, and tags.",
         (PERIOD, *FILTERS),
         Call("reports.capitalization_export",
              query=("period", "team_id", "cost_center_id", "activity_type", "tag"))),
]
