"""time log | list | get | update | delete | submit | approve | reject | submitted | report."""

from __future__ import annotations

import re
import sys

import typer
from alloy.cli import prompt
from alloy.cli.common import call, page_query, show_list
from alloy.cli.output import emit
from alloy.cli.session import is_tty, load_credentials


def org() -> str | None:
    """The current organization, if one is chosen (org-wide reads default to it)."""
    import os

    return os.environ.get("ALLOY_ORG_ID") or load_credentials().get("org_id")

app = typer.Typer(no_args_is_help=True, help="Log and manage time entries for capitalization "
                  "tracking (Draft -> Submitted -> Approved | Rejected).")

COLUMNS = ["id", "date", "duration_minutes", "activity_type", "status", "description"]
ACTIVITY_TYPES = ("Coding, Testing, CodeReview, Design, Architecture, PM, Requirements, "
                  "Training, Maintenance, BugFixing, Documentation, Deployment, Meetings")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+)m?)?$")


def interactive() -> bool:
    return sys.stdin.isatty() and is_tty()


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


def resolve_ticket(ref: str) -> dict:
    """A ticket by UUID, `KEY-N`, or bare `N` in the project chosen with `alloy project use`."""
    if _UUID.match(ref):
        return call("tickets.get", ticket_id=ref)
    key, _, number = ref.rpartition("-")
    if not number.isdigit():
        raise typer.BadParameter(f"'{ref}' is not a ticket (UUID, KEY-N or N)",
                                 param_hint="--ticket")
    creds = load_credentials()
    if key:
        project = call("projects.get_by_key", key=key)
    elif creds.get("project_id"):
        project = {"id": creds["project_id"]}
    elif creds.get("project_key"):
        project = call("projects.get_by_key", key=creds["project_key"])
    else:
        raise typer.BadParameter(f"'{ref}' needs a project: use KEY-{ref} or "
                                 "`alloy project use KEY`", param_hint="--ticket")
    cursor = None
    while True:
        page = call("tickets.list", project_id=project["id"],
                    query={"limit": 100, "cursor": cursor})
        for ticket in page["items"]:
            if ticket["ticket_number"] == int(number):
                return ticket
        if not page.get("has_more"):
            break
        cursor = page["next_cursor"]
    from alloy.errors import NotFound

    raise NotFound(f"ticket {ref} not found")


@app.command()
def log(
    user_id: str = typer.Option(None, "--user-id", help="User UUID (default: you)."),
    ticket: str = typer.Option(None, "--ticket", "--ticket-id",
                               help="Ticket: UUID, KEY-N, or N (prompted if missing)."),
    project: str = typer.Option(None, "--project", help="Project UUID (default: the ticket's)."),
    date: str = typer.Option(None, "--date", help="YYYY-MM-DD (default: today)."),
    duration: str = typer.Option(None, "--duration",
                                 help="Minutes, or 90m / 2h / 1h30m (prompted if missing)."),
    description: str = typer.Option(None, "--description", help="What was done."),
    activity_type: str = typer.Option(None, "--activity-type", "--type",
                                      help=f"Activity (prompted if missing): {ACTIVITY_TYPES}."),
) -> None:
    """Log time against a ticket; the entry starts as Draft.

    Example: alloy time log --ticket BACK-42 --duration 90 --activity-type Coding --description "Auth"
    """
    found = resolve_ticket(need(ticket, "--ticket", "Ticket (KEY-N)"))
    mins = minutes(need(duration, "--duration", "Duration (minutes)"))
    kind = prompt.require(activity_type, "--activity-type", prompt.pick_activity_type)
    if date is None:
        from datetime import date as day

        date = day.today().isoformat()
    emit(call("timeentries.create", body={
        "user_id": user_id, "ticket_id": found["id"], "project_id": project or found["project_id"],
        "date": date, "duration_minutes": mins, "description": description,
        "activity_type": kind}))


@app.command("list")
def list_(
    ticket: str = typer.Option(None, "--ticket", "--ticket-id", help="Ticket: UUID, KEY-N or N."),
    user_id: str = typer.Option(None, "--user-id", help="A user's entries (or, with --ticket, "
                                "filter)."),
    project: str = typer.Option(None, "--project", help="Filter by project UUID."),
    date: str = typer.Option(None, "--date", help="Filter by date (YYYY-MM-DD)."),
    status: str = typer.Option(None, "--status", help="Draft, Submitted, Approved, Rejected."),
    cursor: str = typer.Option(None, "--cursor"),
    limit: int = typer.Option(None, "--limit"),
) -> None:
    """List time entries of a ticket (or of a user with --user-id).

    Example: alloy time list --ticket 42 --format json | jq -r '.data[].id'
    """
    query = {**page_query(cursor, limit), "project_id": project, "date": date, "status": status}
    if ticket:
        found = resolve_ticket(ticket)
        show_list("timeentries.list_for_ticket", COLUMNS, ticket_id=found["id"],
                  query={**query, "user_id": user_id})
        return
    if not user_id:
        raise typer.BadParameter("give --ticket or --user-id", param_hint="--ticket")
    show_list("timeentries.list_for_user", COLUMNS, user_id=user_id,
              query={**query, "org_id": org()})


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
    activity_type: str = typer.Option(None, "--activity-type", "--type", help="New activity."),
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
    if not yes and interactive() and not typer.confirm(f"Delete time entry {entry_id}?"):
        raise typer.Exit(1)
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
def submitted(project: str = typer.Option(None, "--project", help="Filter by project UUID."),
              user_id: str = typer.Option(None, "--user-id", help="Filter by user."),
              cursor: str = typer.Option(None, "--cursor"),
              limit: int = typer.Option(None, "--limit")) -> None:
    """The approval queue: submitted entries of the current organization.

    Example: alloy time submitted --format json | jq -r '.data[].id' | xargs -I{} alloy time approve {}
    """
    show_list("timeentries.submitted", ["id", "user_id", *COLUMNS[1:]],
              query={**page_query(cursor, limit), "project_id": project, "user_id": user_id,
                     "org_id": org()})


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
        print_csv({"period": period, "org_id": org()})
    else:
        show_report({"period": period, "org_id": org()}, force_json=True)
