"""view create | list | get | update | delete | run: saved search queries, yours or the org's.

A view is named by its name (any case) or UUID wherever a command takes one.
"""

import typer
from alloy.cli.common import call, page_query, show_list
from alloy.cli.output import emit
from alloy.cli.prompt import confirm_destructive
from alloy.cli.session import current_org

app = typer.Typer(no_args_is_help=True, help="Save search queries as named views and run them.")

COLUMNS = ["name", "query", "shared", "id"]
ORG_HELP = "Organization UUID (default: the current one)."
VIEW_HELP = "View name or UUID."


def _view(ref: str, org: str | None = None) -> str:
    from alloy.cli.refs import named_id

    return named_id("view", ref, org=org)


@app.command()
def create(name: str = typer.Argument(..., help="A name for the view (e.g. 'my bugs')."),
           query: str = typer.Argument(..., help="The search query (see `alloy search`)."),
           shared: bool = typer.Option(False, "--shared", help="Share it with the whole "
                                       "organization (Admin)."),
           org: str = typer.Option(None, "--org", "--org-id", help=ORG_HELP)) -> None:
    """Save a search query as a named view (shared views: Admin).

    Example: alloy view create "my bugs" "is:open label:bug assignee:@me"
    """
    emit(call("views.create", org_id=current_org(org),
              body={"name": name, "query": query, "shared": shared}), plain="id")


@app.command("list")
def list_(org: str = typer.Option(None, "--org", "--org-id", help=ORG_HELP),
          cursor: str = typer.Option(None, "--cursor", help="Cursor from a previous page."),
          limit: int = typer.Option(None, "--limit", help="Views per page (max 100).")) -> None:
    """List your views and the organization's shared ones.

    Example: alloy view list --format json | jq -r '.data[].name'
    """
    show_list("views.list", COLUMNS, plain="name", main="name", org_id=current_org(org),
              query=page_query(cursor, limit))


@app.command()
def get(view: str = typer.Argument(..., metavar="VIEW", help=VIEW_HELP)) -> None:
    """Show one view.

    Example: alloy view get "my bugs"
    """
    emit(call("views.get", view_id=_view(view)), plain="id")


@app.command()
def update(view: str = typer.Argument(..., metavar="VIEW", help=VIEW_HELP),
           name: str = typer.Option(None, "--name", help="New name."),
           query: str = typer.Option(None, "--query", help="New search query."),
           shared: bool = typer.Option(None, "--shared/--personal", help="Share it with the "
                                       "organization (Admin), or make it yours alone.")) -> None:
    """Rename a view, change its query, or share it (shared views: Admin).

    Example: alloy view update "my bugs" --query "is:open label:bug"
    """
    body = {k: v for k, v in {"name": name, "query": query, "shared": shared}.items()
            if v is not None}
    emit(call("views.update", view_id=_view(view), body=body), plain="id")


@app.command()
def delete(view: str = typer.Argument(..., metavar="VIEW", help=VIEW_HELP),
           yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
           ) -> None:
    """Delete a view: your own, or a shared one (Admin).

    Example: alloy view delete "my bugs" --yes
    """
    view_id = _view(view)
    confirm_destructive(f"Delete view {view}?", yes)
    call("views.delete", view_id=view_id)
    emit({"id": view_id, "deleted": True})


@app.command()
def run(view: str = typer.Argument(..., metavar="VIEW", help=VIEW_HELP),
        cursor: str = typer.Option(None, "--cursor", help="Cursor from a previous page."),
        limit: int = typer.Option(None, "--limit", help="Results per page (default 20).")
        ) -> None:
    """Run a view: the tickets its query finds now, as `alloy search` shows them.

    Example: alloy view run "my bugs" --format plain
    """
    from alloy.cli.search import COLUMNS as TICKETS

    show_list("views.run", TICKETS, plain="key", people={"assignee_id": "assignee"},
              view_id=_view(view), query=page_query(cursor, limit))
