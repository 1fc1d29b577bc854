"""Saved views as tabs across the top of the ticket list: `0 All │ 1 My bugs │ 2 Triage`.

Hidden while the user has no views (the screen keeps its rows). `1`-`9` run a view (a
server search, as `:filter QUERY`), `0` goes back to every ticket; the tab whose query is
the list's current search is highlighted, so a `/` search of one's own shows no tab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from alloy.domain.views import View

MAX_TABS = 9


class ViewTabs(Static):
    DEFAULT_CSS = "ViewTabs { height: 1; background: $panel; padding: 0 1; }"

    def __init__(self, **kw) -> None:
        super().__init__("", **kw)
        self.views: list[View] = []
        self.display = False

    def set_views(self, views: list[View]) -> None:
        self.views = views[:MAX_TABS]
        self.display = bool(self.views)

    def show_for(self, search: str, asked: bool) -> None:
        """Highlight All (no search), or the view whose query the server was `asked`."""
        if not self.views:
            return
        active = 0 if not search else None if not asked else next(
            (n for n, v in enumerate(self.views, 1) if v.query == search), None)
        line = Text(no_wrap=True, overflow="ellipsis")
        for n, label in enumerate(["All", *(v.name for v in self.views)]):
            if n:
                line.append(" │ ", style="dim")
            line.append(f"{n} ", style="bold" if n == active else "dim")
            line.append(label, style="reverse bold" if n == active else "")
        self.update(line)
