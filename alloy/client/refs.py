"""What a person types, turned into what an operation takes: the one reference resolver.

- project: UUID or key (`BACK`, any case);
- ticket: UUID, `KEY-N` (any case), or bare `N` / `#N` in a default project;
- sprint: UUID, exact name (unique within its project) or an unambiguous id prefix;
- org: UUID, slug, or exact name where unique among the caller's organizations;
- user: UUID, email (any case), or display name where unique among an org's members.

A project key or `KEY-N` is looked up in the active organization first; when it is not
there but is in exactly one of the caller's other organizations, that one is used and `note`
(if given) hears where it was found — the CLI prints it as a hint line on stderr. Found in
several, it is ambiguous (422); found nowhere, the active org's error stands.

Every face (CLI, TUI, MCP) calls these with its client, so a reference means the same thing
embedded and remote. Lookups are server-side operations (`tickets.resolve`,
`projects.get_by_key`, `sprints.resolve`); a UUID costs no call when only its id is needed.
Failures are `alloy.errors` exceptions that quote what the person typed.
"""

from __future__ import annotations

from collections.abc import Callable

from alloy.domain.values import is_uuid, ticket_number
from alloy.errors import Invalid, NotFound

Note = Callable[[str], None] | None


def is_number(ref: str) -> bool:
    """A bare ticket number (`42`, `#42`): it needs a default project to mean anything."""
    return ticket_number(ref.strip()) is not None


def _elsewhere(client, ref: str, active: str | None, find: Callable[[str], dict],
               note: Note) -> dict:
    """`find` (which raised NotFound in the active org) tried in the caller's other orgs."""
    hits = []
    for o in my_orgs(client):
        if o["id"] == active:
            continue
        try:
            hits.append((o, find(o["id"])))
        except NotFound:
            continue
    if len(hits) > 1:
        raise Invalid(f"'{ref}' is in {len(hits)} of your other organizations: switch to one "
                      "or name it", [{"field": "org", "message": f"{o['name']} ({o['slug']})"}
                                     for o, _ in hits])
    if not hits:
        raise NotFound(f"'{ref}' not found")  # replaced by the active org's error
    o, found = hits[0]
    if note:
        note(f"'{ref}' is in organization {o['name']} ({o['slug']}), not the active one")
    return found


def _anywhere(client, ref: str, org_id: str | None, find: Callable[[str | None], dict],
              note: Note) -> dict:
    """`find` in `org_id` (None: the client's active org), else in exactly one other org."""
    try:
        return find(org_id)
    except NotFound as missing:
        active = org_id or getattr(client, "org_id", None)
        try:
            return _elsewhere(client, ref, active, find, note)
        except NotFound:
            raise missing from None


def project(client, ref: str, *, org_id: str | None = None, note: Note = None) -> dict:
    """A project by UUID, or by key in `org_id` (default: the client's current org), else in
    the one other org of the caller's that has the key."""
    ref = ref.strip()
    if is_uuid(ref):
        return client.call("projects.get", project_id=ref)
    return _anywhere(client, ref, org_id, lambda org: client.call(
        "projects.get_by_key", key=ref, query={"org_id": org}), note)


def project_id(client, ref: str, *, org_id: str | None = None, note: Note = None) -> str:
    ref = ref.strip()
    return ref if is_uuid(ref) else project(client, ref, org_id=org_id, note=note)["id"]


def ticket(client, ref: str, *, project: str | None = None, org_id: str | None = None,
           note: Note = None) -> dict:
    """A ticket by UUID, `KEY-N` or bare `N`; `project` (UUID or key) is where `N` lives.
    `KEY-N` not in `org_id` is looked for in the caller's other orgs (module docstring)."""
    ref = ref.strip()
    if is_number(ref) and not project:
        raise Invalid(f"'{ref}' is a bare ticket number: write KEY-{ref.lstrip('#')} or "
                      "choose a default project (`alloy project use KEY`)",
                      [{"field": "ref", "message": "a bare number needs a project"}])

    def find(org: str | None) -> dict:
        return client.call("tickets.resolve", query={
            "ref": ref, "project_id": project, "org_id": org})["ticket"]

    if is_uuid(ref) or is_number(ref):
        return find(org_id)
    return _anywhere(client, ref, org_id, find, note)


def ticket_id(client, ref: str, *, project: str | None = None,
              org_id: str | None = None, note: Note = None) -> str:
    ref = ref.strip()
    return ref if is_uuid(ref) else ticket(client, ref, project=project, org_id=org_id,
                                           note=note)["id"]


def ticket_ids(client, refs: list[str], *, project: str | None = None,
               org_id: str | None = None, note: Note = None) -> list[str]:
    """Several references, in order (each `KEY-N` is one lookup; UUIDs cost nothing)."""
    return [ticket_id(client, r, project=project, org_id=org_id, note=note)
            for r in refs if r.strip()]


def sprint(client, ref: str, *, project: str | None = None, org_id: str | None = None) -> dict:
    """A sprint by UUID, name or id prefix: in `project` (UUID or key) if given, else in
    the organization's projects."""
    ref = ref.strip()
    if is_uuid(ref):
        return client.call("sprints.get", sprint_id=ref)
    return client.call("sprints.resolve", query={
        "ref": ref, "project_id": project, "org_id": org_id})


def sprint_id(client, ref: str, *, project: str | None = None,
              org_id: str | None = None) -> str:
    ref = ref.strip()
    return ref if is_uuid(ref) else sprint(client, ref, project=project, org_id=org_id)["id"]


def my_orgs(client) -> list[dict]:
    """Every organization the caller belongs to."""
    mine, cursor = [], None
    while True:  # a person belongs to a handful of organizations: one page in practice
        page = client.call("orgs.list", query={"limit": 100, "cursor": cursor})
        mine += page["items"]
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            return mine


def org(client, ref: str) -> dict:
    """One of the caller's organizations by UUID, slug or exact name (any case)."""
    ref = ref.strip()
    if is_uuid(ref):
        return client.call("orgs.get", org_id=ref)
    mine = my_orgs(client)
    found = ([o for o in mine if o["slug"].lower() == ref.lower()]
             or [o for o in mine if o["name"] == ref]
             or [o for o in mine if o["name"].lower() == ref.lower()])
    if not found:
        raise NotFound(f"no organization '{ref}' among yours: give its id, slug or name")
    if len(found) > 1:
        raise Invalid(f"'{ref}' matches {len(found)} organizations: give its slug or id",
                      [{"field": "org", "message": f"{o['name']} ({o['slug']}, {o['id']})"}
                       for o in found])
    return found[0]


def org_id(client, ref: str) -> str:
    ref = ref.strip()
    return ref if is_uuid(ref) else org(client, ref)["id"]


def _members(client, org_id: str) -> list[dict]:
    members, cursor = [], None
    while True:
        page = client.call("orgs.list_members", org_id=org_id,
                           query={"limit": 100, "cursor": cursor})
        members += page["items"]
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            return members


def user(client, ref: str, *, org_id: str | None = None) -> dict:
    """A member of `org_id` (default: the caller's current org) by UUID, email or display
    name; the membership row (`user_id`, `email`, `display_name`, `role`)."""
    ref = ref.strip()
    org_id = org_id or client.call("auth.me").get("org_id")
    if not org_id:
        raise Invalid(f"'{ref}' names a person, and no organization is selected to look in: "
                      "give a user id, or choose an organization (`alloy org switch`)",
                      [{"field": "user", "message": "no organization selected"}])
    people = _members(client, org_id)
    low = ref.lower()
    found = ([m for m in people if m["user_id"].lower() == low]
             or [m for m in people if (m.get("email") or "").lower() == low]
             or [m for m in people if m.get("display_name") == ref]
             or [m for m in people if (m.get("display_name") or "").lower() == low])
    if not found:
        raise NotFound(f"no member '{ref}' in this organization: give their id, email or name")
    if len(found) > 1:
        raise Invalid(f"'{ref}' matches {len(found)} members: give their email or id",
                      [{"field": "user", "message": f"{m['display_name']} ({m['email']}, "
                        f"{m['user_id']})"} for m in found])
    return found[0]


def user_id(client, ref: str, *, org_id: str | None = None) -> str:
    """A user id: a UUID costs no call (it may name someone outside the org's list, as
    before); an email or name is looked up among the org's members."""
    ref = ref.strip()
    return ref if is_uuid(ref) else user(client, ref, org_id=org_id)["user_id"]
