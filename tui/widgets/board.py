"""Sprint board: tickets in status columns (h/l across, j/k within) and a burndown panel.

It shows the board operation's answer as it comes (`Board`: a `Sprint` and `Column`s of
`Ticket`s, and a `Burndown`); a ticket changed here is re-filed in a column of that answer.
"""

from __future__ import annotations

from alloy.tui import keymap
from alloy.tui.widgets.links import BLOCKED
from alloy.tui.widgets.vim import GPrefix
from rich.text import Text
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from alloy.domain import enums
from alloy.domain.display import printable
from alloy.domain.flow import Burndown, Sprint
from alloy.domain.flow import Column as BoardColumn
from alloy.domain.work import Ticket

SPARK = "▁▂▃▄▅▆▇█"
_CLOSED = {name for name, category in enums.DEFAULT_STATUSES
           if category in enums.CLOSED_CATEGORIES}


def closed(column: BoardColumn) -> bool:
    """Work that is over: the column's category says so (any workflow); a column without
    one counts when its status is a closed status of the Default workflow."""
    category = column.category
    return category in enums.CLOSED_CATEGORIES if category else column.status in _CLOSED


def done_count(columns: list[BoardColumn]) -> int:
    return sum(len(c.tickets) for c in columns if closed(c))


def sparkline(values: list[int]) -> str:
    if not values:
        return ""
    top = max(values) or 1
    return "".join(SPARK[min(len(SPARK) - 1, v * (len(SPARK) - 1) // top)] for v in values)


def burndown_text(sprint: Sprint, columns: list[BoardColumn], burndown: Burndown | None) -> Text:
    """Date range, total/done/remaining, completion %, and a sparkline of completed work."""
    data = burndown.data if burndown else []
    total = sum(len(c.tickets) for c in columns)
    done = done_count(columns)
    pct = round(100 * done / total) if total else 0
    out = Text()
    out.append(f"{printable(sprint.name)} ({sprint.start_date} → {sprint.end_date})  {pct}%\n",
               style="bold")
    out.append(f"Total: {total}  Done: {done}  Remaining: {total - done}\n")
    out.append(sparkline([d.completed_tickets for d in data
                          if d.completed_tickets is not None]) or "(no burndown data yet)")
    return out


class Cards(VerticalScroll, can_focus=False):
    """A column's cards, one line each; keeps card `follow` (if any) in view, also when
    its size is known only after a layout."""

    DEFAULT_CSS = """
    Cards { height: 1fr; scrollbar-size-vertical: 1; }
    Cards > Static { text-wrap: nowrap; text-overflow: ellipsis; }
    """
    follow: int | None = None

    def __init__(self) -> None:
        self.body = Static()  # held, not queried: it may be painted before it is mounted
        super().__init__(self.body, can_focus=False)

    def show(self, text: Text, follow: int | None) -> None:
        self.body.update(text)
        self.follow = follow
        self.keep_in_view()

    def keep_in_view(self) -> None:
        if self.follow is None or not self.is_mounted:
            return
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        if self.follow < top:
            self.scroll_to(y=self.follow, animate=False, immediate=True)
        elif self.follow >= top + height:
            self.scroll_to(y=self.follow - height + 1, animate=False, immediate=True)

    def watch_virtual_size(self) -> None:
        self.keep_in_view()

    def on_resize(self) -> None:
        self.keep_in_view()


class Column(Vertical):
    def __init__(self) -> None:
        self.head, self.cards = Static(classes="head"), Cards()
        super().__init__(self.head, self.cards, classes="column")


class SprintBoard(GPrefix, Vertical, can_focus=True):
    BINDINGS = keymap.BOARD
    DEFAULT_CSS = """
    SprintBoard { height: 1fr; }
    SprintBoard #columns { height: 1fr; }
    SprintBoard .column { width: 1fr; height: 1fr; border: round $secondary; padding: 0 0 0 1; }
    SprintBoard .column.current { border: round $accent; }
    SprintBoard .head { height: 1; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
    SprintBoard #burndown { height: 5; border: round $secondary; padding: 0 1; }
    SprintBoard #burndown.hidden { display: none; }
    """

    class Open(Message):
        def __init__(self, ticket: Ticket) -> None:
            super().__init__()
            self.ticket = ticket

    class Moved(Message):
        pass

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.sprint: Sprint | None = None
        self.columns: list[BoardColumn] = []
        self.col, self.row = 0, 0
        self._columns: list[Column] = []
        self.burndown: Burndown | None = None
        self.blocked: set[str] = set()  # ids of blocked tickets (alloy.tui.links)

    def compose(self):
        yield Horizontal(id="columns")
        panel = Static(id="burndown")
        panel.border_title = "Burndown"
        yield panel

    def show(self, sprint: Sprint, columns: list[BoardColumn], burndown: Burndown | None) -> None:
        self.sprint, self.columns, self.burndown = sprint, columns, burndown
        self.col = min(self.col, max(0, len(columns) - 1))
        self.row = 0
        holder = self.query_one("#columns", Horizontal)
        holder.remove_children()
        self._columns = [Column() for _ in columns]
        holder.mount_all(self._columns)
        self.query_one("#burndown", Static).remove_class("hidden")
        self.call_after_refresh(self._paint)

    @property
    def selected(self) -> Ticket | None:
        if not self.columns:
            return None
        tickets = self.columns[self.col].tickets
        return tickets[self.row] if 0 <= self.row < len(tickets) else None

    def replace(self, ticket: Ticket | None, ticket_id: str) -> None:
        """A ticket changed (or was deleted when `ticket` is None): re-file it by status."""
        for c in self.columns:
            c.tickets = [t for t in c.tickets if t.id != ticket_id]
        if ticket is not None:
            column = next((c for c in self.columns if c.status == ticket.status), None)
            if column is None:
                column = BoardColumn(status=ticket.status, category=None, tickets=[])
                self.columns.append(column)
                self.show(self.sprint, self.columns, self.burndown)
            column.tickets.append(ticket)
        self._paint()

    def _paint(self) -> None:
        """One line per card (long titles end in …), so card r is line r of its column."""
        for n, (column, widget) in enumerate(zip(self.columns, self._columns, strict=False)):
            widget.head.update(Text(
                f"{printable(column.status)} ({len(column.tickets)})", no_wrap=True,
                overflow="ellipsis"))
            text = Text(no_wrap=True, overflow="ellipsis", end="")
            for r, t in enumerate(column.tickets):
                style = "reverse" if (n, r) == (self.col, self.row) else ""
                mark = f" {BLOCKED}" if t.id in self.blocked else ""
                text.append(t.key + mark, style=f"{style} bold".strip())
                text.append(f" {printable(t.title)}", style=style)
                text.append("\n" if r < len(column.tickets) - 1 else "")
            widget.cards.show(text, self.row if n == self.col else None)
            widget.set_class(n == self.col, "current")
        self.query_one("#burndown", Static).update(
            burndown_text(self.sprint, self.columns, self.burndown))
        self.post_message(self.Moved())

    def repaint(self) -> None:
        self._paint()

    def _clamp(self) -> None:
        size = len(self.columns[self.col].tickets) if self.columns else 0
        self.row = max(0, min(self.row, size - 1))

    def action_column(self, step: int) -> None:
        if self.columns:
            self.col = (self.col + step) % len(self.columns)
            self._clamp()
            self._paint()

    def action_cursor_down(self) -> None:
        self.row += 1
        self._clamp()
        self._paint()

    def action_cursor_up(self) -> None:
        self.row -= 1
        self._clamp()
        self._paint()

    def jump_top(self) -> None:
        self.row = 0
        self._paint()

    def action_cursor_bottom(self) -> None:
        self.row = 10**9
        self._clamp()
        self._paint()

    def action_open(self) -> None:
        if self.selected:
            self.post_message(self.Open(self.selected))

    def action_burndown(self) -> None:
        self.query_one("#burndown", Static).toggle_class("hidden")

    @property
    def burndown_shown(self) -> bool:
        return not self.query_one("#burndown", Static).has_class("hidden")
