"""comment add | list | get | update | delete — discussion on tickets."""

import typer
from alloy.cli.common import call, member_names, page_query, run, shown
from alloy.cli.output import as_list, emit
from alloy.cli.prompt import confirm_destructive
from alloy.cli.refs import ticket_id

app = typer.Typer(no_args_is_help=True, help="Add and manage comments on tickets.")

COLUMNS = ["id", "author", "body", "created_at"]
TICKET_HELP = "Ticket: UUID, KEY-NUMBER, or a bare number in the default project."


def add(ticket_ref: str = typer.Argument(None, metavar="[TICKET]", help=TICKET_HELP),
        ticket: str = typer.Option(None, "--ticket", "--ticket-id", help=TICKET_HELP),
        body: str = typer.Option(..., "--body", help="Comment text."),
        author_id: str = typer.Option(None, "--author-id", help="Accepted and ignored: the "
                                      "author is always you."),
        parent_id: str = typer.Option(None, "--parent-id", "--parent-comment-id",
                                      help="Parent comment UUID, to reply in a thread.")) -> None:
    """Add a comment to a ticket, or reply to one with --parent-id.

    The ticket is --ticket or the first argument (`alloy comment add BACK-42 --body ...`).

    Example: alloy comment add --ticket BACK-42 --body "Deployed to staging"
    """
    if bool(ticket_ref) == bool(ticket):
        raise typer.BadParameter("give the ticket once: as an argument or with --ticket",
                                 param_hint="--ticket")
    emit(call("comments.create", ticket_id=ticket_id(ticket_ref or ticket),
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
    from alloy.cli.output import fmt

    page = run("comments.list", ticket_id=ticket_id(ticket), query=page_query(cursor, limit))
    listing = as_list(shown(page))
    if fmt() == "table":  # who wrote it, by name; a reply is marked as one
        names = member_names()
        for c, row in zip(page.items, listing["data"], strict=True):
            row["author"] = names.get(c.author_id, c.author_id)
            row["body"] = ("↳ " if c.parent_comment_id else "") + c.body
    emit(listing, columns=COLUMNS, main="body")


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
    confirm_destructive(f"Delete comment {comment_id} and its replies?", yes)
    call("comments.delete", comment_id=comment_id)
    emit({"id": comment_id, "deleted": True})
