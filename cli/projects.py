"""project create | list | get | update | delete | use | member add/list/remove."""

import typer
from alloy.cli import complete, refs
from alloy.cli.common import call, nothing_to_change, page_query, show_list, shown
from alloy.cli.output import emit
from alloy.cli.prompt import confirm_destructive
from alloy.cli.session import current_org, save_credentials

app = typer.Typer(no_args_is_help=True, help="Manage projects within an organization.")
members = typer.Typer(no_args_is_help=True, help="Manage project membership.")

_PROJECT = typer.Option(None, "--project-id", "--project", autocompletion=complete.PROJECT,
                        help="Project UUID or key (default: `alloy project use`).")
_COLUMNS = ["id", "key", "name", "description", "team_id", "ticket_counter"]
_LIST = ["key", "name", "description", "ticket_counter", "team_id", "id"]
_PEOPLE = ["email", "display_name", "created_at", "user_id"]


@app.command()
def create(
    key: str = typer.Option(..., "--key", help="Short project key, 1-10 chars (e.g. BACK)."),
    name: str = typer.Option(..., "--name", help="Project display name."),
    org_id: str = typer.Option(None, "--org-id", "--org", help="Organization UUID (default: current)."),
    description: str = typer.Option(None, "--description", help="Optional description."),
    team_id: str = typer.Option(None, "--team-id", help="Optional team: name or UUID."),
    workflow_id: str = typer.Option(None, "--workflow-id", help="Workflow name or UUID (default: the "
                                    "org's Default workflow)."),
    budget_cents: int = typer.Option(None, "--budget-cents", help="Budget in cents."),
    budget_period: str = typer.Option(None, "--budget-period",
                                      help="monthly, quarterly, yearly or fixed."),
) -> None:
    """Create a project (Member).

    Example: alloy project create --org-id $ORG_ID --key BACK --name "Backend Services"
    """
    org = current_org(org_id)
    body = {"org_id": org, "key": key, "name": name, "description": description,
            "team_id": refs.named_id("team", team_id, org),
            "workflow_id": refs.named_id("workflow", workflow_id, org),
            "budget_cents": budget_cents, "budget_period": budget_period}
    emit(call("projects.create", body={k: v for k, v in body.items() if v is not None}))


@app.command("list")
def list_(org_id: str = typer.Option(None, "--org-id", "--org", help="Organization (default: current)."),
          cursor: str = typer.Option(None, "--cursor", help="Cursor from a previous page."),
          limit: int = typer.Option(None, "--limit", help="Results per page (default 20).")
          ) -> None:
    """List the projects of an organization (Reporters see their assigned ones).

    Example: alloy project list --org-id $ORG_ID --limit 5 --format json | jq -r '.data[].key'
    """
    show_list("projects.list", _LIST, main="name", query={"org_id": current_org(org_id),
                                               **page_query(cursor, limit)})


@app.command()
def get(ref: str = typer.Argument(..., metavar="ID", help="Project UUID or key.")) -> None:
    """Show a project by UUID or key.

    Example: alloy project get $PROJECT_ID --format json
    """
    emit(shown(refs.project(ref)))


@app.command()
def update(
    ref: str = typer.Argument(..., metavar="ID", help="Project UUID or key."),
    name: str = typer.Option(None, "--name", help="New name."),
    description: str = typer.Option(None, "--description", help="New description, or none."),
    team_id: str = typer.Option(None, "--team-id", help="Team name or UUID, or none."),
    workflow_id: str = typer.Option(None, "--workflow-id", help="Workflow name or UUID, or none."),
    cap_type: str = typer.Option(None, "--cap-type", help="capex, opex or none."),
    phase: str = typer.Option(None, "--phase", help="preliminary, app-development, "
                              "post-implementation or none."),
    cost_center_id: str = typer.Option(None, "--cost-center-id", help="Cost center, or none."),
    amortization_months: str = typer.Option(None, "--amortization-months",
                                            help="Months, or none."),
    budget_cents: str = typer.Option(None, "--budget-cents", help="Budget in cents, or none."),
    budget_period: str = typer.Option(None, "--budget-period", help="monthly, quarterly, "
                                      "yearly, fixed or none."),
) -> None:
    """Change a project's fields (Member). Pass none to unset an optional field.

    Example: alloy project update $PROJECT_ID --cap-type capex --phase app-development --amortization-months 36
    """
    flags = {"name": name, "description": description, "team_id": team_id,
             "workflow_id": workflow_id, "capitalization_type": cap_type,
             "development_phase": phase, "cost_center_id": cost_center_id,
             "amortization_months": amortization_months, "budget_cents": budget_cents,
             "budget_period": budget_period}
    body = {k: refs.none_or(v) for k, v in flags.items() if v is not None}
    for field, what in (("team_id", "team"), ("workflow_id", "workflow")):
        if body.get(field):
            body[field] = refs.named_id(what, body[field])
    for number in ("amortization_months", "budget_cents"):
        if isinstance(body.get(number), str):
            try:
                body[number] = int(body[number])
            except ValueError:
                raise typer.BadParameter(f"expected an integer or none, got {body[number]!r}",
                                         param_hint="--" + number.replace("_", "-")) from None
    if not body:
        raise nothing_to_change("project update", "--name, --description, --team-id, "
                                "--workflow-id, --cap-type, --phase or --budget-cents")
    emit(call("projects.update", project_id=refs.project_id(ref), body=body))


@app.command()
def delete(ref: str = typer.Argument(..., metavar="ID", help="Project UUID or key."),
           cascade: bool = typer.Option(False, "--cascade", help="Also delete its tickets, "
                                        "sprints and comments."),
           dry_run: bool = typer.Option(False, "--dry-run", help="Only show what would be "
                                        "deleted."),
           yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
           ) -> None:
    """Delete a project (Admin); refused while it has tickets unless --cascade.

    Example: alloy project delete $PROJECT_ID --cascade --dry-run
    """
    pid = refs.project_id(ref)
    if not dry_run:
        confirm_destructive(f"Delete project {ref}{' and everything in it' if cascade else ''}?", yes)
    result = call("projects.delete", project_id=pid,
                  query={"cascade": cascade, "dry_run": dry_run})
    emit(result if result is not None else {"id": pid, "deleted": True})


@app.command()
def use(ref: str = typer.Argument(..., metavar="KEY_OR_ID", help="Project key or UUID.")) -> None:
    """Set the default project: bare ticket numbers (`alloy ticket get 42`) then mean KEY-42.

    Example: alloy project use BACK
    """
    found = refs.project(ref)
    save_credentials({"project_id": found.id, "project_key": found.key})
    emit(shown(found), columns=_COLUMNS)


@members.command("add")
def member_add(project: str = _PROJECT,
               user_id: str = typer.Option(..., "--user-id", "--user", help="User to add: UUID, email or name.")
               ) -> None:
    """Assign a user to a project (Member); Reporters only see projects they are assigned to.

    Example: alloy project member add --project-id $PROJECT_ID --user-id $USER_ID
    """
    pid = refs.project_id(project, "--project-id")
    emit(call("projects.add_member", project_id=pid, body={"user_id": refs.user_id(user_id, pid)}))


@members.command("remove")
def member_remove(project: str = _PROJECT,
                  user_id: str = typer.Option(..., "--user-id", "--user",
                                              help="User to remove: UUID, email or name.")) -> None:
    """Unassign a user from a project (Member).

    Example: alloy project member remove --project-id $PROJECT_ID --user-id $USER_ID
    """
    pid = refs.project_id(project, "--project-id")
    user_id = refs.user_id(user_id, pid)
    call("projects.remove_member", project_id=pid, user_id=user_id)
    emit({"project_id": pid, "user_id": user_id, "removed": True})


@members.command("list")
def member_list(project: str = _PROJECT,
                cursor: str = typer.Option(None, "--cursor"),
                limit: int = typer.Option(None, "--limit")) -> None:
    """List the users assigned to a project.

    Example: alloy project member list --project-id $PROJECT_ID --format json
    """
    show_list("projects.list_members", _PEOPLE,
              plain="user_id", project_id=refs.project_id(project, "--project-id"),
              query=page_query(cursor, limit))


app.add_typer(members, name="member")
app.add_typer(members, name="members", hidden=True)  # chapter 14 spells it `members`
