"""Every tool of the MCP Tools Reference, in the reference's order, and how one is run."""

from __future__ import annotations

from alloy.server.mcp import tools_org, tools_plan, tools_relations, tools_tickets
from alloy.server.mcp.session import Session
from alloy.server.mcp.tooling import Tool, plain, reshape

# The reference's order (its categories), which is also the order of tools/list.
ORDER = """ping whoami create_ticket get_ticket search_tickets update_ticket transition_ticket
batch_transition batch_update_tickets assign_ticket get_my_tickets delete_ticket add_comment
list_comments update_comment delete_comment create_label list_labels add_ticket_label
remove_ticket_label get_label update_label delete_label set_tags get_tags delete_tag search_by_tag
create_project list_projects get_project update_project delete_project create_sprint list_sprints
update_sprint start_sprint complete_sprint get_sprint_burndown get_sprint delete_sprint
create_team list_teams delete_team create_workflow list_workflows update_workflow get_workflow
delete_workflow get_project_summary list_members create_invite list_invites add_project_member
remove_project_member list_project_members create_api_key list_api_keys delete_api_key
get_ticket_activity log_time get_time_entry update_time_entry delete_time_entry list_time_entries
get_time_report get_capitalization_report submit_time_entry approve_time_entry
get_capitalization_export export_data import_data""".split()
# Tools beyond the reference (listed after its own): issue 17's pre-flight transition check,
# issue 19's relations and sub-issues.
BEYOND = ["check_transition", "link_tickets", "unlink_tickets", "list_relations", "set_parent",
          "get_ticket_tree"]
ORDER += BEYOND
_ALL = {t.name: t for t in tools_tickets.TOOLS + tools_org.TOOLS + tools_plan.TOOLS
        + tools_relations.TOOLS}
TOOLS: dict[str, Tool] = {name: _ALL[name] for name in ORDER}
if len(TOOLS) != len(_ALL):  # a tool defined but left out of ORDER
    raise RuntimeError(f"tools missing from ORDER: {set(_ALL) - set(ORDER)}")


def run(session: Session, tool: Tool, args: dict):
    """Run a tool synchronously (the caller puts it in a worker thread)."""
    nullable = {p.name for p in tool.params if p.nullable}
    args = session.resolve_refs({k: v for k, v in args.items()
                                 if v is not None or k in nullable})
    if tool.run is not None:
        return plain(tool.run(session, args))
    return plain(reshape(tool.shape, session.run(tool.call, args)))
