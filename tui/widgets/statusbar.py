"""The status bar: mode (coloured), connection state, context — and the `:` / `/` line."""

from __future__ import annotations

from alloy.tui import keymap
from rich.text import Text
from textual.containers import Horizontal
from textual.widgets import Input, Static

MODE_COLOURS = {"NORMAL": "blue", "INSERT": "green", "COMMAND": "yellow", "SEARCH": "magenta"}


class CommandLine(Input):
    """A one-line buffer with history (Up/Down) and completion (Tab); empty Backspace leaves.

    The app feeds it keys (`feed`) while it is open, so its rules apply in the order typed.
    """

    BINDINGS = keymap.COMMAND_LINE

    def __init__(self, completer=None, **kw) -> None:
        # no select-all on focus: keys typed before the Focus event lands would replace it
        super().__init__(select_on_focus=False, **kw)
        self.completer = completer
        self.history: list[str] = []
        self._at = 0
        self._outcome: str | None = None

    def start(self) -> None:
        self.value = ""
        self._at = len(self.history)
        self.display = True
        self.screen.set_focus(self)  # now: the next key must land here, not a key later

    async def feed(self, event) -> str | None:
        """Apply one key now (its binding, else the character); returns "submit" (Enter)
        or "leave" (Esc, Backspace on an empty line) when the line is done."""
        self._outcome = None
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if await self.app.run_action(binding.action, self):
                return self._outcome
        if event.is_printable:
            start, end = self.selection
            if start == end:
                self.insert_text_at_cursor(event.character)
            else:
                self.replace(event.character, start, end)
        return self._outcome

    def remember(self, line: str) -> None:
        if line and (not self.history or self.history[-1] != line):
            self.history.append(line)
        self._at = len(self.history)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self._at = max(0, min(len(self.history), self._at + step))
        self.value = self.history[self._at] if self._at < len(self.history) else ""
        self.cursor_position = len(self.value)

    def action_complete(self) -> None:
        if self.completer is None:
            return
        options = self.completer(self.value)
        if len(options) == 1:
            self.value = options[0]
        elif options:
            common = options[0]
            for o in options[1:]:
                while not o.startswith(common):
                    common = common[:-1]
            if len(common) > len(self.value):
                self.value = common
            else:
                self.app.notify("  ".join(o.rsplit(" ", 1)[-1] or o for o in options),
                                title="completions", timeout=3)
        self.cursor_position = len(self.value)

    async def action_submit(self) -> None:
        self._outcome = "submit"

    def action_delete_left(self) -> None:
        if not self.value:
            self._outcome = "leave"
            return
        super().action_delete_left()

    def action_leave(self) -> None:
        self._outcome = "leave"


class KeyHints(Static):
    """One line of the keys that matter here (lazygit/k9s style); `H` hides or shows it."""

    DEFAULT_CSS = "KeyHints { height: 1; padding: 0 1; color: $text-muted; }"

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.context = ""

    def show_for(self, context: str) -> None:
        if context == self.context:
            return
        self.context = context
        text = Text(no_wrap=True, overflow="ellipsis")
        for n, (keys, label) in enumerate(keymap.hints(context)):
            text.append(("  " if n else "") + keys, style="bold")
            text.append(f" {label}")
        self.update(text)


class StatusBar(Horizontal):
    DEFAULT_CSS = """
    StatusBar { height: 1; dock: bottom; background: $panel; }
    StatusBar > Static { width: auto; padding: 0 1; }
    StatusBar #mode { text-style: bold; color: black; }
    StatusBar #context { width: 1fr; }
    StatusBar #timer { display: none; }
    StatusBar CommandLine, StatusBar CommandLine:focus {
        width: 1fr; height: 1; border: none; padding: 0; display: none; }
    """

    def compose(self):
        yield Static("NORMAL", id="mode")
        yield Static("Connecting…", id="conn")
        yield Static("", id="timer")
        yield Static("", id="prompt")
        yield CommandLine(id="cmdline")
        yield Static("", id="context")

    def set_mode(self, mode: str, prompt: str = "") -> None:
        label = self.query_one("#mode", Static)
        label.update(Text(f"[{mode}]"))
        label.styles.background = MODE_COLOURS[mode]
        label.styles.color = "white" if mode == "NORMAL" else "black"  # readable on blue
        self.query_one("#prompt", Static).update(Text(prompt))
        self.query_one("#prompt", Static).display = bool(prompt)
        editing = mode in ("COMMAND", "SEARCH")
        self.query_one("#cmdline", CommandLine).display = editing
        self.query_one("#context", Static).display = not editing

    def set_connection(self, text: str) -> None:
        self.query_one("#conn", Static).update(Text(text))

    def set_timer(self, text: str) -> None:
        """The running timer (`⏱ PROJ-2`), or nothing."""
        timer = self.query_one("#timer", Static)
        timer.update(Text(text, style="bold green"))
        timer.display = bool(text)

    def set_context(self, text: str) -> None:
        self.query_one("#context", Static).update(Text(text), layout=False)  # 1fr wide: same size
