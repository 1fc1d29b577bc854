"""label create | list | get | update | delete, and labels on tickets (set | add | remove |
batch-assign). `ticket_app` is the `alloy ticket label ...` group (add | remove | set | list).
"""

import typer
from alloy.cli.comments import TICKET_HELP
from alloy.cli.common import call, page_query, show_list
from alloy.cli.output import as_list, emit
from alloy.cli.prompt import confirm_destructive
from alloy.cli.refs import ticket_id, ticket_ids
from alloy.cli.session import current_org

app = typer.Typer(no_args_is_help=True, help="Manage labels for organizing tickets.")

COLUMNS = ["name", "color", "created_at", "id"]
ORG_HELP = "Organization UUID (default: the current one)."


def _show(labels) -> None:
    emit(as_list(labels), columns=COLUMNS, plain="id")


def _label(ref: str) -> str:
    """A label by UUID or name, in the current organization."""
    from alloy.cli.refs import named_id

    return named_id("label", ref)


def _ids(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


@app.command()
def create(org: str = typer.Option(None, "--org", "--org-id", help=ORG_HELP),
           name: str = typer.Option(..., "--name", help="Label name (e.g. bug, feature)."),
           color: str = typer.Option(..., "--color", help="Hex color code (e.g. #FF0000).")
           ) -> None:
    """Create a label in the organization (Member).

    Example: alloy label create --org $ORG_ID --name bug --color "#FF0000"
    """
    emit(call("labels.create", org_id=current_org(org), body={"name": name, "color": color}),
         plain="id")


@app.command("list")
def list_(org: str = typer.Option(None, "--org", "--org-id", help=ORG_HELP),
          ticket: str = typer.Option(None, "--ticket", "--ticket-id",
                                     help="Only the labels on this ticket. " + TICKET_HELP),
          cursor: str = typer.Option(None, "--cursor", help="Cursor from a previous page."),
          limit: int = typer.Option(None, "--limit", help="Labels per page (max 100).")) -> None:
    """List the organization's labels (or, with --ticket, a ticket's labels).

    Example: alloy label list --org $ORG_ID --format json | jq -r '.data[].name'
    """
    if ticket:
        _show(call("labels.list_for_ticket", ticket_id=ticket_id(ticket)))
        return
    show_list("labels.list", COLUMNS, org_id=current_org(org), query=page_query(cursor, limit))


@app.command()
def get(label_id: str = typer.Argument(..., metavar="ID", help="Label name or UUID.")) -> None:
    """Show one label.

    Example: alloy label get $LABEL_ID
    """
    emit(call("labels.get", label_id=_label(label_id)), plain="id")


@app.command()
def update(label_id: str = typer.Argument(..., metavar="ID", help="Label name or UUID."),
           name: str = typer.Option(None, "--name", help="New name."),
           color: str = typer.Option(None, "--color", help="New hex color.")) -> None:
    """Rename a label or change its color (Member).

    Example: alloy label update $LABEL_ID --color "#0000FF"
    """
    body = {k: v for k, v in {"name": name, "color": color}.items() if v is not None}
    emit(call("labels.update", label_id=_label(label_id), body=body), plain="id")


@app.command()
def delete(label_id: str = typer.Argument(..., metavar="ID", help="Label name or UUID."),
           cascade: bool = typer.Option(False, "--cascade", help="Also take it off every ticket."),
           dry_run: bool = typer.Option(False, "--dry-run", help="Only count the tickets using "
                                        "it; change nothing."),
           yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
           ) -> None:
    """Delete a label (Admin). Refused while tickets use it, unless --cascade.

    Example: alloy label delete $LABEL_ID --cascade --dry-run
    """
    query = {"cascade": cascade or None, "dry_run": dry_run or None}
    label_id = _label(label_id)
    if dry_run:
        emit(call("labels.delete", label_id=label_id, query=query))
        return
    confirm_destructive(f"Delete label {label_id}?", yes)
    call("labels.delete", label_id=label_id, query=query)
    emit({"id": label_id, "deleted": True})


@app.command("set")
def set_(ticket: str = typer.Option(..., "--ticket", "--ticket-id", help=TICKET_HELP),
         label_ids: str = typer.Option(..., "--label-ids", help="Comma-separated label ids "
                                       "or names; replaces the ticket's labels ('' clears).")
         ) -> None:
    """Replace all labels on a ticket (Member).

    Example: alloy label set --ticket-id $TICKET_ID --label-ids "$BUG_ID,$URGENT_ID"
    """
    _show(call("labels.set_for_ticket", ticket_id=ticket_id(ticket),
               body={"label_ids": _ids(label_ids)}))


@app.command()
def add(ticket: str = typer.Option(..., "--ticket", "--ticket-id", help=TICKET_HELP),
        label: str = typer.Option(..., "--label", "--label-id", help="Label id or name.")) -> None:
    """Add one label to a ticket (Member).

    Example: alloy label add --ticket BACK-42 --label bug
    """
    _show(call("labels.add_to_ticket", ticket_id=ticket_id(ticket), label_id=label))


@app.command()
def remove(ticket: str = typer.Option(..., "--ticket", "--ticket-id", help=TICKET_HELP),
           label: str = typer.Option(..., "--label", "--label-id", help="Label id or name.")
           ) -> None:
    """Take one label off a ticket (Member); the label itself stays.

    Example: alloy label remove --ticket BACK-42 --label bug
    """
    tid = ticket_id(ticket)
    call("labels.remove_from_ticket", ticket_id=tid, label_id=label)
    _show(call("labels.list_for_ticket", ticket_id=tid))


@app.command("batch-assign")
def batch_assign(label_id: str = typer.Argument(..., metavar="ID", help="Label name or UUID."),
                 refs: str = typer.Option(..., "--ticket-ids", help="Comma-separated "
                                          "ticket references.")) -> None:
    """Put a label on many tickets at once (Member); already-labeled tickets are fine.

    Example: alloy label batch-assign $LABEL_ID --ticket-ids "BACK-1,BACK-2"
    """
    emit(call("labels.batch_assign", label_id=_label(label_id),
              body={"ticket_ids": ticket_ids(refs)}), plain="assigned")


# `alloy ticket label ...`: the same operations, positional, as the Labels & Tags guide writes.
ticket_app = typer.Typer(no_args_is_help=True, help="Labels on one ticket.")


@ticket_app.command("add")
def ticket_add(ticket: str = typer.Argument(..., metavar="TICKET", help=TICKET_HELP),
               label: str = typer.Argument(..., metavar="LABEL", help="Label id or name.")) -> None:
    """Add a label to a ticket.

    Example: alloy ticket label add $TICKET_ID $LABEL_ID
    """
    _show(call("labels.add_to_ticket", ticket_id=ticket_id(ticket), label_id=label))


@ticket_app.command("remove")
def ticket_remove(ticket: str = typer.Argument(..., metavar="TICKET", help=TICKET_HELP),
                  label: str = typer.Argument(..., metavar="LABEL", help="Label id or name.")
                  ) -> None:
    """Take a label off a ticket.

    Example: alloy ticket label remove BACK-42 bug
    """
    remove(ticket, label)


@ticket_app.command("list")
def ticket_list(ticket: str = typer.Argument(..., metavar="TICKET", help=TICKET_HELP)) -> None:
    """List a ticket's labels.

    Example: alloy ticket label list BACK-42
    """
    _show(call("labels.list_for_ticket", ticket_id=ticket_id(ticket)))


@ticket_app.command("set")
def ticket_set(ticket: str = typer.Argument(..., metavar="TICKET", help=TICKET_HELP),
               labels: str = typer.Argument(..., metavar="LABELS", help="Comma-separated ids "
                                            "or names.")) -> None:
    """Replace a ticket's labels.

    Example: alloy ticket label set BACK-42 bug,urgent
    """
    set_(ticket, labels)
