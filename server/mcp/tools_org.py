"""Tools: labels, tags, teams, workflows, organization & access, data export (Tools Reference)."""

from __future__ import annotations

from alloy.server.mcp.tooling import ORG, Call, P, Tool, page_params, reshape

LABEL = P("label_id", "string", "UUID of the label", required=True)
ENTITY_TYPES = ("project", "ticket", "user", "team", "time_entry")
ADD_LABEL = Call("labels.add_to_ticket")
LIST_MEMBERS = Call("orgs.list_members", query=("limit", "cursor"), defaults={"org_id": ORG})
LIST_INVITES = Call("invites.list", query=("limit", "cursor"), defaults={"org_id": ORG})
LIST_TEAMS = Call("teams.list", query=("limit", "cursor"), defaults={"org_id": ORG})
LIST_KEYS = Call("apikeys.list", query=("limit", "cursor"))
LIST_PROJECT_MEMBERS = Call("projects.list_members", query=("limit", "cursor"))


def _entity(desc: str) -> tuple[P, P]:
    return (P("entity_type", "string", "The entity type. One of: project, ticket, user, team, "
              "time_entry", required=True, enum=ENTITY_TYPES),
            P("entity_id", "string", desc, required=True))


def _add_label(session, args):
    """The API answers with the ticket's labels; the tool answers with the label added."""
    labels = session.run(ADD_LABEL, args)
    return next(x for x in labels if x.id == args["label_id"])


def _all(call: Call, shape: str, keep=None):
    def run(session, args):
        items = session.call_all(call, args)
        if keep:
            items = [i for i in items if keep(i)]
        return items if shape == "array" else reshape(shape, items)

    return run


STATUSES = P("statuses", "object[]", "List of status objects, each with name (string) and "
             "category (\"todo\", \"in_progress\", \"done\" or \"cancelled\")")
TRANSITIONS = P("transitions", "object[]", "List of transition objects, each with from "
                "(string) and to (string) status names")
ENFORCEMENT = P("enforcement", "string", "Enforcement mode: \"none\" (default), \"warn\", or "
                "\"strict\"", enum=("none", "warn", "strict"))

TOOLS = [
    Tool("create_label", "Create a new label in the current organization. Labels are "
         "org-scoped and can be assigned to tickets across projects.",
         (P("name", "string", "The label name (e.g. \"bug\", \"feature\", \"urgent\")",
            required=True),
          P("color", "string", "Hex color code (e.g. \"#FF5733\"). Must be 4–7 characters",
            required=True)),
         Call("labels.create", body=("name", "color"),
              defaults={"org_id": ORG})),
    Tool("list_labels", "List all labels in the current organization.", page_params(),
         Call("labels.list", query=("limit", "cursor"),
              defaults={"org_id": ORG}), shape="data"),
    Tool("add_ticket_label", "Add a label to a ticket. The label must already exist in the "
         "organization. A ticket can have multiple labels.",
         (P("ticket_id", "string", "UUID or key (SIDE-3) of the ticket to add the label to", required=True),
          P("label_id", "string", "UUID of the label to add", required=True)),
         run=_add_label, needs=(ADD_LABEL,)),
    Tool("remove_ticket_label", "Remove a label from a ticket. Does not delete the label "
         "itself, only removes the association.",
         (P("ticket_id", "string", "UUID or key (SIDE-3) of the ticket to remove the label from",
            required=True),
          P("label_id", "string", "UUID of the label to remove", required=True)),
         Call("labels.remove_from_ticket"), shape="deleted"),
    Tool("get_label", "Get a single label by its UUID. Returns the label's name, color, and "
         "timestamps.", (LABEL,), Call("labels.get")),
    Tool("update_label", "Update a label. Only provided fields are changed.",
         (P("label_id", "string", "UUID of the label to update", required=True),
          P("name", "string", "New label name"), P("color", "string", "New hex color code")),
         Call("labels.update", body=("name", "color"))),
    Tool("delete_label", "Delete a label by its UUID. Fails with 409 Conflict if the label is "
         "still attached to tickets — use cascade=true to force deletion.",
         (P("label_id", "string", "UUID of the label to delete", required=True),
          P("cascade", "boolean", "Force-delete the label even if attached to tickets "
            "(default false)")),
         Call("labels.delete", query=("cascade",))),
    Tool("set_tags", "Set one or more key–value tags on an entity. Supported entity types: "
         "project, ticket, user, team, time_entry. If a tag key already exists on the entity "
         "its value is updated (upsert). Returns all tags currently set on the entity.",
         (*_entity("UUID of the entity to tag"),
          P("tags", "object[]", "Array of {key, value} objects. Existing keys are updated",
            required=True)),
         Call("tags.set", body=("tags",), defaults={"org_id": ORG}), shape="data"),
    Tool("get_tags", "Get all tags currently set on an entity. Supported entity types: "
         "project, ticket, user, team, time_entry.",
         _entity("UUID of the entity to get tags for"),
         Call("tags.get", defaults={"org_id": ORG}), shape="data"),
    Tool("delete_tag", "Delete a tag by key from an entity. Supported entity types: project, "
         "ticket, user, team, time_entry. Removes only the specified tag key; other tags on the "
         "entity are unchanged.",
         (*_entity("UUID of the entity to delete a tag from"),
          P("tag_key", "string", "The tag key to delete", required=True)),
         Call("tags.delete", path={"key": "tag_key"}, defaults={"org_id": ORG}),
         shape="deleted"),
    Tool("search_by_tag", "Search for entities with a specific tag key–value pair. Returns "
         "paginated entity IDs and types that match.",
         (P("key", "string", "The tag key to search for (e.g. \"environment\")", required=True),
          P("value", "string", "The tag value to search for (e.g. \"production\")",
            required=True), *page_params()),
         Call("tags.search", query=("key", "value", "limit", "cursor"), defaults={"org_id": ORG}),
         shape="data"),
    Tool("create_team", "Create a new team in the current organization. Teams group users and "
         "can own projects.",
         (P("name", "string", "Team name", required=True),
          P("description", "string", "Team description")),
         Call("teams.create", body=("name", "description"),
              defaults={"org_id": ORG})),
    Tool("list_teams", "List all teams in the current organization. Returns team name, "
         "description, and timestamps.", run=_all(LIST_TEAMS, "data"), needs=(LIST_TEAMS,)),
    Tool("delete_team", "Delete a team by its UUID. Fails with 409 Conflict if the team has "
         "members or projects — use cascade=true to force deletion. Use dry_run=true with "
         "cascade to preview what would be deleted.",
         (P("team_id", "string", "UUID of the team to delete", required=True),
          P("cascade", "boolean", "Force-delete the team and remove all associations "
            "(default false)"),
          P("dry_run", "boolean", "Preview what would be deleted without actually deleting "
            "(requires cascade=true)")),
         Call("teams.delete", query=("cascade", "dry_run"))),
    Tool("create_workflow", "Create a new workflow in the current organization. A workflow "
         "defines custom statuses, allowed transitions between statuses, and an enforcement "
         "mode (none, warn, strict).",
         (P("name", "string", "The workflow name (e.g. \"Default\", \"Bug Triage\")",
            required=True),
          P(STATUSES.name, STATUSES.type, STATUSES.description, required=True),
          P(TRANSITIONS.name, TRANSITIONS.type, TRANSITIONS.description, required=True),
          ENFORCEMENT),
         Call("workflows.create", body=("name", "statuses", "transitions", "enforcement"),
              defaults={"org_id": ORG})),
    Tool("list_workflows", "List all workflows in the current organization. Returns paginated "
         "results.", page_params(),
         Call("workflows.list", query=("limit", "cursor"), defaults={"org_id": ORG}), shape="data"),
    Tool("update_workflow", "Update an existing workflow's fields. Only provided fields are "
         "changed.",
         (P("workflow_id", "string", "The UUID of the workflow to update", required=True),
          P("name", "string", "New name for the workflow"),
          P("statuses", "object[]", "New list of statuses (replaces all existing)"),
          P("transitions", "object[]", "New list of transitions (replaces all existing)"),
          ENFORCEMENT),
         Call("workflows.update", body=("name", "statuses", "transitions", "enforcement"))),
    Tool("get_workflow", "Get a workflow by its UUID. Returns the workflow with name, statuses, "
         "transitions, and enforcement mode.",
         (P("workflow_id", "string", "UUID of the workflow", required=True),),
         Call("workflows.get")),
    Tool("delete_workflow", "Delete a workflow by its UUID. Requires admin role.",
         (P("workflow_id", "string", "UUID of the workflow to delete", required=True),),
         Call("workflows.delete"), shape="deleted"),
    Tool("list_members", "List all members of the current organization. Returns each member's "
         "user ID, display name, email, role, and join date.",
         run=_all(LIST_MEMBERS, "items"), needs=(LIST_MEMBERS,)),
    Tool("create_invite", "Create an invite for someone to join the current organization. "
         "Returns an invite code and link. Optionally specify the invitee's email and their "
         "role (Owner, Admin, Member, Reporter, Viewer).",
         (P("email", "string", "Email address of the person to invite (omit for a generic "
            "invite link)"),
          P("role", "string", "Role to assign: Owner, Admin, Member, Reporter, or Viewer. "
            "Defaults to Member")),
         Call("invites.create", body=("email", "role"),
              defaults={"org_id": ORG})),
    Tool("list_invites", "List all pending invites for the current organization. Returns each "
         "invite's ID, email, role, invite code, expiry, and status.",
         run=_all(LIST_INVITES, "array", lambda i: i.status == "pending"),
         needs=(LIST_INVITES,)),
    Tool("add_project_member", "Add a user to a project as a member. Requires the user's UUID "
         "and the project's UUID.",
         (P("project_id", "string", "UUID or key (SIDE) of the project", required=True),
          P("user_id", "string", "UUID of the user to add", required=True)),
         Call("projects.add_member", body=("user_id",))),
    Tool("remove_project_member", "Remove a user from a project.",
         (P("project_id", "string", "UUID or key (SIDE) of the project", required=True),
          P("user_id", "string", "UUID of the user to remove", required=True)),
         Call("projects.remove_member"),
         shape="deleted"),
    Tool("list_project_members", "List all members of a project.",
         (P("project_id", "string", "UUID or key (SIDE) of the project", required=True),),
         run=_all(LIST_PROJECT_MEMBERS, "array"), needs=(LIST_PROJECT_MEMBERS,)),
    Tool("create_api_key", "Create a new API key for the current user. Returns the full key "
         "value (only shown once). Optionally specify scopes (read, write, admin) and project "
         "restrictions.",
         (P("name", "string", "Human-readable name for the key (1–255 characters)",
            required=True),
          P("scopes", "string[]", "Permissions: read, write, admin. Defaults to [\"read\", "
            "\"write\"]"),
          P("project_ids", "string[]", "UUIDs of projects to restrict the key to")),
         Call("apikeys.create", body=("name", "scopes", "project_ids"),
              defaults={"scopes": ["read", "write"]})),
    Tool("list_api_keys", "List all API keys belonging to the current user. Returns key "
         "metadata (prefix only, not the full key).",
         run=_all(LIST_KEYS, "array"), needs=(LIST_KEYS,)),
    Tool("delete_api_key", "Delete an API key by its UUID. Only the key's owner can delete it.",
         (P("id", "string", "UUID of the API key to delete", required=True),),
         Call("apikeys.revoke", path={"key_id": "id"}), shape="deleted"),
    Tool("export_data", "Export complete project data as portable JSON or SQLite. All "
         "relationships use human-readable keys (emails, project keys, label names) instead "
         "of UUIDs.",
         (P("org_id", "string", "Organization UUID (defaults to the current organization)"),
          P("project", "string", "Project key to filter (e.g. PROJ)", nullable=True),
          P("format", "string", "Export format: json (default) or sqlite",
            enum=("json", "sqlite"))),
         Call("io.export_data", query=("org_id", "project", "format"),
              defaults={"org_id": ORG})),
    Tool("import_data", "Import data into the current organization from an Alloy JSON export "
         "(as produced by export_data). Creates users, workflows, labels, projects, sprints, "
         "tickets, comments, and time entries, preserving all relationships.",
         (P("data", "object", "The full Alloy export JSON object. Must contain version, source, "
            "exported_at, projects, labels, workflows, and users fields.", required=True),),
         Call("io.import_data", body_arg="data")),
]
