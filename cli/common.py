"""Small helpers every command group shares.

Two ways to run an operation, one rule for choosing: `run` answers the operation's result
type (Structs), and is what a command uses whenever it reads a field of the answer, so a
misspelt field is an AttributeError in the tests, not a silent `None` for a user. `call`
answers JSON-shaped data, for a command that only prints the answer; `shown` turns a typed
answer that was read into that same data, to print it (or to add display-only fields).
"""

from alloy.cli.output import as_list, emit
from alloy.cli.session import client


def run(name: str, **kw):
    """Run operation `name` on this invocation's client (made once, closed at exit): its
    declared result type (Structs, `Page[...]`, bytes, or None)."""
    return client().run(name, **kw)


def call(name: str, **kw):
    """`run`, answered as JSON-shaped data (dicts and lists): what the command prints."""
    return client().call(name, **kw)


def shown(result):
    """A typed answer (or a dict/list holding some) as the JSON-shaped data `call` gives."""
    import msgspec

    return msgspec.to_builtins(result)


def page_query(cursor: str | None, limit: int | None) -> dict:
    return {"cursor": cursor, "limit": limit}


def show_list(name: str, columns: list[str], plain: str = "id", main: str | None = None,
              people: dict[str, str] | None = None, **kw) -> None:
    """Operation `name`'s page (a `Page`) in the chosen format. `columns` and `main` shape the table
    (cli/tables.py); for each `field: column` of `people`, the table's `column` names the
    member whose user id is in the typed row's `field` (display name, else email)."""
    from alloy.cli.output import fmt

    page = run(name, **kw)
    listing = as_list(shown(page))
    if people and fmt() == "table":
        name_of = member_names()
        for item, row in zip(page.items, listing["data"], strict=True):
            for field, column in people.items():
                who = getattr(item, field)
                row[column] = name_of.get(who, who) if who else None
    emit(listing, columns=columns, plain=plain, main=main)


def member_names(org_id: str | None = None) -> dict[str, str]:
    """user id -> display name (else email) among the current organization's members; best
    effort for tables: a person outside it (or a refused lookup) is shown by id."""
    from alloy.cli.refs import org_or_none

    from alloy.errors import AlloyError

    try:
        org_id = org_id or org_or_none() or run("auth.me").org_id
        page = run("orgs.list_members", org_id=org_id, query={"limit": 100})
    except AlloyError:  # names are a nicety; the table still renders
        return {}
    return {m.user_id: m.display_name or m.email for m in page.items}


def nothing_to_change(command: str, flags: str):
    """The usage error of an update given no field: what to type instead (exit 2)."""
    from alloy.cli.output import UsageError

    return UsageError(f"nothing to change: give {flags} (see `alloy {command} --help`)")
