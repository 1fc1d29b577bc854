"""org create | list | switch | members."""

import typer
from alloy.cli.common import page_query, run, show_list, shown
from alloy.cli.output import emit
from alloy.cli.session import load_credentials, save_credentials

app = typer.Typer(no_args_is_help=True, help="Manage organizations (tenants).")


@app.command()
def create(name: str = typer.Option(..., "--name", help="Organization display name."),
           slug: str = typer.Option(..., "--slug", help="URL-friendly id, e.g. acme-corp.")) -> None:
    """Create an organization; you become its Owner and it becomes the active one.

    Example: ORG_ID=$(alloy org create --name "Acme Corp" --slug acme-corp --format json | jq -r '.id')
    """
    org = run("orgs.create", body={"name": name, "slug": slug})
    activate(org.id)
    emit(shown(org))


@app.command("list")
def list_(cursor: str = typer.Option(None, "--cursor"),
          limit: int = typer.Option(None, "--limit")) -> None:
    """List the organizations you belong to.

    Example: alloy org list --format json | jq -r '.data[].id'
    """
    show_list("orgs.list", ["slug", "name", "created_at", "id"], query=page_query(cursor, limit))


def activate(org_id: str) -> None:
    """Make `org_id` the active organization; the default project (`alloy project use`)
    stays when the org does not change, and is dropped when it does (it lives in one org)."""
    if load_credentials().get("org_id") != org_id:
        save_credentials({"org_id": org_id, "project_id": None, "project_key": None})


def restore(before: dict, pair) -> str | None:
    """After a re-login as the same user on the same server, the active org and default
    project saved before come back (if the user still belongs to that org); the active org.
    `before` is the saved credentials, `pair` the new session (a `TokenPair`)."""
    from alloy.cli.session import api_url

    from alloy.errors import AlloyError

    org_id, kept = pair.org_id, before.get("org_id")
    if not kept or before.get("user_id") != pair.user_id or before.get("api_url") != api_url():
        return org_id
    if kept != org_id:
        try:
            run("orgs.get", org_id=kept)
        except AlloyError:  # no longer a member: the login's own org stays
            return org_id
    save_credentials({"org_id": kept, **{k: before[k] for k in ("project_id", "project_key")
                                         if k in before}})
    return kept


@app.command()
def switch(org_id: str = typer.Argument(None, metavar="[ID]",
                                    help="Organization id, slug or name.")) -> None:
    """Set the active organization (ID: its id, slug or name) for later commands.

    Without ID on a terminal, pick one with a fuzzy selector. Works embedded and remote.

    Example: alloy org switch acme-corp
    """
    from alloy.cli import prompt
    from alloy.cli.session import client

    from alloy.client import refs

    org = refs.org(client(), prompt.require(org_id, "ID", prompt.pick_org))
    activate(org.id)
    emit(shown(org))


@app.command()
def members(org: str = typer.Argument(None, metavar="[ORG]", help="Organization: id, slug or "
                                      "name (default: current)."),
            org_id: str = typer.Option(None, "--org-id", "--org", help="The same as ORG."),
            cursor: str = typer.Option(None, "--cursor"),
            limit: int = typer.Option(None, "--limit")) -> None:
    """List the members of an organization with their roles.

    `alloy org members list [--org ORG]`, the guides' spelling, is the same command.

    Example: alloy org members --format json | jq -r '.data[] | "\\(.email) \\(.role)"'
    """
    if org == "list":  # the word of `org members list`, not an org (`--org list` is one)
        org = None
    if org and org_id:
        raise typer.BadParameter("give the organization once: ORG or --org-id",
                                 param_hint="--org-id")
    from alloy.cli import refs

    show_list("orgs.list_members", ["email", "display_name", "role", "joined_at", "user_id"],
              plain="user_id", org_id=refs.org_id(org or org_id), query=page_query(cursor, limit))


def _aliases() -> None:
    """`alloy org invite ...`, the guides' spelling of `alloy invite ...` (hidden in help)."""
    from alloy.cli import invites

    app.add_typer(invites.app, name="invite", hidden=True)


_aliases()
