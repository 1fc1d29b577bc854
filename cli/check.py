"""`alloy workflow check TICKET --to STATUS`: would this move be accepted, and if not, why.

The answer is the core's (`transitions.check`, GET /tickets/{id}/transitions/check), the
same rule the move applies, so the CLI, the API and the MCP tool `check_transition` agree.
Exits 0 when allowed, 1 when not (so `alloy workflow check X --to Done && ...` reads well).
"""

import sys

import typer
from alloy.cli.common import run, shown
from alloy.cli.output import emit, fmt
from alloy.cli.refs import ticket_id


def check(ref: str = typer.Argument(..., metavar="TICKET", help="KEY-N, number or UUID."),
          to: str = typer.Option(..., "--to", "--to-status", help="The status to move to.")
          ) -> None:
    """Say whether a ticket may move to a status now, and why not, without moving it.

    Example: alloy workflow check BACK-12 --to Done
    """
    answer = run("transitions.check", ticket_id=ticket_id(ref), query={"to": to})
    if fmt() == "table":
        verdict = "allowed" if answer.allowed else f"not allowed: {answer.reason}"
        print(f"{answer.from_status} -> {answer.to_status} ({answer.workflow_name}, "
              f"enforcement {answer.enforcement}): {verdict}")
        if answer.warning:
            print(f"warning: {answer.warning}", file=sys.stderr)
    else:
        emit(shown(answer), plain="allowed")
    if not answer.allowed:
        raise typer.Exit(1)
