"""The frame every full screen shares: a titled border around a head line and a vim list,
and the key hints line below. Subclasses fill the list; all I/O goes through `app.io`."""

from __future__ import annotations

from alloy.tui.popups.base import VimList
from alloy.tui.widgets.statusbar import KeyHints
from rich.text import Text
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets.option_list import Option


def hm(minutes: int) -> str:
    """90 -> `1h 30m`; 45 -> `45m`."""
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def line(text: str, style: str = "") -> Text:
    """One list row: never wrapped, cut with … at the screen's edge (80 columns too)."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis", end="")


class ListScreen(Screen):
    HEADING = ""  # the frame's title
    HINTS = ""  # the keymap.HINTS context of the hints line
    DEFAULT_CSS = """
    ListScreen { layout: vertical; }
    ListScreen #frame { height: 1fr; border: round $accent; border-title-color: $text;
                        padding: 0 1; }
    ListScreen #head { height: auto; margin-bottom: 1; }
    ListScreen #items { height: 1fr; border: none; padding: 0; background: $surface;
                        text-wrap: nowrap; text-overflow: ellipsis; }
    ListScreen #items:focus { border: none; }
    """

    def compose(self):
        with Vertical(id="frame"):
            yield Static(id="head")
            yield VimList(id="items")
        yield KeyHints()

    def on_mount(self) -> None:
        self.query_one("#frame").border_title = self.HEADING
        self.query_one(KeyHints).show_for(self.HINTS)
        self.query_one(VimList).focus()
        self.action_reload()

    def action_reload(self) -> None:
        raise NotImplementedError

    def action_close(self) -> None:
        self.app.pop_screen()

    def head(self, text: Text | str) -> None:
        self.query_one("#head", Static).update(text)

    def fill(self, options: list[Option]) -> None:
        """Replace the rows, keeping the cursor where it was (clamped, on an enabled row)."""
        items = self.query_one(VimList)
        at = items.highlighted or 0
        items.clear_options()
        items.add_options(options)
        enabled = [i for i, o in enumerate(options) if not o.disabled]
        if enabled:
            items.highlighted = min((i for i in enabled if i >= at), default=enabled[-1])

    @property
    def at(self) -> int | None:
        return self.query_one(VimList).highlighted
