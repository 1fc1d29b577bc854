"""`e`: edit a ticket in `$VISUAL` / `$EDITOR`, as `git commit` and `gh issue edit` do.

The ticket becomes a Markdown file (the title on the first line, a blank line, then the
description); the app is suspended while the editor runs. What comes back is checked here,
without Textual, so the rules are plain functions: an unchanged or empty file, or an editor
that exits non-zero, cancels.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from contextlib import nullcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alloy.domain.work import Ticket


class Cancelled(Exception):
    """The edit was abandoned; the message says why (shown to the user)."""


def editor_command() -> list[str] | None:
    """`$VISUAL`, else `$EDITOR` (either may carry arguments: `code --wait`); None if unset."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return shlex.split(value)
    return None


def to_text(ticket: Ticket) -> str:
    return f"{ticket.title}\n\n{ticket.description or ''}".rstrip("\n") + "\n"


def parse(text: str, before: str) -> dict:
    """{"title", "description"} from the edited file; Cancelled when nothing is to be saved."""
    if text.strip() == "":
        raise Cancelled("Edit cancelled: the file was empty")
    if text.rstrip() == before.rstrip():
        raise Cancelled("Edit cancelled: nothing changed")
    title, _, rest = text.lstrip("\n").partition("\n")
    title, description = title.strip(), rest.strip("\n").rstrip()
    if not title:
        raise Cancelled("Edit cancelled: the first line (the title) was empty")
    return {"title": title, "description": description or None}


def edit(app, ticket: Ticket, command: list[str]) -> dict:
    """Run the editor on the ticket (the app suspended around it); the fields to save."""
    before = to_text(ticket)
    handle, path = tempfile.mkstemp(prefix=f"alloy-{ticket.key}-", suffix=".md")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(before)
        with suspended(app):
            try:
                code = subprocess.call([*command, path])
            except OSError as err:
                raise Cancelled(f"Edit cancelled: cannot run {command[0]}: {err}") from None
        if code != 0:
            raise Cancelled(f"Edit cancelled: {command[0]} exited with status {code}")
        with open(path, encoding="utf-8") as f:
            return parse(f.read(), before)
    finally:
        os.unlink(path)


def suspended(app):
    """Give the terminal to the editor. Headless (tests, no terminal) there is nothing to
    give back, so the editor just runs."""
    return nullcontext() if app.is_headless else app.suspend()


def can_run(app) -> bool:
    """An editor is set and the terminal can be handed to it (not in a browser)."""
    return editor_command() is not None and (app.is_headless or
                                             getattr(app._driver, "can_suspend", False))
