"""The tickets screen, the one the app opens on: the ticket list, a ticket's detail or a
sprint board (one at a time), the saved-view tabs, the key hints and the status bar with its
`:` / `/` line.

Its bindings are the Normal-mode keys of the TUI Guide; they act on this screen only, so a
screen or popup above it never sees them. What the keys do lives in components the screen
holds, one per concern: `actions` (the quick actions on the selected ticket),
`command_mode` (Command and Search mode), `sprints` (`:sprint` and the board), `links` (`o`,
the blocked marks).
"""

from __future__ import annotations

from alloy.tui import api, keymap, links
from alloy.tui.actions import TicketActions
from alloy.tui.command_mode import CommandMode
from alloy.tui.links import LinkActions
from alloy.tui.sprints import SprintCommands
from alloy.tui.widgets.board import SprintBoard, done_count
from alloy.tui.widgets.detail import TicketDetail
from alloy.tui.widgets.statusbar import CommandLine, KeyHints, StatusBar
from alloy.tui.widgets.table import TicketTable
from alloy.tui.widgets.viewtabs import ViewTabs
from textual.screen import Screen
from textual.widgets import ContentSwitcher


def detail_of(client, ticket_id: str) -> tuple:
    """What the detail view shows of a ticket (in a worker): the ticket afresh, its comments,
    labels, sprint name, activity and links."""
    fresh = api.ticket(client, ticket_id)
    comments = api.comments(client, ticket_id)
    activity = api.activity(client, ticket_id)
    labels = api.ticket_labels(client, ticket_id)
    sprint = api.sprint(client, fresh.sprint_id).name if fresh.sprint_id else ""
    return fresh, comments, labels, sprint, activity, links.fetch(client, fresh)


class TicketsScreen(Screen):
    BINDINGS = keymap.GLOBAL + keymap.ACTIONS
    DEFAULT_CSS = """
    TicketsScreen #views { height: 1fr; }
    TicketsScreen #list, TicketsScreen #detail {
        border: round $secondary; border-title-color: $text; }
    TicketsScreen #list:focus, TicketsScreen #detail:focus { border: round $accent; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.mode = "NORMAL"
        self.detail_from = "list"  # the view the detail was opened from (Esc/q go back)
        self.actions = TicketActions(self)
        self.command_mode = CommandMode(self)
        self.sprints = SprintCommands(self)
        self.links = LinkActions(self)

    @property
    def model(self):
        return self.app.model

    # -- layout ----------------------------------------------------------------------------
    def compose(self):
        yield ViewTabs()
        with ContentSwitcher(initial="list", id="views"):
            yield TicketTable(who=self.model.who, category=self.model.category_of, id="list")
            yield TicketDetail(id="detail")
            yield SprintBoard(id="board")
        yield KeyHints()
        yield StatusBar()

    def on_mount(self) -> None:
        self.command_line.completer = self.command_mode.complete
        self.set_mode("NORMAL")
        self.table.focus()
        bar = self.query_one(StatusBar)
        self.watch(self.app, "connection", bar.set_connection)
        self.watch(self.app, "timer", lambda timer: bar.set_timer(
            f"⏱ {timer.ticket_key}" if timer else ""))
        self.app.boot()  # now the answers have a screen to land on

    @property
    def table(self) -> TicketTable:
        return self.query_one(TicketTable)

    @property
    def detail(self) -> TicketDetail:
        return self.query_one(TicketDetail)

    @property
    def board(self) -> SprintBoard:
        return self.query_one(SprintBoard)

    @property
    def view(self) -> str:
        return self.query_one(ContentSwitcher).current or "list"

    @property
    def command_line(self) -> CommandLine:
        return self.query_one(CommandLine)

    def view_widget(self, name: str):
        return {"list": self.table, "detail": self.detail, "board": self.board}[name]

    def show_view(self, name: str) -> None:
        if name != "detail":  # a detail left behind must not reopen when its ticket changes
            self.detail.ticket = None
        self.query_one(ContentSwitcher).current = name
        self.set_focus(self.view_widget(name))  # now, so the next key goes there
        self.update_status()

    def back(self) -> None:
        """Leave the detail for the view it was opened from; leave the board for the list."""
        self.show_view(self.detail_from if self.view == "detail" else "list")

    def set_views(self, views: list) -> None:
        self.query_one(ViewTabs).set_views(views)

    # -- the list and the tickets shown ----------------------------------------------------
    def refresh_list(self) -> None:
        keep = self.table.selected.id if self.table.selected else None
        self.table.set_rows(self.model.refilter(), self.model.search, keep)
        self.update_status()

    def selected(self):
        """The ticket the current view points at (a `Ticket`), None (and a warning) if none."""
        ticket = {"list": self.table.selected, "detail": self.detail.ticket,
                  "board": self.board.selected}[self.view]
        if ticket is None:
            self.notify("No ticket selected", severity="warning")
        return ticket

    def ticket_changed(self, ticket) -> None:
        """Apply a ticket the server returned to every view that shows it."""
        self.model.replace(ticket)
        self.refresh_list()
        if self.showing(ticket.id):
            self.open_detail(ticket)
        if self.board.columns:
            self.board.replace(ticket, ticket.id)
        self.update_status()
        self.links.refresh_blocked()  # a ticket closing unblocks those it blocks

    def ticket_removed(self, ticket) -> None:
        self.model.remove(ticket.id)
        if self.board.columns:
            self.board.replace(None, ticket.id)
        if self.showing(ticket.id):
            self.back()
        self.refresh_list()
        self.notify(f"Deleted {ticket.key}")

    def showing(self, ticket_id: str) -> bool:
        """Is the detail view on screen, showing this ticket?"""
        return self.view == "detail" and self.detail.ticket is not None and \
            self.detail.ticket.id == ticket_id

    def reread_detail(self, ticket_id: str) -> None:
        if self.showing(ticket_id):
            self.open_detail(self.detail.ticket)

    def open_detail(self, ticket) -> None:
        """Show the ticket at once, then again with its comments, activity and links."""
        if self.view != "detail":
            self.detail_from = self.view
            self.show_view("detail")
        self.detail.show(ticket, self.model.who)

        def show(result):
            fresh, comments, labels, sprint, activity, related = result
            if self.showing(fresh.id):
                self.detail.show(fresh, self.model.who, sprint, comments, labels, activity,
                                 related)
                self.update_status()
        self.app.io(detail_of, ticket.id, done=show, what="ticket detail")

    def on_ticket_table_open(self, event) -> None:
        self.open_detail(event.ticket)

    def on_sprint_board_open(self, event) -> None:
        self.open_detail(event.ticket)

    def on_ticket_table_moved(self, _event) -> None:
        self.update_status()

    def on_sprint_board_moved(self, _event) -> None:
        self.update_status()

    def on_ticket_table_cycle_project(self, _event) -> None:
        self.model.cycle_project()
        self.refresh_list()

    # -- modes, the status bar and the hints -----------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.query_one(StatusBar).set_mode(mode, {"COMMAND": ":", "SEARCH": "/"}.get(mode, ""))
        self.update_hints()

    def context(self) -> str:
        if self.view == "board":
            b = self.board
            s = b.sprint
            total = sum(len(c.tickets) for c in b.columns)
            done = done_count(b.columns)
            pct = round(100 * done / total) if total else 0
            size = len(b.columns[b.col].tickets) if b.columns else 0
            dates = f"{s.name} {s.start_date}→{s.end_date}" if s else " →"
            return (f"{dates} "
                    f"{pct}% │ col {b.col + 1}/{len(b.columns)} row "
                    f"{min(b.row + 1, size)}/{size}")
        if self.view == "detail":
            t = self.detail.ticket
            return f"{t.key} {t.status}" if t else ""
        m = self.model
        if self.app.connect_problem and not m.org_id:
            return self.app.connect_problem
        shown = len(m.visible)
        text = f"[{m.project_label}] {self.table.cursor + 1 if shown else 0}/{shown}"
        if m.status:
            text += f" │ status={m.status}"
        if m.sort:
            text += f" │ sort {m.sort[0]}:{'desc' if m.sort[1] else 'asc'}"
        if m.search:
            text += f" │ /{m.search}"
        if self.app.loading:
            text += f" │ loading… {len(m.tickets):,}"
        return text

    def update_status(self) -> None:
        self.query_one(StatusBar).set_context(self.context())
        self.query_one(ViewTabs).show_for(self.model.search, asked=self.model.found is not None)
        self.update_hints()

    def update_hints(self) -> None:
        self.query_one(KeyHints).show_for(self.view if self.mode == "NORMAL" else self.mode)

    # -- the screen's own keys -------------------------------------------------------------
    def check_action(self, action: str, parameters) -> bool | None:
        """`n` does nothing on the board (tickets are created from the list or a detail)."""
        return not (action == "new_or_next" and self.view == "board")

    def action_toggle_hints(self) -> None:
        line = self.query_one(KeyHints)
        line.display = not line.display

    def action_command_mode(self) -> None:
        self.command_mode.open("COMMAND")

    def action_search_mode(self) -> None:
        self.command_mode.open("SEARCH")

    def action_view_tab(self, n: int) -> None:
        """`1`-`9`: the list shows saved view n (its query, asked of the server); `0`: all
        tickets again."""
        views = self.query_one(ViewTabs).views
        if n and n > len(views):
            self.notify(f"no saved view {n}: save one with `alloy view create NAME QUERY`"
                        if not views else f"saved views are 1-{len(views)}", severity="warning")
            return
        if self.view != "list":
            self.show_view("list")
        if n == 0:
            self.model.search, self.model.found = "", None
            self.table.cursor = 0
            self.refresh_list()
        else:
            self.command_mode.server_search(views[n - 1].query)

    def action_help(self) -> None:
        from alloy.tui.popups import HelpPopup

        self.app.push_screen(HelpPopup())

    def action_my_work(self) -> None:
        from alloy.tui.screens.mywork import MyWork

        self.app.push_screen(MyWork())

    def action_approvals(self) -> None:
        from alloy.tui.screens.approvals import open_approvals

        open_approvals(self.app)

    def action_back_or_quit(self) -> None:
        if self.view == "list":
            self.app.exit()
        else:
            self.back()

    def action_normal(self) -> None:
        if self.view != "list":
            self.back()
        elif self.model.search:
            self.model.search, self.model.found = "", None
            self.refresh_list()
        self.set_mode("NORMAL")

    # -- the action keys (alloy.tui.actions, alloy.tui.links) ------------------------------
    def action_status(self) -> None:
        self.actions.status()

    def action_assign(self) -> None:
        self.actions.assign()

    def action_comment(self) -> None:
        self.actions.comment()

    def action_priority(self) -> None:
        self.actions.priority()

    def action_new_or_next(self) -> None:
        self.actions.new_or_next()

    def action_prev_match(self) -> None:
        self.actions.prev_match()

    def action_edit(self) -> None:
        self.actions.edit()

    def action_edit_inline(self) -> None:
        self.actions.edit_inline()

    def action_labels(self) -> None:
        self.actions.labels()

    def action_log_time(self) -> None:
        self.actions.log_time()

    def action_delete(self) -> None:
        self.actions.delete()

    def action_cascade_delete(self) -> None:
        self.actions.cascade_delete()

    def action_related(self) -> None:
        self.links.open_related()
