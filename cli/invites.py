"""invite create | list | revoke."""

import typer
from alloy.cli import complete
from alloy.cli.common import call, page_query, show_list
from alloy.cli.output import emit
from alloy.cli.session import current_org

app = typer.Typer(no_args_is_help=True, help="Invite people to an organization.")


@app.command()
def create(org_id: str = typer.Option(None, "--org-id", "--org", help="Organization (default: current)."),
           email: str = typer.Option(None, "--email", help="Email to invite."),
           role: str = typer.Option("Member", "--role", autocompletion=complete.ROLE, help="Owner, Admin, Member, Reporter "
                                    "or Viewer.")) -> None:
    """Create an invite code and link (Admin).

    Example: alloy invite create --org-id $ORG_ID --email dev1@acme.com --role Member
    """
    emit(call("invites.create", org_id=current_org(org_id),
              body={"email": email, "role": role}), plain="invite_code")


@app.command("list")
def list_(org_id: str = typer.Option(None, "--org-id", "--org", help="Organization (default: current)."),
          cursor: str = typer.Option(None, "--cursor"),
          limit: int = typer.Option(None, "--limit")) -> None:
    """List an organization's invites and their status.

    Example: alloy invite list --format json | jq '.data[] | select(.status == "pending")'
    """
    show_list("invites.list", ["id", "email", "role", "status", "expires_at"], main="email",
              org_id=current_org(org_id), query=page_query(cursor, limit))


@app.command()
def revoke(invite_id: str = typer.Argument(..., metavar="ID"),
           org_id: str = typer.Option(None, "--org-id", "--org", help="Organization (default: current).")
           ) -> None:
    """Revoke an invite (Admin).

    Example: alloy invite revoke $INVITE_ID
    """
    call("invites.revoke", org_id=current_org(org_id), invite_id=invite_id)
    emit({"id": invite_id, "revoked": True})
