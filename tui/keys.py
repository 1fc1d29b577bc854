"""Keys on the tickets screen are routed by mode, one at a time, in the order they arrive.

Textual queues a key at the focused widget and runs its bindings when it bubbles back up, so
a mode switch (`:` `/`) or a focus change took effect one key late: typed fast or pasted,
`:sort title` ran `s` (Status) in Normal mode. The app hands each key of the tickets screen
to `route` before the next one is dispatched: in Normal mode it runs the bindings from the
focused view upward; while the command line is open it edits the line. Focus changes are
immediate (`set_focus`, not the deferred `focus()`). Other screens and popups keep Textual's
own routing.
"""

from __future__ import annotations

from alloy.tui.widgets.vim import GPrefix
from textual import events

EDITING = ("COMMAND", "SEARCH")


async def route(screen, event: events.Key | events.Paste) -> bool:
    """True when the key (or paste) was handled here."""
    if isinstance(event, events.Paste):
        return screen.command_mode.paste(event.text)
    app = screen.app
    if await app._check_bindings(event.key, priority=True):
        return True
    if screen.mode in EDITING:
        await screen.command_mode.feed(event)
        return True
    if isinstance(app.focused, GPrefix):
        app.focused.note_key(event.key)
    return await app._check_bindings(event.key)
