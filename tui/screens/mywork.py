"""My work (`m`): the open tickets assigned to me in every project, and my running timer
(the one `alloy start` starts): Space starts or stops it on a ticket, x stops it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from alloy.tui import api, keymap
from alloy.tui.model import PRIORITIES
from alloy.tui.screens.base import ListScreen, hm, line
from rich.text import Text
from textual.widgets.option_list import Option

from alloy.domain.enums import ACTIVITY_TYPES
from alloy.errors import Invalid

if TYPE_CHECKING:
    from alloy.domain.timers import Timer, TimerStopped
    from alloy.domain.work import Ticket


def mine(model) -> list[Ticket]:
    """Open tickets (not in a done or cancelled status) assigned to me, most urgent first."""
    rank = {p: i for i, p in enumerate(PRIORITIES)}
    rows = [t for t in model.tickets if t.assignee_id == model.user_id and model.is_open(t)]
    return sorted(rows, key=lambda t: (rank[t.priority.value], t.key))


def stop(client, activity: str | None = None) -> TimerStopped | None:
    """Stop the timer; None when the server needs an activity type (no earlier entry to
    take it from), so the screen can ask for one."""
    try:
        return api.timer_stop(client, activity)
    except Invalid as err:
        if activity is None and any(isinstance(d, dict) and d.get("field") == "activity_type"
                                    for d in err.details or ()):
            return None
        raise


class MyWork(ListScreen):
    BINDINGS = keymap.MY_WORK
    HEADING = "My work"
    HINTS = "mywork"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Ticket] = []
        self.timer: Timer | None = None
        self.timer_read_at = 0.0

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(30, self.show_head)  # the elapsed minutes move on

    def action_reload(self) -> None:
        model = self.app.model
        self.rows = mine(model)
        self.show_rows()
        self.app.io(api.timer, done=self.timer_read, what="timer")

    def timer_read(self, timer: Timer | None) -> None:
        self.timer, self.timer_read_at = timer, time.monotonic()
        self.app.show_timer(timer)
        self.show_head()
        self.show_rows()

    def show_head(self) -> None:
        out = Text()
        t = self.timer
        if t is None:
            out.append("No timer running", style="bold")
            out.append(" · Space on a ticket starts one", style="dim")
        else:
            seconds = t.elapsed_seconds + int(time.monotonic() - self.timer_read_at)
            out.append(f"⏱ {t.ticket_key}", style="bold green")
            out.append(f" running {hm(seconds // 60)} · since {t.started_at[11:16]} UTC")
        mine_n = len(self.rows)
        out.append(f"\n{mine_n} open ticket{'' if mine_n == 1 else 's'} assigned to you"
                   + (" (still loading…)" if self.app.loading else ""), style="dim")
        self.head(out)

    def show_rows(self) -> None:
        running = self.timer.ticket_id if self.timer else None
        self.fill([Option(line(f"{'⏱' if t.id == running else ' '} {t.key:<10} "
                               f"{t.status[:12]:<12} {t.priority.value:<7} {t.title}"))
                   for t in self.rows]
                  or [Option(line("Nothing assigned to you is open.", "dim"), disabled=True)])
        self.show_head()

    @property
    def selected(self) -> Ticket | None:
        at = self.at
        return self.rows[at] if at is not None and at < len(self.rows) else None

    def on_option_list_option_selected(self, event) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        t = self.selected
        if t is not None:
            self.app.pop_screen()
            self.app.tickets.open_detail(t)

    def action_timer(self) -> None:
        t = self.selected
        if t is None:
            return
        if self.timer and self.timer.ticket_id == t.id:
            self.action_stop()
            return
        self.app.io(api.timer_start, t.id, done=self.started, what="timer start")

    def started(self, timer: Timer) -> None:
        self.timer_read(timer)
        self.app.notify(f"Timer started on {timer.ticket_key}")

    def action_stop(self, activity: str | None = None) -> None:
        if self.timer is None:
            self.app.notify("No timer running", severity="warning")
            return
        self.app.io(stop, activity, done=self.stopped, what="timer stop")

    def stopped(self, result: TimerStopped | None) -> None:
        if result is None:  # the first entry ever: which activity was it?
            from alloy.tui.popups import SelectPopup

            self.app.push_screen(SelectPopup(
                f"Activity of the time on {self.timer.ticket_key}",
                [(a, a) for a in ACTIVITY_TYPES]), lambda a: a and self.action_stop(a))
            return
        entry = result.entry
        self.timer_read(None)
        self.app.notify(f"Logged {hm(entry.duration_minutes)} {entry.activity_type.value} on "
                        f"{result.timer.ticket_key} (a Draft entry)")
