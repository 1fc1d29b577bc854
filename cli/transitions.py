"""ticket transition | batch-transition: commands of the `ticket` group, kept here.

`register(group)` attaches them to the `ticket` Typer group (cli/tickets.py owns it).
"""

import sys

import typer
from alloy.cli import complete
from alloy.cli.common import run, shown
from alloy.cli.output import emit, fmt
from alloy.cli.refs import ticket_id, ticket_ids


def transition(
    ref: str = typer.Argument(None, metavar="[ID]", help="Ticket UUID, KEY-N or number."),
    id_: str = typer.Option(None, "--id", help="Ticket reference (instead of the argument)."),
    to_status: str = typer.Option(None, "--to-status", "--status", autocompletion=complete.STATUS, help="Target status."),
) -> None:
    """Move a ticket to another status under its workflow's rules.

    Example: alloy ticket transition "$TICKET_ID" --to-status InProgress
    """
    from alloy.errors import Invalid

    ref = ref or id_
    if not ref or not to_status:
        missing = [f for f, v in (("ID", ref), ("--to-status", to_status)) if not v]
        raise Invalid(f"missing {' and '.join(missing)}",
                      [{"field": f, "message": "required"} for f in missing])
    result = run("transitions.transition", ticket_id=ticket_id(ref),
                 body={"to_status": to_status})
    if result.warning:
        print(f"warning: {result.warning}", file=sys.stderr)
    data = shown(result)
    data.pop("ticket", None)  # the nested copy a `warn` answer carries: shown once is enough
    emit(data, plain="status")


def batch_transition(
    refs: str = typer.Option(..., "--ticket-ids", help="Comma-separated tickets: UUIDs, "
                             "KEY-N, or N in the default project."),
    to_status: str = typer.Option(..., "--to-status", "--status", autocompletion=complete.STATUS,
                                  help="Target status for all of them."),
) -> None:
    """Move several tickets to one status; each is checked against its project's workflow.

    Exits 1 when any ticket could not move (the others still moved).

    Example: alloy ticket batch-transition --ticket-ids "$ID1,$ID2" --to-status Done
    """
    named: dict[str, str] = {}  # id -> KEY-N: tickets are shown by the key they were named by
    ids = ticket_ids(refs, named=named)
    result = run("transitions.batch", body={"ticket_ids": ids, "to_status": to_status})
    if fmt() == "json":
        emit(shown(result))
    else:
        rows = [{"ticket": named.get(m.id, m.id), "result": "ok", "status": m.status,
                 "note": m.warning or ""} for m in result.succeeded]
        rows += [{"ticket": named.get(f.id, f.id), "result": "failed", "status": "-",
                  "note": f.reason} for f in result.failed]
        if fmt() == "plain":
            for r in rows:
                print("\t".join([r["ticket"], r["result"], r["status"], r["note"]]).rstrip("\t"))
        else:
            emit({"data": rows, "next_cursor": None, "has_more": False},
                 columns=["ticket", "result", "status", "note"], main="note")
    if result.failed:
        print(f"error: {len(result.failed)} of {len(ids)} tickets did not move",
              file=sys.stderr)
        raise typer.Exit(1)


def register(group: typer.Typer) -> None:
    group.command("transition")(transition)
    group.command("batch-transition")(batch_transition)


# Until cli/tickets.py exists on this branch, these commands live in a `ticket` group of
# their own; when both exist, main.py calls `register(tickets.app)` instead.
app = typer.Typer(no_args_is_help=True, help="Work with tickets.")
register(app)
