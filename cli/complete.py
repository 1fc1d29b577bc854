"""What a flag's value completes to at TAB time (Typer's `autocompletion=`).

Each completer is made by `choices`: a fixed list (priorities, formats, roles...), and for some a
lookup run only while completing (project keys, the default project's workflow statuses),
never on a normal run. A lookup that fails (no login, no database) falls back to the fixed
list, so TAB never prints an error. The elvish script, which is static, lists the fixed
values (`values_of`).
"""

from alloy.domain import enums


def choices(values, lookup=None):
    """A Typer `autocompletion` function offering `values` (or, while completing, what
    `lookup(client)` finds); the fixed values stay readable as its `.values`."""
    fixed = tuple(values)

    def complete(incomplete: str) -> list[str]:
        """Values starting with what was typed, in any case, kept in the case typed (the
        CLI reads them case-insensitively; shells keep only words that extend the input)."""
        found = fixed
        if lookup is not None:
            try:
                found = tuple(_with_client(lookup)) or fixed
            except Exception:  # noqa: BLE001 - completion must never fail loudly
                pass
        low = incomplete.lower()
        return [incomplete + v[len(incomplete):] for v in found if v.lower().startswith(low)]

    complete.values = fixed
    return complete


def values_of(param) -> tuple[str, ...]:
    """The fixed values of a click parameter whose Typer `autocompletion` came from `choices` (for
    the static elvish script); () for any other parameter."""
    import inspect

    fn = getattr(param, "_custom_shell_complete", None)
    if fn is None:
        return ()
    try:
        found = inspect.getclosurevars(fn).nonlocals.get("autocompletion")
    except (TypeError, ValueError):
        return ()
    return getattr(getattr(found, "__wrapped__", found), "values", ())


def _with_client(lookup) -> list[str]:
    """Run `lookup(client)` on a client of its own (completion runs outside a command)."""
    from alloy.client.connect import connect, saved_login

    client = connect(saved_login(None))
    try:
        return lookup(client)
    finally:
        client.close()


def _project_keys(client) -> list[str]:
    from alloy.client.connect import saved_org

    page = client.run("projects.list", query={"org_id": saved_org(None), "limit": 100})
    return [p.key for p in page.items]


def _statuses(client) -> list[str]:
    """The default project's workflow statuses (else the built-in ones)."""
    from alloy.cli.refs import default_project, org_or_none

    from alloy.client import refs

    home = default_project()
    if not home:
        return []
    project = refs.project(client, home, org_id=org_or_none())
    if not project.workflow_id:
        return []
    return [s.name for s in client.run("workflows.get", workflow_id=project.workflow_id).statuses]


PRIORITY = choices(enums.PRIORITIES)
STATUS = choices(enums.STATUSES, _statuses)
SPRINT_STATUS = choices(enums.SPRINT_STATUSES)
ENTRY_STATUS = choices(enums.ENTRY_STATUSES)
ACTIVITY = choices(enums.ACTIVITY_TYPES)
ROLE = choices(enums.ROLES)
ENFORCEMENT = choices(("none", "warn", "strict"))
FORMAT = choices(enums.OUTPUT_FORMATS)
SHELL = choices(("bash", "zsh", "fish", "powershell", "elvish"))
PROJECT = choices((), _project_keys)
