"""Every key binding, with a stable id and a description (the help overlay and docs read these).

Vim navigation keys live on the widget classes that use them (they import their lists from
here); the Normal-mode keys (GLOBAL, ACTIONS) on the tickets screen; My work, Approvals and
the popups have their own.
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
    b("H", "toggle_hints", "Show or hide the key hints line", "global.hints"),
    b("m", "my_work", "My work: my open tickets and my timer", "global.mywork"),
    b("A", "approvals", "Approvals: submitted time entries (Admin)", "global.approvals"),
    *[b(str(n), f"view_tab({n})", f"Saved view {n} (tabs at the top)", f"global.view{n}")
      for n in range(1, 10)],
    b("0", "view_tab(0)", "All tickets (leave a saved view)", "global.view0"),
]

# The `:` / `/` line (Enter runs, Backspace on an empty line leaves: Input's own keys).
COMMAND_LINE = [
    b("tab", "complete", "Auto-complete command name", "cmdline.complete"),
    b("up", "history(-1)", "Previous command from history", "cmdline.prev"),
    b("down", "history(1)", "Next command from history", "cmdline.next"),
    b("escape", "leave", "Cancel, return to Normal mode", "cmdline.escape"),
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
    b("e", "edit", "Edit title and description in $VISUAL/$EDITOR (else as i)",
      "action.edit", show=True),
    b("i", "edit_inline", "Edit title and description in a popup (Insert mode)",
      "action.edit_inline"),
    b("l", "labels", "Manage labels", "action.labels", show=True),
    b("L", "labels", "Manage labels (sprint board)", "action.labels_board"),
    b("t", "log_time", "Log time", "action.time", show=True),
    b("d", "delete", "Delete ticket", "action.delete", show=True),
    b("D", "cascade_delete", "Cascade delete (ticket + dependents)", "action.cascade"),
    b("o", "related", "Open a related ticket, the parent or a sub-issue", "action.related"),
]

# Screens over the main one (tui/screens/); their lists move with j/k, gg, G.
MY_WORK = [
    b("enter", "open", "Open ticket detail", "mywork.open"),
    b("space", "timer", "Start the timer on the ticket (stop it if it runs there)",
      "mywork.timer"),
    b("x", "stop", "Stop the timer, logging its time", "mywork.stop"),
    b("R", "reload", "Reload", "mywork.reload"),
    b("q,escape", "close", "Back to the ticket list", "mywork.close"),
]

APPROVALS = [
    b("a", "approve", "Approve the time entry", "approvals.approve"),
    b("r", "reject", "Reject the time entry (asks a reason)", "approvals.reject"),
    b("R", "reload", "Reload", "approvals.reload"),
    b("q,escape", "close", "Back to the ticket list", "approvals.close"),
]

SCREEN_SECTIONS = [("My work (m)", MY_WORK), ("Approvals (A)", APPROVALS)]

POPUP = NAV + [
    b("enter", "select", "Confirm / submit", "popup.select"),
    b("escape", "cancel", "Cancel / close", "popup.cancel"),
]


# The hints line: per view or mode, (binding ids, or a key as written, and a short label).
HINTS = {
    "list": [("global.help", "help"), (("nav.down", "nav.up"), "move"), ("list.open", "open"),
             ("action.status", "status"), ("action.assign", "assign"),
             ("action.priority", "priority"), ("action.comment", "comment"),
             ("action.create", "new"), ("global.search", "search"),
             ("global.mywork", "my work"), ("global.approvals", "approvals"),
             ("global.command", "command"), ("list.cycle_project", "project"),
             ("global.quit", "quit")],
    "detail": [("global.help", "help"), ("global.escape", "back"),
               (("detail.down", "detail.up"), "scroll"), ("action.status", "status"),
               ("action.comment", "comment"), ("action.edit", "edit"),
               ("action.labels", "labels"), ("action.time", "log time")],
    "board": [("global.help", "help"), ("global.escape", "back"),
              (("board.left", "board.right"), "column"), (("nav.down", "nav.up"), "card"),
              ("board.open", "open"), ("action.status", "status"),
              ("action.labels_board", "labels"), ("board.burndown", "burndown")],
    "mywork": [(("nav.down", "nav.up"), "move"),
               ("mywork.open", "open"), ("mywork.timer", "start/stop timer"),
               ("mywork.stop", "stop timer"), ("mywork.reload", "reload"),
               ("mywork.close", "back")],
    "approvals": [(("nav.down", "nav.up"), "move"), ("approvals.approve", "approve"),
                  ("approvals.reject", "reject"), ("approvals.reload", "reload"),
                  ("approvals.close", "back")],
    "COMMAND": [("Enter", "run"), ("cmdline.complete", "complete"),
                (("cmdline.prev", "cmdline.next"), "history"), ("cmdline.escape", "cancel")],
    "SEARCH": [("Enter", "keep matches"), ("cmdline.escape", "stop"),
               ("Backspace", "delete (on empty: leave)")],
    "INSERT": [("Tab", "next field"), ("Enter", "submit"), ("Esc", "cancel")],
}
_SHOWN = {"colon": ":", "slash": "/", "question_mark": "?", "escape": "Esc", "enter": "Enter",
          "tab": "Tab", "up": "↑", "down": "↓", "left": "←", "right": "→", "space": "Space",
          "shift+tab": "Shift+Tab", "backspace": "Backspace", "ctrl+s": "Ctrl+S"}


def shown_keys(keys: str) -> str:
    """A binding's keys as people write them: `j / ↓`, `?`, `Esc`."""
    return " / ".join(_SHOWN.get(k.strip(), k.strip()) for k in keys.split(","))


def hints(context: str) -> list[tuple[str, str]]:
    """[(keys as shown, label)] for a view ("list", "detail", "board") or a mode."""
    by_id = {x.id: x for x in all_bindings() + COMMAND_LINE}

    def shown(ref: str) -> str:
        if ref not in by_id:
            return ref
        key = by_id[ref].key.split(",")[0].strip()
        return _SHOWN.get(key, key)
    return [("/".join(shown(r) for r in (ids if isinstance(ids, tuple) else (ids,))), label)
            for ids, label in HINTS.get(context, ())]


def all_bindings() -> list[Binding]:
    return GLOBAL + TABLE + DETAIL + BOARD + ACTIONS + MY_WORK + APPROVALS + POPUP


def keys_of(bindings) -> set[str]:
    return {k.strip() for binding in bindings for k in binding.key.split(",")}
