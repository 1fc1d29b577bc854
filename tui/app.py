"""The Alloy TUI app: the connection, the data every screen shares, and the screen stack.

The app opens on the tickets screen (`alloy.tui.screens.tickets`: list, detail, board and
their keys); My work, Approvals and the popups go above it. All client calls run in thread
workers (`io`); results come back to the UI thread, and every error becomes a notification —
the screen never freezes and the app never crashes.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from alloy.tui import api
from alloy.tui.connect import Early, Start
from alloy.tui.keys import route
from alloy.tui.model import Model
from alloy.tui.screens.tickets import TicketsScreen
from textual import events
from textual.app import App
from textual.reactive import var

from alloy.errors import AlloyError, Unauthorized, Unavailable

if TYPE_CHECKING:
    from alloy.domain.flow import Workflow
    from alloy.domain.timers import Timer
    from alloy.domain.views import View
    from alloy.domain.work import Project, Ticket


class AlloyApp(App):
    TITLE = "Alloy"
    CSS = """
    Screen { layout: vertical; }
    Toast { padding: 0 1; margin-top: 0; }  /* over the hints line, not the tickets */
    """
    ENABLE_COMMAND_PALETTE = False
    BATCH_SECONDS = 0.5
    connection = var("Connecting…")  # shown in the status bar
    timer: var[Timer | None] = var(None)  # the user's running timer, shown there too

    def __init__(self, client=None, api_url: str | None = None, early: Early | None = None):
        super().__init__()
        self.client, self.api_url = client, api_url
        self.model = Model()
        self.connect_problem = ""  # why start-up failed, shown until it succeeds
        self.loading = True
        self.started_at = time.perf_counter()
        self.marks: dict[str, float] = {}
        self._painted = threading.Event()
        self._early: Early | None = early or Early(client, api_url)  # connecting already
        self.first_rows_at: float | None = None
        self.loaded_at: float | None = None

    def get_default_screen(self) -> TicketsScreen:
        return TicketsScreen()

    @property
    def tickets(self) -> TicketsScreen:
        """The tickets screen, at the bottom of the stack."""
        return self.screen_stack[0]

    def on_mount(self) -> None:
        self.marks["mounted"] = time.perf_counter()

    async def on_event(self, event: events.Event) -> None:
        """Keys for the tickets screen are routed there before the next key is dispatched
        (see `alloy.tui.keys`); every other screen keeps Textual's own routing."""
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded \
                and self.screen_stack and isinstance(self.screen, TicketsScreen) \
                and await route(self.screen, event):
            return
        await super().on_event(event)

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
            self.tickets.update_status()

    # -- startup: client, org, projects, then tickets streamed page by page ----------------
    def boot(self) -> None:
        """Connect and load (the tickets screen calls this once it is there to show them):
        when the early start is done already (as it usually is when embedded), its tickets
        go into the very first frame; else a worker waits for it (a reload starts afresh)."""
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
        batch: list[Ticket] = []
        sent = time.perf_counter()
        for page in state.rest:
            batch.extend(page)
            if time.perf_counter() - sent > self.BATCH_SECONDS:
                self.call_from_thread(self.add_tickets, batch)
                batch, sent = [], time.perf_counter()
        if batch:
            self.call_from_thread(self.add_tickets, batch)
        self.call_from_thread(self._loaded)

    def _connected(self, who: api.Who, projects: list[Project], members: dict,
                   workflows: list[Workflow], views: list[View]) -> None:
        self.marks["connected"] = time.perf_counter()
        self.model.org_id, self.model.user_id = who.org_id, who.user_id
        self.model.projects, self.model.members = projects, members
        self.model.workflows = workflows
        self.tickets.set_views(views)
        self.set_connection("Connected")
        self.connect_problem = ""
        if not projects:
            self.notify("No projects yet: create one with `alloy project create`.")
        self.tickets.update_status()

    def show_timer(self, timer: Timer | None) -> None:
        """The running timer (started here or by `alloy start`)."""
        self.timer = timer

    def set_connection(self, text: str) -> None:
        self.connection = text

    def add_tickets(self, tickets: list[Ticket]) -> None:
        self.marks.setdefault("first_rows", time.perf_counter())
        self.model.add(tickets)
        self.tickets.refresh_list()
        if self.first_rows_at is None and tickets:
            self.call_after_refresh(self._first_paint)

    def _first_paint(self) -> None:
        self.first_rows_at = time.perf_counter()
        self._painted.set()

    def _loaded(self) -> None:
        self.loading = False
        self.loaded_at = time.perf_counter()
        self.tickets.update_status()
        self.tickets.links.refresh_blocked()
        self.io(api.timer, done=self.show_timer, what="timer")  # not in the first frame's way

    def reload(self) -> None:
        self.model.tickets.clear()
        self.loading = True
        self.tickets.refresh_list()
        self.boot()
