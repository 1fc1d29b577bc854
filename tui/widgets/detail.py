"""Ticket detail: fields, description (word-wrapped), comments and the latest activity (who
acted through which credential), scrolled with vim keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
from alloy.tui import keymap
from alloy.tui.widgets.links import Links, render_links
from alloy.tui.widgets.vim import GPrefix
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from alloy.actor import via_label
from alloy.domain.display import printable

if TYPE_CHECKING:
    from alloy.domain.comments import Comment
    from alloy.domain.labels import Label
    from alloy.domain.work import Activity, Ticket

RECENT = 20  # activity lines shown: the latest, oldest first


def _day(stamp: str | None) -> str:
    return (stamp or "")[:10]


def render_detail(t: Ticket, show, sprint: str, comments: list[Comment], labels: list[Label],
                  activity: list[Activity] = (), links: Links | None = None) -> Text:
    """Everything people wrote goes through `printable`: stored escape codes are shown."""
    def who(user_id):
        return printable(show(user_id) or "")

    out = Text()
    out.append(f"{t.key}  ", style="bold")
    out.append(f"{printable(t.title)}\n\n", style="bold")
    rows = [("Status", printable(t.status), "Priority", t.priority.value),
            ("Assignee", who(t.assignee_id) or "—", "Reporter", who(t.reporter_id) or "—"),
            ("Sprint", printable(sprint) or "—", "Created", _day(t.created_at)),
            ("Labels", ", ".join(printable(lb.name) for lb in labels) or "—", "Updated",
             _day(t.updated_at))]
    for a, av, b, bv in rows:
        out.append(f"{a + ':':<10}", style="bold")
        out.append(f"{av:<24}")
        out.append(f"{b + ':':<10}", style="bold")
        out.append(f"{bv}\n")
    out.append_text(render_links(links))
    out.append("\nDescription\n", style="bold")
    out.append("─" * 36 + "\n")
    out.append(printable(t.description or "(no description)") + "\n")
    out.append("\nComments\n", style="bold")
    out.append("─" * 36 + "\n")
    if not comments:
        out.append("(no comments)\n", style="dim")
    for c in comments:
        out.append(f"{who(c.author_id)} ({_day(c.created_at)}): ", style="bold")
        out.append(f"{printable(c.body)}\n")
    if activity:
        out.append("\nActivity\n", style="bold")
        out.append("─" * 36 + "\n")
    for a in list(activity)[-RECENT:]:
        out.append(f"{_day(a.timestamp)} {who(a.actor) or '—'} ", style="bold")
        out.append(f"{printable(a.type)} ")
        via = msgspec.structs.asdict(a.via) if a.via else None  # via_label reads a dict
        out.append(f"via {printable(via_label(via))}\n", style="dim")
    return out


class TicketDetail(GPrefix, VerticalScroll, can_focus=True):
    BINDINGS = keymap.DETAIL
    DEFAULT_CSS = """
    TicketDetail { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    TicketDetail > Static { width: 1fr; }
    """

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.border_title = "Ticket"
        self.ticket: Ticket | None = None

    def compose(self):
        yield Static(id="detail-body")

    def show(self, ticket: Ticket, who, sprint: str = "", comments=(), labels=(),
             activity=(), links: Links | None = None) -> None:
        self.ticket = ticket
        self.query_one("#detail-body", Static).update(render_detail(
            ticket, who, sprint, list(comments), list(labels), list(activity), links))

    def jump_top(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_down(self) -> None:
        self.scroll_relative(y=1, animate=False)

    def action_scroll_up(self) -> None:
        self.scroll_relative(y=-1, animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)
