"""time log | list | get | update | delete | submit | approve | reject | submitted | report."""

import re

import typer
from alloy.cli import complete, prompt, refs
from alloy.cli.common import call, page_query, show_list
from alloy.cli.output import emit

from alloy.domain.enums import ACTIVITY_TYPES

app = typer.Typer(no_args_is_help=True, help="Log and manage time entries for capitalization "
                  "tracking (Draft -> Submitted -> Approved | Rejected).")

COLUMNS = ["id", "date", "duration_minutes", "status", "activity_type", "description"]
_USER = {"user_id": "user"}  # the approval queue names whose time it is
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+)m?)?$")


def need(value, flag: str, label: str):
    """`value`, else ask on a terminal, else a usage error (exit 2) naming the flag."""
    return prompt.require(value, flag, lambda: prompt.text(label))


def minutes(text: str) -> int:
    """'90', '90m', '2h', '1.5h', '1h30m' -> minutes."""
    m = _DURATION.match(str(text).strip().lower())
    if not m or not (m.group(1) or m.group(2)):
        raise typer.BadParameter(f"'{text}' is not a duration (e.g. 90, 90m, 2h, 1h30m)",
                                 param_hint="--duration")
    return round(float(m.group(1) or 0) * 60) + int(m.group(2) or 0)


@app.command()
def log(
    user_id: str = typer.Option(None, "--user-id", help="User: UUID, email or name (default: you)."),
    ticket: str = typer.Option(None, "--ticket", "--ticket-id",
                               help="Ticket: UUID, KEY-N, or N (prompted if missing)."),
    project: str = typer.Option(None, "--project", autocompletion=complete.PROJECT,
                                help="Project UUID or key (default: the ticket's)."),
    date: str = typer.Option(None, "--date", help="YYYY-MM-DD (default: today)."),
    duration: str = typer.Option(None, "--duration",
                                 help="Minutes, or 90m / 2h / 1h30m (prompted if missing)."),
    description: str = typer.Option(None, "--description", help="What was done."),
    activity_type: str = typer.Option(None, "--activity-type", "--type", autocompletion=complete.ACTIVITY,
                                      help="Activity (prompted if missing): "
                                      f"{', '.join(ACTIVITY_TYPES)}."),
) -> None:
    """Log time against a ticket; the entry starts as Draft.

    Example: alloy time log --ticket BACK-42 --duration 90 --activity-type Coding --description "Auth"
    """
    found = refs.resolve(need(ticket, "--ticket", "Ticket (KEY-N)"))
    mins = minutes(need(duration, "--duration", "Duration (minutes)"))
    kind = prompt.require(activity_type, "--activity-type", prompt.pick_activity_type)
    if date is None:
        from datetime import date as day

        date = day.today().isoformat()
    emit(call("timeentries.create", body={
        "user_id": refs.user_id(user_id, found.project_id), "ticket_id": found.id,
        "project_id": refs.optional_project_id(project) or found.project_id,
        "date": date, "duration_minutes": mins, "description": description,
        "activity_type": kind}))


@app.command("list")
def list_(
    ticket: str = typer.Option(None, "--ticket", "--ticket-id", help="Ticket: UUID, KEY-N or N."),
    user_id: str = typer.Option(None, "--user-id", help="A user's entries (or, with --ticket, "
                                "filter)."),
    project: str = typer.Option(None, "--project", autocompletion=complete.PROJECT, help="Filter by project UUID or key."),
    date: str = typer.Option(None, "--date", help="Filter by date (YYYY-MM-DD)."),
    status: str = typer.Option(None, "--status", autocompletion=complete.ENTRY_STATUS, help="Draft, Submitted, Approved, Rejected."),
    cursor: str = typer.Option(None, "--cursor"),
    limit: int = typer.Option(None, "--limit"),
) -> None:
    """List time entries of a ticket (or of a user with --user-id).

    Example: alloy time list --ticket 42 --format json | jq -r '.data[].id'
    """
    query = {**page_query(cursor, limit), "project_id": refs.optional_project_id(project),
             "date": date, "status": status}
    if ticket:
        show_list("timeentries.list_for_ticket", COLUMNS, ticket_id=refs.ticket_id(ticket),
                  query={**query, "user_id": refs.user_id(user_id)})
        return
    if not user_id:
        raise typer.BadParameter("give --ticket or --user-id", param_hint="--ticket")
    show_list("timeentries.list_for_user", COLUMNS, user_id=refs.user_id(user_id),
              query={**query, "org_id": refs.org_or_none()})


@app.command()
def get(entry_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Show one time entry.

    Example: alloy time get $TIME_ENTRY_ID
    """
    emit(call("timeentries.get", entry_id=entry_id))


@app.command()
def update(
    entry_id: str = typer.Argument(..., metavar="ID"),
    date: str = typer.Option(None, "--date", help="New date (YYYY-MM-DD)."),
    duration: str = typer.Option(None, "--duration", help="New duration (90, 2h, 1h30m)."),
    description: str = typer.Option(None, "--description", help="New description."),
    activity_type: str = typer.Option(None, "--activity-type", "--type", autocompletion=complete.ACTIVITY, help="New activity."),
) -> None:
    """Edit a Draft or Rejected entry.

    Example: alloy time update $TIME_ENTRY_ID --duration 150
    """
    body = {"date": date, "description": description, "activity_type": activity_type,
            "duration_minutes": minutes(duration) if duration else None}
    emit(call("timeentries.update", entry_id=entry_id,
              body={k: v for k, v in body.items() if v is not None}))


@app.command()
def delete(entry_id: str = typer.Argument(..., metavar="ID"),
           yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
           ) -> None:
    """Delete a Draft or Rejected entry (asks on a terminal; --yes skips).

    Example: alloy time delete $TIME_ENTRY_ID --yes
    """
    prompt.confirm_destructive(f"Delete time entry {entry_id}?", yes)
    call("timeentries.delete", entry_id=entry_id)


@app.command()
def submit(entry_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Move a time entry from Draft (or Rejected) to Submitted for approval.

    Example: alloy time submit $TIME_ENTRY_ID
    """
    emit(call("timeentries.submit", entry_id=entry_id))


@app.command()
def approve(entry_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Approve a submitted time entry (Admin).

    Example: alloy time approve $TIME_ENTRY_ID
    """
    emit(call("timeentries.approve", entry_id=entry_id))


@app.command()
def reject(entry_id: str = typer.Argument(..., metavar="ID"),
           reason: str = typer.Option(None, "--reason", help="Why, for the entry's owner.")
           ) -> None:
    """Reject a submitted time entry (Admin); its owner can edit and resubmit it.

    Example: alloy time reject $TIME_ENTRY_ID --reason "Log against BACK-43 instead"
    """
    emit(call("timeentries.reject", entry_id=entry_id, body={"reason": reason}))


@app.command()
def submitted(project: str = typer.Option(None, "--project", autocompletion=complete.PROJECT, help="Filter by project UUID or key."),
              user_id: str = typer.Option(None, "--user-id", help="Filter by user."),
              cursor: str = typer.Option(None, "--cursor"),
              limit: int = typer.Option(None, "--limit")) -> None:
    """The approval queue: submitted entries of the current organization.

    Example: alloy time submitted --format json | jq -r '.data[].id' | xargs -I{} alloy time approve {}
    """
    show_list("timeentries.submitted", ["id", "user", *COLUMNS[1:]], people=_USER,
              query={**page_query(cursor, limit), "project_id": refs.optional_project_id(project),
                     "user_id": refs.user_id(user_id),
                     "org_id": refs.org_or_none()})


@app.command()
def report(period: str = typer.Option(..., "--period", help="Reporting month, YYYY-MM."),
           output: str = typer.Option("csv", "--output", help="Report format: csv or json.")
           ) -> None:
    """Capitalization report for a month, CSV by default (json with --output json).

    Example: alloy time report --period 2026-03 > march-2026.csv
    """
    from alloy.cli.reports import print_csv, show_report

    if output.lower() not in ("csv", "json"):
        raise typer.BadParameter("must be csv or json", param_hint="--output")
    if output.lower() == "csv":
        print_csv({"period": period, "org_id": refs.org_or_none()})
    else:
        show_report({"period": period, "org_id": refs.org_or_none()}, force_json=True)
