"""report capitalization | export: the finance reports (JSON, and CSV for ERP import)."""

import sys
from pathlib import Path

import typer
from alloy.cli import complete
from alloy.cli.common import call, run, shown
from alloy.cli.output import emit, fmt

app = typer.Typer(no_args_is_help=True, help="Generate capitalization and finance reports.")


def _filters(team_id, user_id, cost_center_id, activity_type, tag) -> dict:
    from alloy.cli.refs import named_id, org_or_none
    from alloy.cli.refs import user_id as person

    return {"org_id": org_or_none(), "team_id": named_id("team", team_id),
            "user_id": person(user_id), "cost_center_id": cost_center_id,
            "activity_type": activity_type, "tag": ",".join(tag) if tag else None}


def show_report(query: dict, force_json: bool = False) -> None:
    """JSON as the API returns it; on a terminal (table/plain) one row per project line."""
    data = run("reports.capitalization", query=query)
    if force_json:
        print(_dumps(shown(data)))
        return
    if fmt() == "json":
        emit(shown(data))
        return
    rows = []
    for group in data.teams or []:
        rows += [{"group": group.team_name, **_row(p)} for p in group.projects]
    for group in data.users or []:
        rows += [{"group": group.display_name, **_row(p)} for p in group.projects]
    rows += [_row(p) for p in data.projects or []]
    emit({"data": rows, "next_cursor": None, "has_more": False}, plain="project_key",
         main="project_name")


def _dumps(data) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False)


def _row(p) -> dict:
    """A `ProjectLine` as a table row (its budget use when the report includes budgets)."""
    from msgspec import UNSET

    row = {"project_key": p.project_key, "project_name": p.project_name,
           "development_phase": p.development_phase, "total_hours": p.total_hours,
           "total_amount_cents": p.total_amount_cents,
           "capex_amount_cents": p.capex_amount_cents, "opex_amount_cents": p.opex_amount_cents}
    if p.budget_utilization_pct is not UNSET:
        row["budget_utilization_pct"] = p.budget_utilization_pct
    return row


def print_csv(query: dict, output: Path | None = None) -> None:
    text = call("reports.capitalization_export", query=query)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text)
        except OSError as e:
            print(f"error: cannot write {output}: {e.strerror}", file=sys.stderr)
            raise typer.Exit(1) from None
        print(f"wrote {output}", file=sys.stderr)


TAG_HELP = "Tag filter key:value (repeatable; all must match)."


@app.command()
def capitalization(
    period: str = typer.Option(..., "--period", help="Reporting month, YYYY-MM."),
    group_by: str = typer.Option(None, "--group-by", help="Group by team or user."),
    include_users: bool = typer.Option(False, "--include-users",
                                       help="Include individual user breakdowns."),
    include_budget: bool = typer.Option(False, "--include-budget", help="Include budget data."),
    team_id: str = typer.Option(None, "--team-id", help="Filter by team (name or UUID)."),
    user_id: str = typer.Option(None, "--user-id", help="Filter by user (UUID, email or name)."),
    cost_center_id: str = typer.Option(None, "--cost-center-id", help="Filter by cost center."),
    activity_type: str = typer.Option(None, "--activity-type", autocompletion=complete.ACTIVITY,
                                       help="Filter by activity type."),
    tag: list[str] = typer.Option(None, "--tag", help=TAG_HELP),
) -> None:
    """Capitalization report as JSON: approved hours x labor rates per project and activity.

    Example: alloy report capitalization --period 2026-03 --group-by team --include-users
    """
    show_report({"period": period, "group_by": group_by, "include_users": include_users or None,
                 "include_budget": include_budget or None,
                 **_filters(team_id, user_id, cost_center_id, activity_type, tag)})


@app.command()
def export(
    period: str = typer.Option(..., "--period", help="Reporting month, YYYY-MM."),
    group_by: str = typer.Option(None, "--group-by", help="Rows per team (team) or by person."),
    team_id: str = typer.Option(None, "--team-id", help="Filter by team (name or UUID)."),
    user_id: str = typer.Option(None, "--user-id", help="Filter by user (UUID, email or name)."),
    cost_center_id: str = typer.Option(None, "--cost-center-id", help="Filter by cost center."),
    activity_type: str = typer.Option(None, "--activity-type", autocompletion=complete.ACTIVITY,
                                       help="Filter by activity type."),
    tag: list[str] = typer.Option(None, "--tag", help=TAG_HELP),
    output: Path = typer.Option(None, "--output", "-o", help="Write to FILE instead of stdout."),
) -> None:
    """Export the capitalization report as CSV (stdout, or --output FILE).

    Example: alloy report export --period 2026-03 > march-2026.csv
    """
    print_csv({"period": period, "group_by": group_by,
               **_filters(team_id, user_id, cost_center_id, activity_type, tag)}, output)
