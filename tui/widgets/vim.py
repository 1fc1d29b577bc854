"""The `gg` prefix, shared by every list-like widget (table, detail, board, popup lists)."""

from __future__ import annotations


class GPrefix:
    """`gg` is two `g` presses in a row; any other key between them cancels the first.

    The app routes main-screen keys itself (see `alloy.tui.keys`), so those keys reach the
    widget as `note_key` calls; popup keys arrive as ordinary Key events (`on_key`).
    """

    _g = False

    def jump_top(self) -> None:
        raise NotImplementedError

    def note_key(self, key: str) -> None:
        if key != "g":
            self._g = False

    def on_key(self, event) -> None:
        self.note_key(event.key)

    def action_g_prefix(self) -> None:
        if self._g:
            self.jump_top()
        self._g = not self._g
