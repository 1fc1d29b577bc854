"""Approvals (`A`): the org's submitted time entries, grouped by person and week; `a`
approves, `r` rejects with a reason. Only Owners and Admins may approve, so only they get in."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from alloy.tui import api, keymap
from alloy.tui.screens.base import ListScreen, hm, line
from rich.text import Text
from textual.widgets.option_list import Option

from alloy.domain.values import Role

if TYPE_CHECKING:
    from alloy.domain.time import TimeEntry


def week(day: str) -> tuple[str, str]:
    """(`2026-W10`, `Mar 02`): an entry's ISO week and that week's Monday."""
    d = datetime.date.fromisoformat(day)
    year, number, weekday = d.isocalendar()
    monday = d - datetime.timedelta(days=weekday - 1)
    return f"{year}-W{number:02d}", monday.strftime("%b %d")


def grouped(entries: list[TimeEntry], who) -> list[tuple[str, list[TimeEntry]]]:
    """[(heading, entries)] by person, then week, then day."""
    groups: dict[tuple, list[TimeEntry]] = {}
    for e in sorted(entries, key=lambda e: (who(e.user_id).lower(), e.date, e.id)):
        groups.setdefault((who(e.user_id), week(e.date)), []).append(e)
    return [(f"{name} · week {w} (from {monday}) · {len(es)} "
             f"entr{'y' if len(es) == 1 else 'ies'} · {hm(sum(e.duration_minutes for e in es))}",
             es) for (name, (w, monday)), es in groups.items()]


def open_approvals(app) -> None:
    """Push the screen for Owners and Admins; say why not to everyone else."""
    model = app.model

    def opened(role: Role | None) -> None:
        if role is None or not role.at_least(Role.Admin):
            app.notify(f"Approving time needs the Admin or Owner role; you are "
                       f"{role.value if role else 'not a member'} here.", title="approvals",
                       severity="warning")
            return
        app.push_screen(Approvals())
    app.io(api.role, model.org_id, model.user_id, done=opened, what="approvals")


class Approvals(ListScreen):
    BINDINGS = keymap.APPROVALS
    HEADING = "Approvals"
    HINTS = "approvals"

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[TimeEntry] = []
        self.rows: list[TimeEntry | None] = []  # per option: an entry, or None for a heading
        self.keys: dict[str, str] = {}  # ticket id -> key

    def action_reload(self) -> None:
        self.app.io(api.submitted, self.app.model.org_id, done=self.show, what="approvals")

    def key_of(self, entry: TimeEntry) -> str:
        """The ticket's key from the loaded tickets (else its project's key)."""
        if entry.ticket_id in self.keys:
            return self.keys[entry.ticket_id]
        project = self.app.model.project(entry.project_id)
        return f"{project.key}-?" if project else "?"

    def show(self, entries: list[TimeEntry]) -> None:
        self.entries = entries
        self.keys = {t.id: t.key for t in self.app.model.tickets}
        options, self.rows = [], []
        for heading, group in grouped(entries, self.app.model.who):
            options.append(Option(line(heading, "bold"), disabled=True))
            self.rows.append(None)
            for e in group:
                day = datetime.date.fromisoformat(e.date).strftime("%a %m-%d")
                options.append(Option(line(
                    f"  {day}  {self.key_of(e):<9} {hm(e.duration_minutes):>7}  "
                    f"{e.activity_type.value:<12} {e.description or ''}")))
                self.rows.append(e)
        self.fill(options or [Option(line("Nothing awaits approval.", "dim"), disabled=True)])
        total = sum(e.duration_minutes for e in entries)
        head = Text(f"{len(entries)} submitted entr{'y' if len(entries) == 1 else 'ies'}"
                    f" · {hm(total)}", style="bold")
        self.head(head)

    @property
    def selected(self) -> TimeEntry | None:
        at = self.at
        return self.rows[at] if at is not None and at < len(self.rows) else None

    def describe(self, e: TimeEntry) -> str:
        return f"{hm(e.duration_minutes)} of {self.app.model.who(e.user_id)} on " \
               f"{self.key_of(e)}"

    def action_approve(self) -> None:
        e = self.selected
        if e is not None:
            self.app.io(api.approve, e.id, done=lambda _: self.decided(e, "Approved"),
                        what="approve")

    def action_reject(self) -> None:
        e = self.selected
        if e is None:
            return
        from alloy.tui.popups import TextPopup

        def reason(text: str | None) -> None:
            if text:
                self.app.io(api.reject, e.id, text,
                            done=lambda _: self.decided(e, "Rejected"), what="reject")
        self.app.push_screen(TextPopup(f"Reject {self.describe(e)}: why?",
                                       "The reason (the person sees it)"), reason)

    def decided(self, entry: TimeEntry, verb: str) -> None:
        self.app.notify(f"{verb} {self.describe(entry)}")
        self.show([e for e in self.entries if e.id != entry.id])
