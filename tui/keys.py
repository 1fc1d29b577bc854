"""Keys are routed by mode in the app, one at a time, in the order they arrive.

Textual queues a key at the focused widget and runs its bindings when it bubbles back up, so
a mode switch (`:` `/`) or a focus change took effect one key late: typed fast or pasted,
`:sort title` ran `s` (Status) in Normal mode. On the main screen the app now applies each
key itself before the next one is dispatched: in Normal mode it runs the bindings from the
focused view upward; while the command line is open it edits the line. Focus changes are
immediate (`set_focus`, not the deferred `focus()`). Popups keep Textual's own routing.
"""

from __future__ import annotations

from alloy.tui.widgets.vim import GPrefix
from textual import events

EDITING = ("COMMAND", "SEARCH")


class KeyRouter:
    """Mixed into the app: needs `mode`, `_main`, `command_line`, `set_mode`, `submit_line`,
    `leave_line`, `search_for`."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded \
                and self.screen_stack and self.screen is self.screen_stack[0] \
                and await self._route(event):
            return
        await super().on_event(event)

    async def _route(self, event: events.Key | events.Paste) -> bool:
        """True when the key (or paste) was handled here."""
        if isinstance(event, events.Paste):
            return self._paste(event.text)
        if await self._check_bindings(event.key, priority=True):
            return True
        if self.mode in EDITING:
            await self.line_key(event)
            return True
        if isinstance(self.focused, GPrefix):
            self.focused.note_key(event.key)
        return await self._check_bindings(event.key)

    async def line_key(self, event: events.Key) -> None:
        line = self.command_line
        outcome = await line.feed(event)
        if outcome == "submit":
            self.submit_line()
        elif outcome == "leave":
            self.leave_line()
        elif self.mode == "SEARCH":
            self.search_for(line.value)

    def _paste(self, text: str) -> bool:
        """Pasted text goes into an open line; in Normal mode a paste that starts with `:`
        or `/` opens that line with the rest (nothing runs until Enter); others are
        ignored, as pasted text must not run Normal-mode keys."""
        first = text.splitlines()[0] if text else ""
        if self.mode not in EDITING:
            if first[:1] not in (":", "/"):
                return True
            (self.action_command_mode if first[0] == ":" else self.action_search_mode)()
            first = first[1:]
        line = self.command_line
        line.insert_text_at_cursor(first)
        if self.mode == "SEARCH":
            self.search_for(line.value)
        return True
