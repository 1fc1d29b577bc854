"""What a project-restricted credential may do: the one place that says it.

An API key with `project_ids` acts only on those projects. The project-level operations
below check each project themselves (`alloy.services.projects.check_access`, or filtered
lists); every other operation acts at org level (members, invites, webhooks, identity
providers, workflows, labels, rates, import, new projects) and answers 403 to such a key.
Unlisted means org level, so a new operation is closed to restricted keys until it is
classified here (tests/test_security_keys.py checks every operation is).
"""

from __future__ import annotations

from alloy.errors import Forbidden

PROJECT_LEVEL = frozenset({
    # who am I, my own keys (a key mints only keys as narrow as itself: services/apikeys.py)
    "auth.me", "apikeys.create", "apikeys.list", "apikeys.revoke",
    # reading the org a key belongs to, its people and its shared vocabulary
    "orgs.list", "orgs.get", "orgs.list_members", "teams.list", "teams.get",
    "teams.list_members", "labels.list", "labels.get", "workflows.list", "workflows.get",
    # projects, tickets and what hangs off them, each checked against the key's projects
    "projects.list", "projects.get", "projects.summary", "projects.get_by_key",
    "projects.update", "projects.delete", "projects.add_member", "projects.list_members",
    "projects.remove_member",
    "tickets.create", "tickets.list", "tickets.get", "tickets.resolve", "tickets.update",
    "tickets.delete", "tickets.batch_update", "tickets.batch_delete", "tickets.activity",
    "tickets.search",
    "comments.create", "comments.list", "comments.get", "comments.update", "comments.delete",
    "labels.set_for_ticket", "labels.list_for_ticket", "labels.add_to_ticket",
    "labels.remove_from_ticket", "labels.batch_assign",
    "tags.set", "tags.get", "tags.delete", "tags.search",
    "transitions.transition", "transitions.available", "transitions.available_alt",
    "transitions.batch",
    "sprints.create", "sprints.list", "sprints.get", "sprints.resolve", "sprints.update",
    "sprints.start", "sprints.complete", "sprints.batch_assign", "sprints.delete",
    "sprints.board", "sprints.burndown",
    "timeentries.create", "timeentries.submitted", "timeentries.get", "timeentries.update",
    "timeentries.delete", "timeentries.submit", "timeentries.approve", "timeentries.reject",
    "timeentries.list_for_ticket", "timeentries.list_for_user",
    "reports.capitalization", "reports.capitalization_export", "io.export_data",
    "attachments.presign", "attachments.confirm", "attachments.list",
})


def restricted(actor) -> bool:
    return actor is not None and actor.allowed_project_ids is not None


def require_org_level(actor, what: str = "this operation") -> None:
    """403 for a project-restricted credential: it may not act at org level."""
    if restricted(actor):
        raise Forbidden(f"this API key is restricted to projects: {what} acts on the "
                        "whole organization")


def check(op, actor) -> None:
    """Refuse an org-level operation to a project-restricted actor (called by dispatch)."""
    if op.auth and op.name not in PROJECT_LEVEL:
        require_org_level(actor, op.name)
