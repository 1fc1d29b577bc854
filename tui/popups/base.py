"""The popup frame and the simple popups: select one, type a line, confirm, help."""

from __future__ import annotations

from alloy.tui import keymap
from alloy.tui.keymap import b
from alloy.tui.widgets.vim import GPrefix
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option


class VimList(GPrefix, OptionList):
    """An OptionList that also moves with j/k, gg and G."""

    BINDINGS = [
        b("j", "cursor_down", "Move selection down", "popup.down"),
        b("k", "cursor_up", "Move selection up", "popup.up"),
        b("g", "g_prefix", "gg: first", "popup.first"),
        b("G", "last", "Last", "popup.last"),
    ]

    def jump_top(self) -> None:
        self.action_first()


class Popup(ModalScreen):
    """Esc cancels; the mode follows focus (Insert in text fields, Normal elsewhere)."""

    BINDINGS = [b("escape", "cancel", "Cancel and close popup", "popup.cancel")]
    DEFAULT_CSS = """
    Popup { align: center middle; }
    Popup > Vertical { width: 64; max-width: 100%; height: auto; max-height: 100%;
                       border: round $accent; background: $surface; padding: 0 1; }
    Popup .title { text-style: bold; width: 1fr; }
    Popup .error { color: $error; }
    Popup VimList { height: auto; }
    Popup TextArea { height: 6; }
    """

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_mount(self) -> None:
        self.fit(self.app.size.height)

    def on_resize(self, event) -> None:
        self.fit(event.size.height)

    def fit(self, rows: int) -> None:
        """Lists take at most half the screen's height and scrolled text three quarters, so
        every popup, with its fields and its validation message, fits a 80x24 terminal.
        (Set in rows: Textual's auto height does not honour a `vh` maximum.)"""
        for part in self.query(VimList):
            part.styles.max_height = max(3, rows // 2)
        for part in self.query(VerticalScroll):
            part.styles.max_height = max(3, rows * 3 // 4)

    def on_descendant_focus(self, event) -> None:
        self._show_mode("INSERT" if isinstance(event.widget, (Input, TextArea)) else "NORMAL")

    def on_unmount(self) -> None:
        self._show_mode("NORMAL")

    def _show_mode(self, mode: str) -> None:
        """The mode shows in the status bar of the tickets screen, at the bottom of the
        stack (gone only while the app shuts down)."""
        if self.app.screen_stack:
            self.app.tickets.set_mode(mode)


class SelectPopup(Popup):
    """Pick one of `options` [(label, value)]; Enter returns the value."""

    def __init__(self, title: str, options: list[tuple[str, object]], current: int = 0) -> None:
        super().__init__()
        self.title_text, self.options, self.current = title, options, current

    def compose(self):
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield VimList(*[Option(label) for label, _ in self.options], id="choices")

    def on_mount(self) -> None:
        choices = self.query_one(VimList)
        choices.highlighted = self.current
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.options[event.option_index][1])


class ConfirmPopup(SelectPopup):
    """Yes/Cancel with Cancel highlighted by default; returns True only for Yes."""

    def __init__(self, title: str, yes: str = "Yes, delete", yes_first: bool = False) -> None:
        options = [(yes, True), ("Cancel", False)] if yes_first else \
            [("Cancel", False), (yes, True)]
        super().__init__(title, options, current=1 if yes_first else 0)

    def action_cancel(self) -> None:
        self.dismiss(False)


class TextPopup(Popup):
    """One line of free text; Enter submits (empty is refused)."""

    def __init__(self, title: str, placeholder: str = "") -> None:
        super().__init__()
        self.title_text, self.placeholder = title, placeholder

    def compose(self):
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Input(placeholder=self.placeholder, id="text")
            yield Static("", classes="error", id="error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.query_one("#error", Static).update("Type something, or Esc to cancel")
            return
        self.dismiss(event.value.strip())


class HelpPopup(Popup):
    """Every binding with its description, generated from the keymap."""

    BINDINGS = Popup.BINDINGS + [
        b("question_mark,q", "cancel", "Close help", "help.close"),
        b("j,down", "scroll(1)", "Scroll down", "help.down"),
        b("k,up", "scroll(-1)", "Scroll up", "help.up"),
    ]
    DEFAULT_CSS = "HelpPopup VerticalScroll { height: auto; }"

    def action_scroll(self, step: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=step, animate=False)

    def compose(self):
        from rich.table import Table

        sections = [("Global", keymap.GLOBAL), ("Ticket list", keymap.TABLE),
                    ("Ticket detail", keymap.DETAIL), ("Sprint board", keymap.BOARD),
                    ("Actions", keymap.ACTIONS), ("Popups", keymap.POPUP),
                    *keymap.SCREEN_SECTIONS,
                    ("Command line", keymap.COMMAND_LINE)]
        grid = Table.grid(padding=(0, 2))  # long descriptions wrap in their own column
        grid.add_column(no_wrap=True, min_width=9)
        grid.add_column(ratio=1)
        for title, bindings in sections:
            grid.add_row(f"[b]{title}[/b]", "")
            for binding in bindings:
                grid.add_row(" " + keymap.shown_keys(binding.key), binding.description)
        grid.add_row(" Enter", "Run the command / keep the search matches")
        grid.add_row(" Backspace", "Delete a character (on an empty line: back to Normal)")
        grid.add_row("[b]Commands[/b]", ":q  :filter status=X  :sort field:dir  :project KEY  "
                     ":sprint <id>|list|create|start|complete  :reload")
        with Vertical():
            yield Label("Help — Esc or ? to close", classes="title")
            with VerticalScroll():
                yield Static(grid)
