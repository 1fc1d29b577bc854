"""What a person types, turned into what an operation takes: the one reference resolver.

- project: UUID or key (`BACK`, any case);
- ticket: UUID, `KEY-N` (any case), or bare `N` / `#N` in a default project;
- sprint: UUID, exact name (unique within its project) or an unambiguous id prefix;
- org: UUID, slug, or exact name where unique among the caller's organizations;
- user: UUID, email (any case), or display name where unique among an org's members;
- team, label, workflow: UUID or exact name (any case) within an organization;
- a tagged entity: by the reference its type takes (`entity_id`).

A project key or `KEY-N` is looked up in the active organization first; when it is not
there but is in exactly one of the caller's other organizations, that one is used and `note`
(if given) hears where it was found — the CLI prints it as a hint line on stderr. Found in
several, it is ambiguous (422); found nowhere, the active org's error stands.

Every face (CLI, TUI, MCP) calls these with its client, so a reference means the same thing
embedded and remote. Lookups are server-side operations (`tickets.resolve`,
`projects.get_by_key`, `sprints.resolve`); a UUID costs no call when only its id is needed.
Failures are `alloy.errors` exceptions that quote what the person typed. What is found is
the operation's answer as `Client.run` gives it (a `Project`, `Ticket`, `Org`, `Membership`
Struct): a field read by a wrong name fails in the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from alloy.domain.values import is_uuid, ticket_key, ticket_number
from alloy.errors import Invalid, NotFound

if TYPE_CHECKING:  # the answers' types; the operations import them when they run
    from alloy.domain.flow import Sprint
    from alloy.domain.identity import Membership, Org
    from alloy.domain.work import Project, Ticket

Note = Callable[[str], None] | None


def is_number(ref: str) -> bool:
    """A bare ticket number (`42`, `#42`): it needs a default project to mean anything."""
    return ticket_number(ref.strip()) is not None


def _elsewhere(client, ref: str, active: str | None, find: Callable[[str], Any],
               note: Note) -> Any:
    """`find` (which raised NotFound in the active org) tried in the caller's other orgs."""
    hits = []
    for o in my_orgs(client):
        if o.id == active:
            continue
        try:
            hits.append((o, find(o.id)))
        except NotFound:
            continue
    if len(hits) > 1:
        raise Invalid(f"'{ref}' is in {len(hits)} of your other organizations: switch to one "
                      "or name it", [{"field": "org", "message": f"{o.name} ({o.slug})"}
                                     for o, _ in hits])
    if not hits:
        raise NotFound(f"'{ref}' not found")  # replaced by the active org's error
    o, found = hits[0]
    if note:
        note(f"'{ref}' is in organization {o.name} ({o.slug}), not the active one")
    return found


def _anywhere(client, ref: str, org_id: str | None, find: Callable[[str | None], Any],
              note: Note) -> Any:
    """`find` in `org_id` (None: the client's active org), else in exactly one other org."""
    try:
        return find(org_id)
    except NotFound as missing:
        active = org_id or getattr(client, "org_id", None)
        try:
            return _elsewhere(client, ref, active, find, note)
        except NotFound:
            raise missing from None


def project(client, ref: str, *, org_id: str | None = None, note: Note = None) -> Project:
    """A project by UUID, or by key in `org_id` (default: the client's current org), else in
    the one other org of the caller's that has the key."""
    ref = ref.strip()
    if is_uuid(ref):
        return client.run("projects.get", project_id=ref)
    return _anywhere(client, ref, org_id, lambda org: client.run(
        "projects.get_by_key", key=ref, query={"org_id": org}), note)


def project_id(client, ref: str, *, org_id: str | None = None, note: Note = None) -> str:
    ref = ref.strip()
    return ref if is_uuid(ref) else project(client, ref, org_id=org_id, note=note).id


def ticket(client, ref: str, *, project: str | None = None, org_id: str | None = None,
           note: Note = None) -> Ticket:
    """A ticket by UUID, `KEY-N` or bare `N`; `project` (UUID or key) is where `N` lives.
    `KEY-N` not in `org_id` is looked for in the caller's other orgs (module docstring)."""
    ref = ref.strip()
    if is_number(ref) and not project:
        raise Invalid(f"'{ref}' is a bare ticket number: write KEY-{ref.lstrip('#')} or "
                      "choose a default project (`alloy project use KEY`)",
                      [{"field": "ref", "message": "a bare number needs a project"}])

    def find(org: str | None) -> Ticket:
        return client.run("tickets.resolve", query={
            "ref": ref, "project_id": project, "org_id": org}).ticket

    if is_uuid(ref) or is_number(ref):
        return find(org_id)
    return _anywhere(client, ref, org_id, find, note)


def ticket_id(client, ref: str, *, project: str | None = None,
              org_id: str | None = None, note: Note = None) -> str:
    ref = ref.strip()
    return ref if is_uuid(ref) else ticket(client, ref, project=project, org_id=org_id,
                                           note=note).id


def ticket_ids(client, refs: list[str], *, project: str | None = None,
               org_id: str | None = None, note: Note = None) -> list[str]:
    """Several references, in order (each `KEY-N` is one lookup; UUIDs cost nothing)."""
    return [ticket_id(client, r, project=project, org_id=org_id, note=note)
            for r in refs if r.strip()]


def ticket_list(client, text: str, *, project: str | None = None,
                org_id: str | None = None, named: dict | None = None) -> list[str]:
    """A comma-separated list as a person writes it (`BACK-1,2,WEB-7,8`): a bare number
    after a `KEY-N` is in that key's project, else in `project`; UUIDs as given. `named`,
    if given, receives id -> `KEY-N` for the tickets written by key or number."""
    ids, home = [], project
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key = None if is_uuid(part) else ticket_key(part)
        if key:
            home = key[0]
        ids.append(ticket_id(client, part, project=home, org_id=org_id))
        number = key[1] if key else ticket_number(part)
        if named is not None and number is not None and home and not is_uuid(home):
            named[ids[-1]] = f"{home.upper()}-{number}"
    return ids


def sprint(client, ref: str, *, project: str | None = None, org_id: str | None = None) -> Sprint:
    """A sprint by UUID, name or id prefix: in `project` (UUID or key) if given, else in
    the organization's projects."""
    ref = ref.strip()
    if is_uuid(ref):
        return client.run("sprints.get", sprint_id=ref)
    return client.run("sprints.resolve", query={
        "ref": ref, "project_id": project, "org_id": org_id})


def sprint_id(client, ref: str, *, project: str | None = None,
              org_id: str | None = None) -> str:
    ref = ref.strip()
    return ref if is_uuid(ref) else sprint(client, ref, project=project, org_id=org_id).id


def my_orgs(client) -> list[Org]:
    """Every organization the caller belongs to (a handful: one page in practice)."""
    return _all(client, "orgs.list")


def org(client, ref: str) -> Org:
    """One of the caller's organizations by UUID, slug or exact name (any case)."""
    ref = ref.strip()
    if is_uuid(ref):
        return client.run("orgs.get", org_id=ref)
    mine = my_orgs(client)
    found = ([o for o in mine if o.slug.lower() == ref.lower()]
             or [o for o in mine if o.name == ref]
             or [o for o in mine if o.name.lower() == ref.lower()])
    if not found:
        raise NotFound(f"no organization '{ref}' among yours: give its id, slug or name")
    if len(found) > 1:
        raise Invalid(f"'{ref}' matches {len(found)} organizations: give its slug or id",
                      [{"field": "org", "message": f"{o.name} ({o.slug}, {o.id})"}
                       for o in found])
    return found[0]


def org_id(client, ref: str) -> str:
    ref = ref.strip()
    return ref if is_uuid(ref) else org(client, ref).id


def user(client, ref: str, *, org_id: str | None = None) -> Membership:
    """A member of `org_id` (default: the caller's current org) by UUID, email or display
    name; the membership row (`user_id`, `email`, `display_name`, `role`)."""
    ref = ref.strip()
    org_id = org_id or client.run("auth.me").org_id
    if not org_id:
        raise Invalid(f"'{ref}' names a person, and no organization is selected to look in: "
                      "give a user id, or choose an organization (`alloy org switch`)",
                      [{"field": "user", "message": "no organization selected"}])
    people = _all(client, "orgs.list_members", org_id=org_id)
    low = ref.lower()
    found = ([m for m in people if m.user_id.lower() == low]
             or [m for m in people if m.email.lower() == low]
             or [m for m in people if m.display_name == ref]
             or [m for m in people if m.display_name.lower() == low])
    if not found:
        raise NotFound(f"no member '{ref}' in this organization: give their id, email or name")
    if len(found) > 1:
        raise Invalid(f"'{ref}' matches {len(found)} members: give their email or id",
                      [{"field": "user", "message": f"{m.display_name} ({m.email}, {m.user_id})"}
                       for m in found])
    return found[0]


def user_id(client, ref: str, *, org_id: str | None = None) -> str:
    """A user id: a UUID costs no call (it may name someone outside the org's list, as
    before); an email or name is looked up among the org's members."""
    ref = ref.strip()
    return ref if is_uuid(ref) else user(client, ref, org_id=org_id).user_id


def _all(client, op: str, **path) -> list:
    """Every row of a list operation, page by page (an org's members, teams, labels)."""
    rows, cursor = [], None
    while True:
        page = client.run(op, **path, query={"limit": 100, "cursor": cursor})
        if isinstance(page, list):  # an operation answering every row at once
            return rows + page
        rows += page.items
        cursor = page.next_cursor
        if not cursor or not page.has_more:
            return rows


def named(client, what: str, ref: str, *, org_id: str) -> Any:
    """An org's team, label or workflow (`what`) by UUID or exact name (any case)."""
    ref = ref.strip()
    rows = _all(client, f"{what}s.list", org_id=org_id)
    found = ([r for r in rows if r.id == ref] or [r for r in rows if r.name == ref]
             or [r for r in rows if r.name.lower() == ref.lower()])
    if not found:
        raise NotFound(f"no {what} '{ref}' in this organization: give its id or name")
    if len(found) > 1:
        raise Invalid(f"'{ref}' matches {len(found)} {what}s: give its id",
                      [{"field": what, "message": f"{r.name} ({r.id})"} for r in found])
    return found[0]


def named_id(client, what: str, ref: str, *, org_id: str | None) -> str:
    """A team/label/workflow id: a UUID costs no call; a name is looked up in `org_id`."""
    ref = ref.strip()
    if is_uuid(ref):
        return ref
    org_id = org_id or client.run("auth.me").org_id
    return named(client, what, ref, org_id=org_id).id


def entity_id(client, entity_type: str, ref: str, *, project: str | None = None,
              org_id: str | None = None) -> str:
    """The id of what a tag is on, named the way a person names that kind of thing: a
    project key, a ticket `KEY-N`, a user's email or name, a team's name, a sprint's name
    (time entries by id). A UUID is used as given."""
    ref = ref.strip()
    kind = entity_type.strip().lower().replace("-", "_")
    if is_uuid(ref) or kind in ("time_entry", "time_entries"):
        return ref
    if kind in ("project", "projects"):
        return project_id(client, ref, org_id=org_id)
    if kind in ("ticket", "tickets"):
        return ticket_id(client, ref, project=project, org_id=org_id)
    if kind in ("user", "users"):
        return user_id(client, ref, org_id=org_id)
    if kind in ("team", "teams"):
        return named_id(client, "team", ref, org_id=org_id)
    if kind in ("sprint", "sprints"):
        return sprint_id(client, ref, project=project, org_id=org_id)
    return ref
