"""labor-rate set | list | current | get — loaded hourly cost per person, for finance reports.

A capitalization report prices approved hours with the rate in force on each entry's date;
without rates its amounts are zero. Rates are never edited: a change is a new rate from a
later effective date. Admin only (salaries are sensitive). Amounts are cents on the wire
(`loaded_rate_cents`); `--rate 150` or `--rate 150.50` is per hour in the org's currency.
"""

import typer
from alloy.cli import refs
from alloy.cli.common import call, page_query, run, show_list
from alloy.cli.output import emit

app = typer.Typer(no_args_is_help=True, help="Set and view labor rates (loaded cost per hour, "
                  "Admin) that price capitalization reports.")

COLUMNS = ["id", "user", "effective_date", "loaded_rate_cents", "created_at", "user_id"]
_USER = "Person: user UUID, email or name (default: you)."
_ORG = "Organization: UUID, slug or name (default: current)."


def _who(user: str | None, org: str | None) -> tuple[str, str]:
    """(user id, org id) of a command's --user/--org, defaulting to you and the current org."""
    org_id = refs.org_id(org)
    if user is None:
        return run("auth.me").user_id, org_id
    return refs.user_id(user, org=org_id), org_id


def cents(rate: str | None, rate_cents: int | None) -> int:
    """--rate (an amount per hour, up to two decimals) or --rate-cents, exactly one."""
    from decimal import Decimal, InvalidOperation

    if (rate is None) == (rate_cents is None):
        raise typer.BadParameter("give the rate once: --rate 150.00 or --rate-cents 15000",
                                 param_hint="--rate")
    if rate_cents is not None:
        return rate_cents
    try:
        value = Decimal(rate.strip().lstrip("$").replace(",", "")) * 100
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value != value.to_integral_value():
        raise typer.BadParameter(f"'{rate}' is not an amount per hour (e.g. 150 or 150.50)",
                                 param_hint="--rate")
    return int(value)


@app.command("set")
def set_(
    user: str = typer.Option(None, "--user", "--user-id", help=_USER),
    rate: str = typer.Option(None, "--rate", help="Loaded cost per hour, e.g. 150 or 150.50."),
    rate_cents: int = typer.Option(None, "--rate-cents", "--loaded-rate-cents",
                                   help="The same in cents, e.g. 15000."),
    effective_date: str = typer.Option(None, "--effective-date", "--from",
                                       help="First day it applies, YYYY-MM-DD (default: today)."),
    org: str = typer.Option(None, "--org", "--org-id", help=_ORG),
) -> None:
    """Set a person's loaded hourly rate from a date on (Admin); earlier months keep theirs.

    Example: alloy labor-rate set --user dev@acme.com --rate 175 --effective-date 2026-01-01
    """
    amount = cents(rate, rate_cents)
    user_id, org_id = _who(user, org)
    if effective_date is None:
        from datetime import date

        effective_date = date.today().isoformat()
    emit(call("laborrates.create", body={
        "user_id": user_id, "org_id": org_id, "loaded_rate_cents": amount,
        "effective_date": effective_date}), columns=COLUMNS)


@app.command("list")
def list_(
    user: str = typer.Option(None, "--user", "--user-id", help=_USER),
    org: str = typer.Option(None, "--org", "--org-id", help=_ORG),
    cursor: str = typer.Option(None, "--cursor", help="Cursor from a previous page."),
    limit: int = typer.Option(None, "--limit", help="Rates per page (max 100)."),
) -> None:
    """A person's rates, newest effective date first (Admin).

    Example: alloy labor-rate list --user dev@acme.com --format json | jq '.data[0].loaded_rate_cents'
    """
    user_id, org_id = _who(user, org)
    show_list("laborrates.history", COLUMNS, people={"user_id": "user"}, user_id=user_id, org_id=org_id,
              query=page_query(cursor, limit))


@app.command()
def current(
    user: str = typer.Option(None, "--user", "--user-id", help=_USER),
    org: str = typer.Option(None, "--org", "--org-id", help=_ORG),
    date: str = typer.Option(None, "--date", help="The day to look at, YYYY-MM-DD "
                             "(default: today)."),
) -> None:
    """The rate in force today, or on --date (Admin); plain output prints its cents.

    Example: alloy labor-rate current --user dev@acme.com --format plain
    """
    user_id, org_id = _who(user, org)
    emit(call("laborrates.current", user_id=user_id, org_id=org_id, query={"date": date}),
         columns=COLUMNS, plain="loaded_rate_cents")


@app.command()
def get(rate_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Show one labor rate by id (Admin).

    Example: alloy labor-rate get $LABOR_RATE_ID --format json
    """
    emit(call("laborrates.get", rate_id=rate_id), columns=COLUMNS)
