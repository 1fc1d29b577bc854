"""Every key binding, with a stable id and a description (the help overlay and docs read these).

Vim navigation keys live on the widget classes that use them (they import their lists from
here); actions on the main screen; global keys on the app.
"""

from __future__ import annotations

from textual.binding import Binding


def b(key: str, action: str, description: str, id: str, show: bool = False) -> Binding:
    return Binding(key, action, description, show=show, id=id)


GLOBAL = [
    b("colon", "command_mode", "Enter Command mode", "global.command"),
    b("slash", "search_mode", "Enter Search mode", "global.search"),
    b("question_mark", "help", "Show help overlay", "global.help"),
    b("q", "back_or_quit", "Quit (or back: detail to where it came from, board to list)",
      "global.quit"),
    b("escape", "normal", "Return to Normal mode / back", "global.escape"),
]

# Navigation shared by the ticket list, board columns, popups' lists.
NAV = [
    b("j,down", "cursor_down", "Move down", "nav.down"),
    b("k,up", "cursor_up", "Move up", "nav.up"),
    b("g", "g_prefix", "gg: jump to top", "nav.top"),
    b("G", "cursor_bottom", "Jump to bottom", "nav.bottom"),
]

TABLE = NAV + [
    b("enter", "open", "Open ticket detail", "list.open"),
    b("tab", "cycle_project", "Cycle project filter", "list.cycle_project"),
]

DETAIL = [
    b("j,down", "scroll_down", "Scroll down", "detail.down"),
    b("k,up", "scroll_up", "Scroll up", "detail.up"),
    b("g", "g_prefix", "gg: scroll to top", "detail.top"),
    b("G", "scroll_end", "Scroll to bottom", "detail.bottom"),
]

BOARD = NAV + [
    b("h,left", "column(-1)", "Previous column", "board.left"),
    b("l,right", "column(1)", "Next column", "board.right"),
    b("tab", "column(1)", "Next column", "board.next"),
    b("shift+tab", "column(-1)", "Previous column", "board.prev"),
    b("enter", "open", "Open ticket detail", "board.open"),
    b("b", "burndown", "Toggle burndown chart", "board.burndown"),
]

ACTIONS = [
    b("s", "status", "Change status", "action.status", show=True),
    b("a", "assign", "Assign ticket", "action.assign", show=True),
    b("c", "comment", "Add comment", "action.comment", show=True),
    b("p", "priority", "Change priority", "action.priority", show=True),
    b("n", "new_or_next", "Create ticket (next match while searching)", "action.create",
      show=True),
    b("N", "prev_match", "Previous search match", "search.prev"),
    b("e,i", "edit", "Edit title and description (Insert mode)", "action.edit", show=True),
    b("l", "labels", "Manage labels", "action.labels", show=True),
    b("L", "labels", "Manage labels (sprint board)", "action.labels_board"),
    b("t", "log_time", "Log time", "action.time", show=True),
    b("d", "delete", "Delete ticket", "action.delete", show=True),
    b("D", "cascade_delete", "Cascade delete (ticket + dependents)", "action.cascade"),
]

POPUP = NAV + [
    b("enter", "select", "Confirm / submit", "popup.select"),
    b("escape", "cancel", "Cancel / close", "popup.cancel"),
]


def all_bindings() -> list[Binding]:
    return GLOBAL + TABLE + DETAIL + BOARD + ACTIONS + POPUP


def keys_of(bindings) -> set[str]:
    return {k.strip() for binding in bindings for k in binding.key.split(",")}
