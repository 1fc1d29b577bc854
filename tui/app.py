"""The Alloy TUI: one screen switching between three views, a status bar, popups on top.

All client calls run in thread workers (`io`); results come back to the UI thread, and every
error becomes a notification — the screen never freezes and the app never crashes.
"""

from __future__ import annotations

import threading
import time

from alloy.tui import api, keymap
from alloy.tui.actions import TicketActions
from alloy.tui.command_mode import CommandMode
from alloy.tui.connect import Early, Start
from alloy.tui.keys import KeyRouter
from alloy.tui.links import LinkActions
from alloy.tui.model import Model
from alloy.tui.sprints import SprintCommands
from alloy.tui.widgets.board import SprintBoard, done_count
from alloy.tui.widgets.detail import TicketDetail
from alloy.tui.widgets.statusbar import CommandLine, KeyHints, StatusBar
from alloy.tui.widgets.table import TicketTable
from alloy.tui.widgets.viewtabs import ViewTabs
from textual.app import App
from textual.widgets import ContentSwitcher

from alloy.errors import AlloyError, Unauthorized, Unavailable


class AlloyApp(KeyRouter, CommandMode, TicketActions, LinkActions, SprintCommands, App):
    TITLE = "Alloy"
    BINDINGS = keymap.GLOBAL + keymap.ACTIONS
    CSS = """
    Screen { layout: vertical; } #views { height: 1fr; }
    #list, #detail { border: round $secondary; border-title-color: $text; }
    #list:focus, #detail:focus { border: round $accent; }
    Toast { padding: 0 1; margin-top: 0; }  /* over the hints line, not the tickets */
    """
    ENABLE_COMMAND_PALETTE = False
    BATCH_SECONDS = 0.5

    def __init__(self, client=None, api_url: str | None = None, early: Early | None = None):
        super().__init__()
        self.client, self.api_url = client, api_url
        self.model = Model()
        self.detail_from = "list"  # the view the detail was opened from (Esc/q go back)
        self.mode = "NORMAL"
        self.connection = "Connecting…"
        self.connect_problem = ""  # why start-up failed, shown until it succeeds
        self.timer: dict | None = None  # the user's running timer
        self.loading = True
        self.started_at = time.perf_counter()
        self.marks: dict[str, float] = {}
        self._painted = threading.Event()
        self._early: Early | None = early or Early(client, api_url)  # connecting already
        self.first_rows_at: float | None = None
        self.loaded_at: float | None = None

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
        self.marks["mounted"] = time.perf_counter()
        self.command_line.completer = self._complete
        self.set_mode("NORMAL")
        self.table.focus()
        self._begin()

    @property
    def _main(self):
        """The main screen (popups are screens above it; queries must not look there)."""
        return self.screen_stack[0]

    @property
    def table(self) -> TicketTable:
        return self._main.query_one(TicketTable)

    @property
    def detail(self) -> TicketDetail:
        return self._main.query_one(TicketDetail)

    @property
    def board(self) -> SprintBoard:
        return self._main.query_one(SprintBoard)

    @property
    def view(self) -> str:
        return self._main.query_one(ContentSwitcher).current or "list"

    @property
    def command_line(self) -> CommandLine:
        return self._main.query_one(CommandLine)

    def _view_widget(self, name: str):
        return {"list": self.table, "detail": self.detail, "board": self.board}[name]

    def show_view(self, name: str) -> None:
        if name != "detail":  # a detail left behind must not reopen when its ticket changes
            self.detail.ticket = None
        self._main.query_one(ContentSwitcher).current = name
        self._main.set_focus(self._view_widget(name))  # now, so the next key goes there
        self.update_status()

    # -- workers ---------------------------------------------------------------------------
    def io(self, fn, *args, done=None, what: str = "") -> None:
        """Run `fn(client, *args)` in a thread; `done(result)` runs back on the UI thread."""

        def job() -> None:
            try:
                if self.client is None and fn != self._boot:
                    raise AlloyError("not connected yet")
                result = fn(self.client, *args)
            except Exception as err:  # noqa: BLE001 - every failure becomes a message
                self.call_from_thread(self.failed, err, what)
                return
            if self.connection in ("Offline", "Not logged in") and self.model.org_id:
                self.call_from_thread(self.set_connection, "Connected")  # it answered again
            if done is not None:
                self.call_from_thread(done, result)

        self.run_worker(job, thread=True, group="io", exit_on_error=False)

    def failed(self, err: Exception, what: str = "") -> None:
        """The one place errors become UI: a notification, and the connection state."""
        if isinstance(err, Unavailable):
            self.set_connection("Offline")
        elif isinstance(err, Unauthorized):
            self.set_connection("Not logged in")
        message = err.message if isinstance(err, AlloyError) else str(err) \
            if isinstance(err, ValueError) else f"{type(err).__name__}: {err}"  # a bug: say so
        details = getattr(err, "details", None)
        if details:
            message += " — " + "; ".join(
                d if isinstance(d, str) else f"{d.get('field', '')}: {d.get('message', '')}"
                for d in details)
        if isinstance(err, Unauthorized) and what == "connect":
            message += " (run `alloy auth login` or `alloy onboard` first)"
        self.notify(message, title=f"{what} failed" if what else "error", severity="error",
                    timeout=8)
        if what == "connect":
            if not isinstance(err, (Unavailable, Unauthorized)):
                self.set_connection("Not connected")
            self.connect_problem = message
            self.loading = False
            self.update_status()

    # -- startup: client, org, projects, then tickets streamed page by page ----------------
    def _begin(self) -> None:
        """Connect and load: when the early start is done already (as it usually is when
        embedded), its tickets go into the very first frame; else a worker waits for it."""
        state = self._early.ready() if self._early is not None else None
        if state is None:
            self.io(self._boot, done=lambda _: None, what="connect")
            return
        self.client, self._early = self._early.client, None
        self._show(state)
        self.io(lambda _client: self._stream(state), what="connect")

    def _boot(self, _client) -> None:
        early, self._early = self._early, None
        early = early or Early(self.client, self.api_url)  # a reload starts afresh
        try:
            state = early.result()
        finally:
            self.client = early.client
        self.call_from_thread(self._show, state)  # one callback, one frame
        self._stream(state)

    def _show(self, state: Start) -> None:
        self.marks["first_page"] = state.first_page_at
        self._connected(state.who, state.projects, state.members, state.workflows, state.views)
        self.add_tickets(state.first)

    def _stream(self, state: Start) -> None:
        """The rest after the first frame, in batches at most every BATCH_SECONDS, so
        10,000 tickets cost a handful of redraws rather than one per page."""
        if state.first:  # let the first frame draw before loading competes with it for the GIL
            self._painted.wait(timeout=3)
        batch: list[dict] = []
        sent = time.perf_counter()
        for page in state.rest:
            batch.extend(page)
            if time.perf_counter() - sent > self.BATCH_SECONDS:
                self.call_from_thread(self.add_tickets, batch)
                batch, sent = [], time.perf_counter()
        if batch:
            self.call_from_thread(self.add_tickets, batch)
        self.call_from_thread(self._loaded)

    def _connected(self, who: dict, projects: list[dict], members: dict,
                   workflows: list[dict], views: list[dict]) -> None:
        self.marks["connected"] = time.perf_counter()
        self.model.org_id, self.model.user_id = who["org_id"], who["user_id"]
        self.model.projects, self.model.members = projects, members
        self.model.workflows = workflows
        self._main.query_one(ViewTabs).set_views(views)
        self.set_connection("Connected")
        self.connect_problem = ""
        if not projects:
            self.notify("No projects yet: create one with `alloy project create`.")
        self.update_status()

    def show_timer(self, timer: dict | None) -> None:
        """The running timer (started here or by `alloy start`) in the status bar."""
        self.timer = timer
        for bar in self._bar():
            bar.set_timer(f"⏱ {timer['ticket_key']}" if timer else "")

    def add_tickets(self, tickets: list[dict]) -> None:
        self.marks.setdefault("first_rows", time.perf_counter())
        self.model.add(tickets)
        self.refresh_list()
        if self.first_rows_at is None and tickets:
            self.call_after_refresh(self._first_paint)

    def _first_paint(self) -> None:
        self.first_rows_at = time.perf_counter()
        self._painted.set()

    def _loaded(self) -> None:
        self.loading = False
        self.loaded_at = time.perf_counter()
        self.update_status()
        self.refresh_blocked()
        self.io(api.timer, done=self.show_timer, what="timer")  # not in the first frame's way

    def reload(self) -> None:
        self.model.tickets.clear()
        self.loading = True
        self.refresh_list()
        self.io(self._boot, done=lambda _: None, what="connect")

    # -- list ------------------------------------------------------------------------------
    def refresh_list(self) -> None:
        keep = self.table.selected["id"] if self.table.selected else None
        self.table.set_rows(self.model.refilter(), self.model.search, keep)
        self.update_status()

    def on_ticket_table_moved(self, _event) -> None:
        self.update_status()

    def on_sprint_board_moved(self, _event) -> None:
        self.update_status()

    def on_ticket_table_cycle_project(self, _event) -> None:
        self.model.cycle_project()
        self.refresh_list()

    # -- modes and the status bar ----------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.mode = mode
        prompt = {"COMMAND": ":", "SEARCH": "/"}.get(mode, "")
        for bar in self._bar():
            bar.set_mode(mode, prompt)
        self.update_hints()

    def _bar(self) -> list[StatusBar]:
        """The status bar, or none while the app is starting or shutting down."""
        return list(self.screen_stack[0].query(StatusBar)) if self.screen_stack else []

    def set_connection(self, text: str) -> None:
        self.connection = text
        for bar in self._bar():
            bar.set_connection(text)

    def context(self) -> str:
        if self.view == "board":
            b = self.board
            s = b.sprint
            total = sum(len(c["tickets"]) for c in b.columns)
            done = done_count(b.columns)
            pct = round(100 * done / total) if total else 0
            size = len(b.columns[b.col]["tickets"]) if b.columns else 0
            return (f"{s.get('name', '')} {s.get('start_date', '')}→{s.get('end_date', '')} "
                    f"{pct}% │ col {b.col + 1}/{len(b.columns)} row "
                    f"{min(b.row + 1, size)}/{size}")
        if self.view == "detail":
            t = self.detail.ticket
            return f"{t['key']} {t['status']}" if t else ""
        m = self.model
        if self.connect_problem and not m.org_id:
            return self.connect_problem
        shown = len(m.visible)
        text = f"[{m.project_label}] {self.table.cursor + 1 if shown else 0}/{shown}"
        if m.status:
            text += f" │ status={m.status}"
        if m.sort:
            text += f" │ sort {m.sort[0]}:{'desc' if m.sort[1] else 'asc'}"
        if m.search:
            text += f" │ /{m.search}"
        if self.loading:
            text += f" │ loading… {len(m.tickets):,}"
        return text

    def update_status(self) -> None:
        for bar in self._bar():
            bar.set_context(self.context())
        if self.screen_stack:
            for tabs in self.screen_stack[0].query(ViewTabs):
                tabs.show_for(self.model.search, asked=self.model.found is not None)
        self.update_hints()

    def update_hints(self) -> None:
        if self.screen_stack:
            for line in self.screen_stack[0].query(KeyHints):
                line.show_for(self.view if self.mode == "NORMAL" else self.mode)

    def action_toggle_hints(self) -> None:
        line = self._main.query_one(KeyHints)
        line.display = not line.display

    # -- global keys -----------------------------------------------------------------------
    def action_command_mode(self) -> None:
        self.set_mode("COMMAND")
        self.command_line.start()

    def action_search_mode(self) -> None:
        if self.view != "list":
            self.show_view("list")
        self.set_mode("SEARCH")
        line = self.command_line
        line.start()
        line.value = self.model.search
        line.cursor_position = len(line.value)

    def action_view_tab(self, n: int) -> None:
        """`1`-`9`: the list shows saved view n (its query, asked of the server); `0`: all
        tickets again."""
        views = self._main.query_one(ViewTabs).views
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
            self.server_search(views[n - 1]["query"])

    def action_help(self) -> None:
        from alloy.tui.popups import HelpPopup

        self.push_screen(HelpPopup())

    def action_my_work(self) -> None:
        from alloy.tui.screens.mywork import MyWork

        self.push_screen(MyWork())

    def action_approvals(self) -> None:
        from alloy.tui.screens.approvals import open_approvals

        open_approvals(self)

    def back(self) -> None:
        """Leave the detail for the view it was opened from; leave the board for the list."""
        self.show_view(self.detail_from if self.view == "detail" else "list")

    def action_back_or_quit(self) -> None:
        if self.view == "list":
            self.exit()
        else:
            self.back()

    def action_normal(self) -> None:
        if self.view != "list":
            self.back()
        elif self.model.search:
            self.model.search, self.model.found = "", None
            self.refresh_list()
        self.set_mode("NORMAL")

    def leave_line(self) -> None:
        self.command_line.display = False
        self.set_mode("NORMAL")
        self._main.set_focus(self._view_widget(self.view))
        self.update_status()

    def submit_line(self) -> None:
        mode, line = self.mode, self.command_line.value
        self.leave_line()
        if mode == "COMMAND" and line.strip():
            self.command_line.remember(line.strip())
            self.run_command(line)
        elif mode == "SEARCH" and line.strip():
            try:
                if self.model.needs_server(line.strip()):
                    self.server_search(line.strip())
            except AlloyError as err:
                self.failed(err, "search")

    def search_for(self, text: str) -> None:
        """Search mode: filter as each key is typed."""
        if text != self.model.search or self.model.found is not None:
            self.model.search, self.model.found = text, None
            self.table.cursor = 0
            self.refresh_list()
