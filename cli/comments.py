"""comment add | list | get | update | delete — discussion on tickets."""

from __future__ import annotations

import sys

import typer
from alloy.cli.common import call, page_query, show_list
from alloy.cli.output import emit
from alloy.cli.session import load_credentials

app = typer.Typer(no_args_is_help=True, help="Add and manage comments on tickets.")

COLUMNS = ["id", "author_id", "parent_comment_id", "body", "created_at"]
TICKET_HELP = "Ticket: UUID, KEY-NUMBER, or a bare number in the default project."


def confirm(what: str, yes: bool) -> None:
    """Ask before destroying something, but only when a person is at the terminal."""
    if not yes and sys.stdin.isatty() and sys.stdout.isatty():
        typer.confirm(f"Delete {what}?", abort=True)


def ticket_id(ref: str) -> str:
    """A ticket reference (UUID, `KEY-N`, bare `N` with `alloy project use`) -> its id."""
    from alloy.domain.values import is_uuid
    from alloy.errors import Invalid, NotFound

    ref = ref.strip()
    if is_uuid(ref):
        return ref
    if ref.isdigit():
        creds = load_credentials()
        key = creds.get("project_key")
        if not key and creds.get("project_id"):
            key = call("projects.get", project_id=creds["project_id"])["key"]
        if not key:
            raise Invalid(f"'{ref}' needs a default project: run `alloy project use <KEY>` "
                          "or write KEY-NUMBER")
        ref = f"{key}-{ref}"
    key, _, number = ref.rpartition("-")
    if not key or not number.isdigit():
        raise Invalid(f"not a ticket reference: '{ref}' (use a UUID, KEY-NUMBER or NUMBER)")
    try:
        return call("tickets.resolve", query={"ref": ref.upper()})["id"]
    except KeyError:  # no resolve operation in this build: find it through the project
        pass
    project = call("projects.get_by_key", key=key, query={})
    cursor = None
    while True:
        page = call("tickets.list", project_id=project["id"],
                    query={"cursor": cursor, "limit": 100})
        for t in page["items"]:
            if t["ticket_number"] == int(number):
                return t["id"]
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            raise NotFound(f"ticket {ref.upper()} not found")


def add(ticket: str = typer.Option(..., "--ticket", "--ticket-id", help=TICKET_HELP),
        body: str = typer.Option(..., "--body", help="Comment text."),
        author_id: str = typer.Option(None, "--author-id", help="Accepted and ignored: the "
                                      "author is always you."),
        parent_id: str = typer.Option(None, "--parent-id", "--parent-comment-id",
                                      help="Parent comment UUID, to reply in a thread.")) -> None:
    """Add a comment to a ticket, or reply to one with --parent-id.

    Example: alloy comment add --ticket BACK-42 --body "Deployed to staging"
    """
    emit(call("comments.create", ticket_id=ticket_id(ticket),
              body={"body": body, "parent_comment_id": parent_id}), plain="id")


app.command("add")(add)
app.command("create", help="Same as `comment add`.\n\nExample: alloy comment create "
            "--ticket-id $TICKET_ID --body \"Looks good, let's ship it\"")(add)


@app.command("list")
def list_(ticket: str = typer.Option(..., "--ticket", "--ticket-id", help=TICKET_HELP),
          cursor: str = typer.Option(None, "--cursor", help="Cursor from a previous page."),
          limit: int = typer.Option(None, "--limit", help="Comments per page (max 100).")) -> None:
    """List a ticket's comments, oldest first (replies show their parent_comment_id).

    Example: alloy comment list --ticket BACK-42 --format json | jq -r '.data[].body'
    """
    show_list("comments.list", COLUMNS, ticket_id=ticket_id(ticket),
              query=page_query(cursor, limit))


@app.command()
def get(comment_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Show one comment.

    Example: alloy comment get $COMMENT_ID --format json
    """
    emit(call("comments.get", comment_id=comment_id), plain="body")


@app.command()
def update(comment_id: str = typer.Argument(..., metavar="ID"),
           body: str = typer.Option(..., "--body", help="New comment text.")) -> None:
    """Edit a comment (its author or an Admin).

    Example: alloy comment update $COMMENT_ID --body "Updated: deployed to production"
    """
    emit(call("comments.update", comment_id=comment_id, body={"body": body}), plain="id")


@app.command()
def delete(comment_id: str = typer.Argument(..., metavar="ID"),
           yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
           ) -> None:
    """Delete a comment and its replies (its author or an Admin).

    Example: alloy comment delete $COMMENT_ID --yes
    """
    confirm(f"comment {comment_id} and its replies", yes)
    call("comments.delete", comment_id=comment_id)
    emit({"id": comment_id, "deleted": True})
