"""search: find tickets across the organization with the query language (docs/search.md)."""

import typer
from alloy.cli.common import page_query, show_list
from alloy.cli.session import current_org

COLUMNS = ["key", "title", "status", "priority", "assignee", "updated_at"]


def search(query: list[str] = typer.Argument(None, metavar="QUERY...", help="Words, \"exact "
                                             "phrases\" and qualifiers (is:open, label:bug, "
                                             "priority:>=high, ...). Put `--` before a query "
                                             "that starts with `-`."),
           project: str = typer.Option(None, "--project", "--project-id",
                                       help="Only this project (UUID or key)."),
           org: str = typer.Option(None, "--org", "--org-id",
                                   help="Organization (default: the current one)."),
           cursor: str = typer.Option(None, "--cursor", help="Cursor from a previous page."),
           limit: int = typer.Option(None, "--limit", help="Results per page (default 20).")
           ) -> None:
    """Search tickets by words, phrases and qualifiers, best matches first.

    Example: alloy search 'login is:open -label:wontfix' --format json | jq -r '.data[].key'
    """
    show_list("tickets.search", COLUMNS, plain="key", people={"assignee_id": "assignee"},
              org_id=current_org(org),
              query={"q": " ".join(query or []), "project_id": project,
                     **page_query(cursor, limit)})


def register(root: typer.Typer) -> None:
    root.command("search")(search)
