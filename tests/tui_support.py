"""Helpers for the TUI tests: a temp embedded workspace, waiting for workers, screen text."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

SNAPSHOTS = Path(__file__).parent / "tui_snapshots"

_BLANK_TICKET = {"id": "t", "project_id": "p", "ticket_number": 1, "key": "A-1", "title": "t",
                 "description": None, "status": "Todo", "priority": "None",
                 "assignee_id": None, "reporter_id": "u", "sprint_id": None,
                 "created_at": "", "updated_at": ""}
_BLANK_ENTRY = {"id": "e", "user_id": "u", "ticket_id": "t", "project_id": "p",
                "date": "2026-01-01", "duration_minutes": 1, "description": None,
                "activity_type": "Coding", "status": "Submitted", "approved_by": None,
                "approved_at": None, "rejection_reason": None, "created_at": "",
                "updated_at": ""}


def ticket_row(**fields):
    """A `Ticket` as the client answers one (decoded, so a wrong field name fails), with
    the fields a test does not care about blank."""
    import msgspec

    from alloy.domain.work import Ticket

    return msgspec.convert({**_BLANK_TICKET, **fields}, Ticket)


def entry_row(**fields):
    """A `TimeEntry` as the client answers one, the fields a test does not care about blank."""
    import msgspec

    from alloy.domain.time import TimeEntry

    return msgspec.convert({**_BLANK_ENTRY, **fields}, TimeEntry)


def screen_text(app) -> str:
    """The terminal as plain text (what a person would read), for snapshots and asserts."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return "\n".join(line.rstrip() for line in console.export_text(styles=False).splitlines())


def normalize(text: str) -> str:
    """Dates and ids change run to run; snapshots keep their shape."""
    text = re.sub(r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD", text)
    return re.sub(r"\b[0-9a-f]{8}\b", "xxxxxxxx", text)


async def settle(pilot, rounds: int = 200) -> None:
    """Wait until no worker runs and the screen has caught up."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return
        await app.workers.wait_for_complete()
    raise AssertionError("workers did not finish")


class Workspace:
    """An embedded Alloy in a temp dir: one Owner, an org, project PROJ with some tickets."""

    def __init__(self, home: Path, tickets: int = 3) -> None:
        from alloy.actor import Actor
        from alloy.client.local import LocalClient
        from alloy.env import bootstrap

        self.env = bootstrap()
        anon = LocalClient(self.env, None)
        done = anon.call("onboard.run", body={"email": "owner@example.com",
                                              "password": "password123", "org_name": "Acme",
                                              "org_slug": "acme", "display_name": "Olive"})
        self.user_id, self.org_id = done["user_id"], done["org_id"]
        self.client = LocalClient(self.env, Actor(user_id=self.user_id, org_id=self.org_id,
                                                  email="owner@example.com"))
        self.project = self.client.call("projects.create", body={"key": "PROJ", "name": "Proj"})
        self.other = self.client.call("projects.create", body={"key": "OPS", "name": "Ops"})
        titles = ["Fix login bug", "Add dark mode", "Update docs", "Tune cache", "Write tests"]
        self.tickets = [self.ticket(titles[i % len(titles)], ["High", "Medium", "Low"][i % 3])
                        for i in range(tickets)]

    def ticket(self, title: str, priority: str = "None", project: dict | None = None) -> dict:
        return self.client.call("tickets.create", project_id=(project or self.project)["id"],
                                body={"title": title, "priority": priority})

    def get(self, ticket_id: str) -> dict:
        return self.client.call("tickets.get", ticket_id=ticket_id)

    def app(self):
        from alloy.tui.app import AlloyApp

        return AlloyApp(client=self.client)


async def shown_toasts(pilot) -> list:
    """The notification toasts once they are laid out (they appear a frame or two late)."""
    toasts = []
    for _ in range(50):
        await pilot.pause(0.02)
        toasts = [t for t in pilot.app.screen.query("Toast") if t.region.height]
        if toasts:
            break
    return toasts


async def type_fast(pilot, *keys: str) -> None:
    """Queue every key before the app handles the first, as a paste or a fast typist does
    (`pilot.press` waits for the app to go idle after each key, which hides ordering bugs)."""
    from textual import events
    from textual.keys import _character_to_key

    named = {"enter": "\r", "escape": "\x1b", "tab": "\t", "backspace": "\x7f"}
    app = pilot.app
    for key in keys:
        if len(key) == 1:
            event = events.Key(key if key.isalnum() else _character_to_key(key), key)
        else:
            event = events.Key(key, named.get(key))
        event.set_sender(app)
        app.post_message(event)
    await settle(pilot)


def workspace(tmp_path: Path, monkeypatch, tickets: int = 5) -> Workspace:
    """A Workspace in a private data/config dir, with no remote or org settings leaking in."""
    for name in ("ALLOY_ORG_ID", "ALLOY_BASE_URL", "ALLOY_API_URL", "ALLOY_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ALLOY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ALLOY_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'alloy.db'}")
    return Workspace(tmp_path, tickets=tickets)


class Relay:
    """A TCP relay on loopback in front of a live server, which a test can cut and restore:
    the network going away and coming back (the server itself keeps running)."""

    def __init__(self, target_port: int) -> None:
        from tests.support import free_port

        self.target, self.port = target_port, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._open: list = []
        self._listener = None
        self.restore()

    def restore(self) -> None:
        import socket
        import threading

        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        import socket

        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() (close alone does not)
        except OSError:
            pass
        self._listener.close()
        for s in self._open:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self._open.clear()

    def _accept(self, listener) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass
