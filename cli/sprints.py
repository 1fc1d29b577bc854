"""sprint create | list | get | update | start | complete | assign | delete, plus the
top-level `board` and `burndown` views of a sprint."""

from datetime import date, timedelta

import typer
from alloy.cli import complete
from alloy.cli.common import call, page_query, run, show_list, shown
from alloy.cli.output import emit, fmt
from alloy.cli.prompt import confirm_destructive
from alloy.cli.refs import project_id, ticket_ids
from alloy.cli.refs import sprint_id as resolve

app = typer.Typer(no_args_is_help=True, help="Manage sprints within projects "
                  "(Planned -> Active -> Completed). See also `alloy board` and `alloy burndown`.")

COLUMNS = ["name", "status", "start_date", "end_date", "goal", "id"]
SPRINT_DAYS = 14


_SPRINT = typer.Argument(..., metavar="ID", help="Sprint UUID, name (in the default project, "
                         "else the organization) or id prefix.")


@app.command()
def create(
    name: str = typer.Option(..., "--name", help="Sprint name (e.g. Sprint 12)."),
    project: str = typer.Option(None, "--project", "--project-id", autocompletion=complete.PROJECT,
                                help="Project UUID or key (default: the project from `project use`)."),
    start_date: str = typer.Option(None, "--start-date", "--start", help="Start date YYYY-MM-DD "
                                   "(default: today)."),
    end_date: str = typer.Option(None, "--end-date", "--end", help="End date YYYY-MM-DD (default: "
                                 f"{SPRINT_DAYS} days after the start)."),
    goal: str = typer.Option(None, "--goal", help="Optional sprint goal."),
) -> None:
    """Create a Planned sprint (two weeks from today unless dates are given).

    Example: SPRINT_ID=$(alloy sprint create --project $PROJECT_ID --name "Sprint 13" \\
      --start-date 2026-04-08 --end-date 2026-04-22 --format json | jq -r '.id')
    """
    start = start_date or date.today().isoformat()
    if end_date is None:
        try:
            end_date = (date.fromisoformat(start) + timedelta(days=SPRINT_DAYS)).isoformat()
        except ValueError:
            end_date = start  # the server explains what is wrong with the start date
    body = {"name": name, "goal": goal, "start_date": start, "end_date": end_date}
    emit(call("sprints.create", project_id=project_id(project), body=body), columns=None)


@app.command("list")
def list_(project: str = typer.Option(None, "--project", "--project-id",
                                      autocompletion=complete.PROJECT,
                                      help="Project UUID or key (default: current project)."),
          status: str = typer.Option(None, "--status", autocompletion=complete.SPRINT_STATUS,
                                     help="Only Planned, Active or Completed."),
          cursor: str = typer.Option(None, "--cursor", help="Pagination cursor."),
          limit: int = typer.Option(None, "--limit", help="Results per page (max 100).")) -> None:
    """List a project's sprints.

    Example: alloy sprint list --project $PROJECT_ID --format json | jq -r '.data[].name'
    """
    show_list("sprints.list", COLUMNS, main="goal", project_id=project_id(project),
              query={**page_query(cursor, limit), "status": status})


@app.command()
def get(ref: str = _SPRINT) -> None:
    """Show one sprint.

    Example: alloy sprint get $SPRINT_ID --format json | jq -r .status
    """
    emit(call("sprints.get", sprint_id=resolve(ref)))


@app.command("show", hidden=True)
def show(ref: str = _SPRINT) -> None:
    """Same as `sprint get`.

    Example: alloy sprint show $SPRINT_ID
    """
    get(ref)


@app.command()
def update(
    ref: str = _SPRINT,
    name: str = typer.Option(None, "--name", help="New name."),
    goal: str = typer.Option(None, "--goal", help="New goal ('' or 'none' clears it)."),
    start_date: str = typer.Option(None, "--start-date", "--start", help="New start date YYYY-MM-DD."),
    end_date: str = typer.Option(None, "--end-date", "--end", help="New end date YYYY-MM-DD."),
) -> None:
    """Change a sprint's name, goal or dates (Member).

    Example: alloy sprint update $SPRINT_ID --goal "Ship auth and landing page"
    """
    body = {k: v for k, v in {"name": name, "start_date": start_date,
                              "end_date": end_date}.items() if v is not None}
    if goal is not None:
        body["goal"] = None if goal.strip().lower() in ("", "none", "null") else goal
    emit(call("sprints.update", sprint_id=resolve(ref), body=body))


@app.command()
def start(ref: str = _SPRINT) -> None:
    """Start a Planned sprint (it becomes Active).

    Example: alloy sprint start $SPRINT_ID && alloy sprint list --project $PROJECT_ID
    """
    emit(call("sprints.start", sprint_id=resolve(ref)))


@app.command()
def complete(ref: str = _SPRINT) -> None:
    """Complete an Active sprint; unfinished tickets keep their status.

    Example: alloy sprint complete $SPRINT_ID
    """
    emit(call("sprints.complete", sprint_id=resolve(ref)))


@app.command()
def assign(ref: str = _SPRINT,
           tickets: str = typer.Option(..., "--ticket-ids", help="Comma-separated tickets: "
                                       "UUIDs, KEY-N, or N in the default project.")) -> None:
    """Add tickets of the sprint's project to the sprint (Member).

    Example: alloy sprint assign $SPRINT_ID --ticket-ids "$ID1,$ID2"
    """
    emit(call("sprints.batch_assign", sprint_id=resolve(ref),
              body={"ticket_ids": ticket_ids(tickets)}))


@app.command()
def delete(ref: str = _SPRINT,
           cascade: bool = typer.Option(False, "--cascade", help="Also delete its tickets."),
           dry_run: bool = typer.Option(False, "--dry-run", help="Only count what would go."),
           yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
           ) -> None:
    """Delete a sprint (Admin); 409 while it has tickets unless --cascade.

    Example: alloy sprint delete $SPRINT_ID --cascade --dry-run
    """
    query = {"cascade": cascade, "dry_run": dry_run}
    sprint_id = resolve(ref)
    confirm_destructive(f"Delete sprint {ref}{' and its tickets' if cascade else ''}?",
                        yes or dry_run)
    result = call("sprints.delete", sprint_id=sprint_id, query=query)
    emit(result if result is not None else {"id": sprint_id, "deleted": True}, plain="id")


@app.command("board")
def board(ref: str = typer.Argument(..., metavar="SPRINT_ID", help="Sprint UUID, name or id prefix.")) -> None:
    """Show the sprint board: one column per workflow status with its tickets.

    Example: alloy board $SPRINT_ID --format plain
    """
    data = run("sprints.board", sprint_id=resolve(ref))
    mode = fmt()
    if mode == "json":
        emit(shown(data))
        return
    if mode == "plain":
        for col in data.columns:
            for t in col.tickets:
                print("\t".join([col.status, t.key or t.id, t.priority.value, t.title]))
        return
    _board_table(data)


def _names(org_tickets: list) -> dict[str, str]:
    """user id -> display name for assignees (best effort: ids are shown otherwise)."""
    if not any(t.assignee_id for t in org_tickets):
        return {}
    from alloy.cli.common import member_names

    return member_names()


def _board_table(data) -> None:
    """A `Board`: the sprint's header, then one table per column."""
    from alloy.cli.session import settings
    from rich.console import Console
    from rich.table import Table

    console = Console(no_color=settings().cli.no_color, soft_wrap=False)
    s = data.sprint
    console.print(f"[bold]{s.name}[/bold]  {s.status.value}  {s.start_date} -> "
                  f"{s.end_date}" + (f"\nGoal: {s.goal}" if s.goal else ""))
    names = _names([t for c in data.columns for t in c.tickets])
    for col in data.columns:
        if not col.tickets:
            console.print(f"\n[bold]{col.status} (0)[/bold]\n  -")
            continue
        console.print(f"\n[bold]{col.status} ({len(col.tickets)})[/bold]")
        table = Table()
        for head in ("key", "priority", "title", "assignee"):
            table.add_column(head)
        for t in col.tickets:
            who = t.assignee_id
            table.add_row(t.key or t.id, t.priority.value, t.title,
                          names.get(who, who) if who else "-")
        console.print(table)


_COUNTS = ("total_tickets", "completed_tickets", "remaining_tickets")


def _count(value: int | None) -> str:
    """A day still to come has no counts: draw nothing for it."""
    return "" if value is None else str(value)


@app.command("burndown")
def burndown(ref: str = typer.Argument(..., metavar="SPRINT_ID", help="Sprint UUID, name or id prefix.")) -> None:
    """Show the sprint burndown: per day, total, completed and remaining tickets.

    Example: alloy burndown $SPRINT_ID --format plain > burndown.tsv
    """
    data = run("sprints.burndown", sprint_id=resolve(ref))
    mode = fmt()
    if mode == "json":
        emit(shown(data))
        return
    if mode == "plain":
        print("date\ttotal\tcompleted\tremaining")
        for d in data.data:
            print("\t".join([d.date, *(_count(getattr(d, k)) for k in _COUNTS)]))
        return
    rows = [{"date": d.date, **{k.split("_")[0]: _count(getattr(d, k)) for k in _COUNTS}}
            for d in data.data]
    emit({"data": rows, "next_cursor": None, "has_more": False},
         columns=["date", "total", "completed", "remaining"])


def register(root: typer.Typer) -> None:
    """`alloy board <SPRINT_ID>` and `alloy burndown <SPRINT_ID>` at the top level."""
    root.command("board")(board)
    root.command("burndown")(burndown)
