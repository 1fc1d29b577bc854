"""Smart references: projects by key or UUID, tickets by UUID, `KEY-N` or bare `N`.

Every command that takes a project or ticket comes through here, so the same reference
works everywhere; `KEY-N` and bare numbers are resolved by the `tickets.resolve` operation.
"""

from __future__ import annotations

import os
import sys

import typer
from alloy.cli.common import call
from alloy.cli.session import load_credentials

_UUID_LEN = 36
# Typer vendors click; its UsageError (exit code 2) is BadParameter's base class.
UsageError = typer.BadParameter.__bases__[0]


def is_uuid(text: str) -> bool:
    from alloy.domain.values import is_uuid as check

    return len(text) == _UUID_LEN and check(text)


def context_project() -> tuple[str | None, str | None]:
    """The default project: ALLOY_PROJECT_ID, else the one saved by `alloy project use`."""
    env = os.environ.get("ALLOY_PROJECT_ID")
    if env:
        return env, None
    creds = load_credentials()
    return creds.get("project_id"), creds.get("project_key")


def _org() -> str | None:
    return os.environ.get("ALLOY_ORG_ID") or load_credentials().get("org_id")


def project(ref: str) -> dict:
    """A project by UUID or key (keys are looked up in the current organization)."""
    if is_uuid(ref):
        return call("projects.get", project_id=ref)
    return call("projects.get_by_key", key=ref, query={"org_id": _org()})


def project_id(ref: str | None, flag: str = "--project") -> str:
    """The project a command is about: the flag, else the default project, else a usage error."""
    if ref:
        return ref if is_uuid(ref) else project(ref)["id"]
    pid, _ = context_project()
    if pid:
        return pid if is_uuid(pid) else project(pid)["id"]
    from alloy.cli import prompt

    return prompt.require(None, f"{flag} (or set a default with `alloy project use KEY`)",
                          prompt.pick_project)


def resolve(ref: str) -> dict:
    """The ticket a reference names, through GET /api/v1/tickets/resolve."""
    ref = ref.strip()
    query = {"ref": ref, "org_id": _org()}
    if ref.lstrip("#").isdigit():
        pid, _ = context_project()
        if not pid:
            raise UsageError(f"'{ref}' is a bare ticket number: set a project first "
                                   "with `alloy project use KEY`, or write KEY-N.")
        query["project_id"] = pid
    return call("tickets.resolve", query=query)["ticket"]


def ticket_id(ref: str) -> str:
    """A ticket's id: a UUID is used directly, anything else is resolved."""
    ref = ref.strip()
    return ref if is_uuid(ref) else resolve(ref)["id"]


def none_or(value: str | None):
    """CLI spelling of null: `none` (any case) unsets a field."""
    return None if value is not None and value.lower() in ("none", "null") else value


def confirm(question: str, yes: bool) -> None:
    """Destructive commands ask on a terminal; scripts (no TTY) and --yes proceed."""
    if yes or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return
    typer.confirm(question, abort=True)


def warn(result) -> None:
    if isinstance(result, dict) and result.get("warning"):
        print(f"warning: {result['warning']}", file=sys.stderr)
