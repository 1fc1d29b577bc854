"""The ticket table: a Line-API widget, so 10,000 rows cost only the lines on screen."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from alloy.tui import keymap
from alloy.tui.widgets.links import BLOCKED
from alloy.tui.widgets.vim import GPrefix
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from alloy.domain.display import printable

if TYPE_CHECKING:
    from alloy.domain.work import Ticket

COLUMNS = (("Key", 10), ("Title", 0), ("Status", 12), ("Assignee", 16), ("Priority", 9))
HEADER = Style(bold=True, underline=True)
PLAIN, CURSOR, CURSOR_UNFOCUSED = Style(), Style(reverse=True), Style(reverse=True, dim=True)
MATCH = Style(bold=True, color="magenta")
PRIORITY_COLOUR = {"Urgent": "red", "High": "yellow", "Medium": "cyan", "Low": "green"}
CATEGORY_COLOUR = {"backlog": "bright_black", "todo": "bright_white", "in_progress": "yellow",
                   "in_review": "magenta", "done": "green", "cancelled": "bright_black"}


@functools.lru_cache(maxsize=64)
def coloured(base: Style, colour: str | None) -> Style:
    """A cell's style: the row's, in the column's colour unless the row is the cursor's."""
    return base + Style(color=colour) if colour and not base.reverse else base


def fit(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return (text[: width - 1] + "…") if len(text) > width else text.ljust(width)


class TicketTable(GPrefix, ScrollView, can_focus=True):
    """Rows are `Ticket`s; the table keeps a cursor and posts `Open` on Enter."""

    BINDINGS = keymap.TABLE
    DEFAULT_CSS = "TicketTable { height: 1fr; overflow-x: hidden; }"

    class Open(Message):
        def __init__(self, ticket: Ticket) -> None:
            super().__init__()
            self.ticket = ticket

    class CycleProject(Message):
        pass

    class Moved(Message):
        pass

    def __init__(self, who=lambda user_id: user_id or "", category=lambda status: None,
                 **kw) -> None:
        super().__init__(**kw)
        self.border_title = "Tickets"
        self.category = category
        self.rows: list[Ticket] = []
        self.cursor = 0
        self.search = ""
        self.who = who
        self.blocked: set[str] = set()  # ids of blocked tickets (alloy.tui.links)

    # -- data ------------------------------------------------------------------------------
    def set_rows(self, rows: list[Ticket], search: str = "", keep: str | None = None) -> None:
        """Replace the rows; keep the cursor on ticket `keep` (an id) when it is still shown."""
        self.rows, self.search = rows, search.lower()
        if keep is not None:
            self.cursor = next((i for i, r in enumerate(rows) if r.id == keep), self.cursor)
        self.cursor = max(0, min(self.cursor, len(rows) - 1))
        self.virtual_size = Size(0, len(rows) + 1)  # no width: a resize changes nothing
        self._follow()
        self.refresh()
        self.post_message(self.Moved())

    @property
    def selected(self) -> Ticket | None:
        return self.rows[self.cursor] if self.rows else None

    def move_to(self, index: int) -> None:
        if not self.rows:
            return
        self.cursor = max(0, min(index, len(self.rows) - 1))
        self._follow()
        self.refresh()
        self.post_message(self.Moved())

    def _follow(self) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    # -- keys ------------------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def jump_top(self) -> None:
        self.move_to(0)

    def action_cursor_bottom(self) -> None:
        self.move_to(len(self.rows) - 1)

    def action_open(self) -> None:
        if self.selected:
            self.post_message(self.Open(self.selected))

    def action_cycle_project(self) -> None:
        self.post_message(self.CycleProject())

    def on_resize(self) -> None:
        self.virtual_size = Size(0, len(self.rows) + 1)
        self._follow()

    # -- rendering -------------------------------------------------------------------------
    @staticmethod
    @functools.lru_cache(maxsize=8)
    def widths(total: int) -> tuple[int, ...]:
        fixed = sum(w for _, w in COLUMNS) + len(COLUMNS) - 1
        return tuple(w or max(10, total - fixed) for _, w in COLUMNS)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = self.widths(width)
        if y == 0:
            text = " ".join(fit(name, w) for (name, _), w in zip(COLUMNS, widths, strict=True))
            return Strip([Segment(text.ljust(width)[:width], HEADER)]).crop(0, width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width)
        t = self.rows[index]
        base = PLAIN if index != self.cursor else CURSOR if self.has_focus else CURSOR_UNFOCUSED
        cells = (t.key + (f" {BLOCKED}" if t.id in self.blocked else ""), t.title, t.status,
                 self.who(t.assignee_id), t.priority.value)
        segments: list[Segment] = []
        for n, (value, w) in enumerate(zip(cells, widths, strict=True)):
            if n:
                segments.append(Segment(" ", base))
            segments.extend(self._cell(fit(printable(str(value)), w), n, base, t))
        return Strip(segments).adjust_cell_length(width).crop(0, width)

    def _cell(self, text: str, column: int, base: Style, ticket: Ticket):
        colour = CATEGORY_COLOUR.get(self.category(ticket.status) or "") if column == 2 \
            else PRIORITY_COLOUR.get(ticket.priority.value) if column == 4 else None
        style = coloured(base, colour)
        q = self.search
        at = text.lower().find(q) if q and column in (0, 1, 2) else -1
        if at < 0:
            return [Segment(text, style)]
        return [Segment(text[:at], style), Segment(text[at:at + len(q)], style + MATCH),
                Segment(text[at + len(q):], style)]
