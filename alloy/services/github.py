"""GitHub integration: pull request activity moves the tickets it references.

The HTTP face (server/integrations/github.py) verifies the webhook signature; everything
else is here. A pull request's title, head branch and body are scanned for ticket
references (`ALLOY-42`; branch names may be lower case: `alloy-42-fix-login`), and each
referenced ticket is moved like `alloy ticket transition` would move it:

- opened / reopened        -> InReview
- closed and merged        -> Done
- closed without merging   -> InProgress

Target names match the workflow's spelling (`In Review` = `InReview`), and the move goes
through the transition operation itself, so the project's workflow, its enforcement, the
audit log and outgoing webhooks all apply. A ref that names no ticket is listed in
`not_found`; a move the workflow refuses is listed in `failed`; neither is an error.

The integration acts in one organization (ALLOY_GITHUB_ORG_ID, else the server's only org)
as that org's first Owner, so permission checks and RLS apply unchanged.
"""

from __future__ import annotations

import json
import re

from alloy.dispatch import run_as
from alloy.errors import AlloyError, BadRequest, Invalid, NotFound
from alloy.integrations import acting_actor

# Upper-case keys anywhere; in branch names any case (branches are usually lower case).
_REF = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Z0-9]{0,9})-(\d{1,9})(?![0-9])")
_REF_ANY_CASE = re.compile(_REF.pattern, re.IGNORECASE)

TARGETS = {"opened": "InReview", "reopened": "InReview"}


def refs_in(title: str, branch: str, body: str = "") -> list[str]:
    """Ticket references in a PR's title, head branch and body, deduplicated, in that order."""
    found = _REF.findall(title or "")
    found += _REF_ANY_CASE.findall(branch or "")
    found += _REF.findall(body or "")
    return list(dict.fromkeys(f"{key.upper()}-{int(num)}" for key, num in found))


def target_for(action: str, merged: bool) -> str | None:
    """The status a PR action moves its tickets to, or None when it moves nothing."""
    if action == "closed":
        return "Done" if merged else "InProgress"
    return TARGETS.get(action)


def _pull_request(raw: bytes) -> tuple[str, dict]:
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise BadRequest("request body must be a JSON object")
    action, pr = payload.get("action"), payload.get("pull_request")
    problems = []
    if not isinstance(action, str) or not action:
        problems.append({"field": "action", "message": "expected a string"})
    if not isinstance(pr, dict):
        problems.append({"field": "pull_request", "message": "expected an object"})
    else:
        for field in ("title", "body"):
            if pr.get(field) is not None and not isinstance(pr[field], str):
                problems.append({"field": f"pull_request.{field}",
                                 "message": "expected a string"})
        if pr.get("head") is not None and not isinstance(pr["head"], dict):
            problems.append({"field": "pull_request.head", "message": "expected an object"})
    if problems:
        raise Invalid("invalid pull_request payload: "
                      + ", ".join(p["field"] for p in problems), problems)
    return action, pr


def handle(env, event: str, raw: bytes) -> dict:
    """Answer one verified webhook delivery (`event` is the X-GitHub-Event header)."""
    if event not in ("ping", "pull_request"):
        return {"status": "ignored", "reason": f"event '{event}' is not handled"}
    # A misconfigured server says so at GitHub's ping.
    actor = acting_actor(env, "github")
    if event == "ping":
        return {"status": "ok"}
    action, pr = _pull_request(raw)
    target = target_for(action, pr.get("merged") is True)
    if target is None:
        return {"status": "ignored", "reason": f"pull_request action '{action}' moves no ticket"}
    refs = refs_in(pr.get("title") or "", (pr.get("head") or {}).get("ref") or "",
                   pr.get("body") or "")
    result = {"status": "processed", "ticket_refs_found": refs, "transitions": [],
              "not_found": [], "failed": []}
    if not refs:
        return result
    for ref in refs:
        try:
            ticket = run_as(env, actor, "tickets.resolve",
                            query={"ref": ref, "org_id": actor.org_id}).ticket
        except (NotFound, Invalid):
            result["not_found"].append(ref)
            continue
        try:
            moved = run_as(env, actor, "transitions.transition", ticket_id=ticket.id,
                           body={"to_status": target})
        except AlloyError as e:
            result["failed"].append({"ticket_ref": ref, "old_status": ticket.status,
                                     "error": e.message})
            continue
        entry = {"ticket_ref": ref, "old_status": ticket.status, "new_status": moved.status}
        if moved.warning:
            entry["warning"] = moved.warning
        result["transitions"].append(entry)
    return result
