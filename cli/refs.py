"""The CLI side of smart references: defaults and usage errors over `alloy.client.refs`.

What a reference means (UUID, key, `KEY-N`, bare `N`, sprint name, org slug) is decided
once, in `alloy.client.refs`; this module adds what only the command line knows: the
default project (ALLOY_PROJECT_ID, else the one saved by `alloy project use`), the current
organization, and a usage error (exit 2) when a bare number has no project to live in.
"""

import sys

from alloy.cli.session import client, current_org, load_credentials, settings


def _core():
    """alloy.client.refs, imported when a reference is resolved (not by `alloy --help`)."""
    from alloy.client import refs

    return refs


def default_project() -> str | None:
    """The default project (UUID or key): ALLOY_PROJECT_ID, else `alloy project use`."""
    chosen = settings().client.project_id
    if chosen:
        return chosen
    creds = load_credentials()
    return creds.get("project_id") or creds.get("project_key")


def org_or_none() -> str | None:
    """The current organization if one is chosen (ALLOY_ORG_ID, else the saved one)."""
    from alloy.client.connect import saved_org

    return saved_org(None, settings=settings())


def hint(message: str) -> None:
    """Where a reference was found when not in the active org: one line on stderr."""
    print(f"hint: {message}; `alloy org switch` to it makes it the active one",
          file=sys.stderr)


def project(ref: str):
    """A project by UUID or key (keys are looked up in the current organization, then in
    the one other organization of yours that has it)."""
    return _core().project(client(), ref, org_id=org_or_none(), note=hint)


def project_id(ref: str | None, flag: str = "--project") -> str:
    """The project a command is about: the flag, else the default project, else ask on a
    terminal, else a usage error naming the flag."""
    ref = ref or default_project()
    if ref:
        return _core().project_id(client(), ref, org_id=org_or_none(), note=hint)
    from alloy.cli import prompt

    return prompt.require(None, f"{flag} (or set a default with `alloy project use KEY`)",
                          prompt.pick_project)


def optional_project_id(ref: str | None) -> str | None:
    """A filter flag's project (UUID or key), or None when not given."""
    return _core().project_id(client(), ref, org_id=org_or_none(), note=hint) if ref else None


def resolve(ref: str):
    """The ticket a reference names (UUID, `KEY-N`, or bare `N` in the default project): a
    `Ticket` Struct."""
    home = default_project()
    if _core().is_number(ref) and not home:
        from alloy.cli.output import UsageError

        raise UsageError(f"'{ref.strip()}' is a bare ticket number: set a project first "
                         "with `alloy project use KEY`, or write KEY-N.")
    from alloy.errors import Invalid

    try:
        return _core().ticket(client(), ref, project=home, org_id=org_or_none(), note=hint)
    except Invalid as bad:  # not a reference at all: the command line is wrong (exit 2)
        if any(d.get("field") == "ref" for d in bad.details):
            from alloy.cli.output import UsageError

            raise UsageError(bad.message) from None
        raise


def ticket_id(ref: str) -> str:
    """A ticket's id: a UUID is used directly, anything else is resolved."""
    from alloy.domain.values import is_uuid

    return ref.strip() if is_uuid(ref.strip()) else resolve(ref).id


def ticket_ids(text: str, flag: str = "--ticket-ids", named: dict | None = None) -> list[str]:
    """A comma-separated list of ticket references (`BACK-1,2,3`, UUIDs, numbers: a bare
    number after KEY-N is in that key's project, else in the default project)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if parts and _core().is_number(parts[0]) and not default_project():
        resolve(parts[0])  # the usage error that names `alloy project use`
    ids = _core().ticket_list(client(), text, project=default_project(), org_id=org_or_none(),
                              named=named)
    if not ids:
        from alloy.cli.output import UsageError

        raise UsageError(f"{flag}: give at least one ticket")
    return ids


def sprint_id(ref: str, project: str | None = None) -> str:
    """A sprint by UUID, name or id prefix, in `project` or the default project, else in
    the current organization."""
    return _core().sprint_id(client(), ref, project=project or default_project(), org_id=org_or_none())


def org_id(ref: str | None) -> str:
    """An organization flag (UUID, slug or name), else the current organization."""
    return _core().org_id(client(), ref) if ref else current_org()


def is_person(ref: str | None) -> bool:
    """A person flag that needs a lookup: an email or a name, not a UUID or `none`."""
    from alloy.domain.values import is_uuid

    return bool(ref and none_or(ref) is not None and not is_uuid(ref.strip()))


def user_id(ref: str | None, project: str | None = None, org: str | None = None) -> str | None:
    """A person flag (`--assignee`, `--user`): UUID, email or display name among the
    members of `org`, else `project`'s organization, else the current one; None and `none`
    pass through."""
    if not is_person(ref):
        return ref.strip() if ref else ref
    if org is None:
        org = _core().project(client(), project, org_id=org_or_none()).org_id if project \
            else org_or_none()
    return _core().user_id(client(), ref, org_id=org)


def none_or(value: str | None):
    """CLI spelling of null: `none` (any case) unsets a field."""
    return None if value is not None and value.lower() in ("none", "null") else value


def warn(result) -> None:
    """A typed answer's `warning` (a move a `warn` workflow does not allow) on stderr."""
    if result is not None and result.warning:
        print(f"warning: {result.warning}", file=sys.stderr)


def named_id(what: str, ref: str | None, org: str | None = None) -> str | None:
    """A `--team-id`/`--workflow-id`/`--label` flag: UUID or name in the organization;
    None and `none` pass through."""
    if ref is None or none_or(ref) is None:
        return ref if ref is None else None
    return _core().named_id(client(), what, ref, org_id=org or org_or_none())


def entity_id(entity_type: str, ref: str, org: str | None = None) -> str:
    """What `tag --entity-id` names, by its type: project key, ticket KEY-N, email, team
    name, or an id."""
    return _core().entity_id(client(), entity_type, ref, project=default_project(),
                             org_id=org or org_or_none())
