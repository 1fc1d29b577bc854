"""team create | list | get | update | delete | member add/list/remove."""

import typer
from alloy.cli import refs
from alloy.cli.common import call, nothing_to_change, page_query, show_list
from alloy.cli.output import emit
from alloy.cli.prompt import confirm_destructive
from alloy.cli.session import current_org

app = typer.Typer(no_args_is_help=True, help="Manage teams within an organization.")
members = typer.Typer(no_args_is_help=True, help="Manage team membership.")

def _team(ref: str) -> str:
    """A team named by UUID or name, in the current organization."""
    return refs.named_id("team", ref)


_ORG = typer.Option(None, "--org-id", "--org", help="Organization (default: current).")
_TEAM = typer.Option(..., "--team-id", "--team", help="Team name or UUID.")


@app.command()
def create(name: str = typer.Option(..., "--name", help="Team name."),
           description: str = typer.Option(None, "--description", help="Optional description."),
           org_id: str = _ORG) -> None:
    """Create a team in the current organization (Member).

    Example: alloy team create --name "Platform" --description "Infrastructure and DevOps"
    """
    body = {"name": name} | ({"description": description} if description is not None else {})
    emit(call("teams.create", org_id=current_org(org_id), body=body))


@app.command("list")
def list_(org_id: str = _ORG, cursor: str = typer.Option(None, "--cursor"),
          limit: int = typer.Option(None, "--limit")) -> None:
    """List the organization's teams.

    Example: alloy team list --format json | jq -r '.data[].name'
    """
    show_list("teams.list", ["name", "description", "created_at", "id"],
              org_id=current_org(org_id), query=page_query(cursor, limit))


@app.command()
def get(team_id: str = typer.Argument(..., metavar="ID", help="Team name or UUID.")) -> None:
    """Show a team.

    Example: alloy team get $TEAM_ID
    """
    emit(call("teams.get", team_id=_team(team_id)))


@app.command()
def update(team_id: str = typer.Argument(..., metavar="ID", help="Team name or UUID."),
           name: str = typer.Option(None, "--name", help="New name."),
           description: str = typer.Option(None, "--description", help="New description, "
                                           "or none.")) -> None:
    """Rename a team or change its description (Member).

    Example: alloy team update $TEAM_ID --name "Backend Platform"
    """
    body = {k: refs.none_or(v) for k, v in {"name": name, "description": description}.items()
            if v is not None}
    if not body:
        raise nothing_to_change("team update", "--name or --description")
    emit(call("teams.update", team_id=_team(team_id), body=body))


@app.command()
def delete(team_id: str = typer.Argument(..., metavar="ID", help="Team name or UUID."),
           cascade: bool = typer.Option(False, "--cascade", help="Cascade-delete all dependents "
                                        "(members; projects are unassigned)."),
           dry_run: bool = typer.Option(False, "--dry-run", help="Preview what would be deleted "
                                        "(with --cascade)."),
           yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
           ) -> None:
    """Delete a team (Admin); refused while it has members or projects unless --cascade.

    Example: alloy team delete $TEAM_ID --cascade --dry-run
    """
    if not dry_run:
        confirm_destructive(f"Delete team {team_id}?", yes)
    team_id = _team(team_id)
    result = call("teams.delete", team_id=team_id, query={"cascade": cascade,
                                                          "dry_run": dry_run})
    emit(result if result is not None else {"id": team_id, "deleted": True})


@members.command("add")
def member_add(team_id: str = _TEAM,
               user_id: str = typer.Option(..., "--user-id", "--user", help="User: UUID, email or name.")) -> None:
    """Add an organization member to a team (Member).

    Example: alloy team member add --team-id $TEAM_ID --user-id $USER_ID
    """
    emit(call("teams.add_member", team_id=_team(team_id),
              body={"user_id": refs.user_id(user_id)}))


@members.command("remove")
def member_remove(team_id: str = _TEAM,
                  user_id: str = typer.Option(..., "--user-id", "--user", help="User: UUID, email or name.")
                  ) -> None:
    """Remove a user from a team (Member).

    Example: alloy team member remove --team-id $TEAM_ID --user-id $USER_ID
    """
    team_id, user_id = _team(team_id), refs.user_id(user_id)
    call("teams.remove_member", team_id=team_id, user_id=user_id)
    emit({"team_id": team_id, "user_id": user_id, "removed": True})


@members.command("list")
def member_list(team_id: str = _TEAM, cursor: str = typer.Option(None, "--cursor"),
                limit: int = typer.Option(None, "--limit")) -> None:
    """List a team's members.

    Example: alloy team member list --team-id $TEAM_ID --format json
    """
    show_list("teams.list_members", ["email", "display_name", "created_at", "user_id"],
              plain="user_id", team_id=_team(team_id), query=page_query(cursor, limit))


app.add_typer(members, name="member")
app.add_typer(members, name="members", hidden=True)
