"""Command and Search mode: the `:` / `/` line of the tickets screen, and running a `:` line
(parsed by `alloy.tui.commands`). A component the screen holds (`screen.command_mode`)."""

from __future__ import annotations

from alloy.tui.commands import CommandError, complete, parse, parse_filter
from alloy.tui.keys import EDITING
from alloy.tui.model import parse_sort

from alloy.errors import AlloyError


class CommandMode:
    def __init__(self, screen) -> None:
        self.screen = screen

    @property
    def model(self):
        return self.screen.model

    def complete(self, text: str) -> list[str]:
        if self.screen.mode != "COMMAND":
            return []
        return complete(text, [p.key for p in self.model.projects])

    # -- the line --------------------------------------------------------------------------
    def open(self, mode: str) -> None:
        """`:` opens an empty line; `/` opens the list's search, to edit it."""
        s = self.screen
        if mode == "SEARCH" and s.view != "list":
            s.show_view("list")
        s.set_mode(mode)
        line = s.command_line
        line.start()
        if mode == "SEARCH":
            line.value = self.model.search
            line.cursor_position = len(line.value)

    async def feed(self, event) -> None:
        """One key typed while the line is open."""
        line = self.screen.command_line
        outcome = await line.feed(event)
        if outcome == "submit":
            self.submit()
        elif outcome == "leave":
            self.leave()
        elif self.screen.mode == "SEARCH":
            self.search_for(line.value)

    def paste(self, text: str) -> bool:
        """Pasted text goes into an open line; in Normal mode a paste that starts with `:`
        or `/` opens that line with the rest (nothing runs until Enter); others are
        ignored, as pasted text must not run Normal-mode keys."""
        first = text.splitlines()[0] if text else ""
        if self.screen.mode not in EDITING:
            if first[:1] not in (":", "/"):
                return True
            self.open("COMMAND" if first[0] == ":" else "SEARCH")
            first = first[1:]
        line = self.screen.command_line
        line.insert_text_at_cursor(first)
        if self.screen.mode == "SEARCH":
            self.search_for(line.value)
        return True

    def leave(self) -> None:
        s = self.screen
        s.command_line.display = False
        s.set_mode("NORMAL")
        s.set_focus(s.view_widget(s.view))
        s.update_status()

    def submit(self) -> None:
        mode, line = self.screen.mode, self.screen.command_line.value
        self.leave()
        if mode == "COMMAND" and line.strip():
            self.screen.command_line.remember(line.strip())
            self.run(line)
        elif mode == "SEARCH" and line.strip():
            try:
                if self.model.needs_server(line.strip()):
                    self.server_search(line.strip())
            except AlloyError as err:
                self.screen.app.failed(err, "search")

    def search_for(self, text: str) -> None:
        """Search mode: filter as each key is typed."""
        if text != self.model.search or self.model.found is not None:
            self.model.search, self.model.found = text, None
            self.screen.table.cursor = 0
            self.screen.refresh_list()

    # -- commands --------------------------------------------------------------------------
    def run(self, line: str) -> None:
        s = self.screen
        try:
            name, args = parse(line)
            if name in ("q", "quit"):
                s.app.exit()
            elif name == "filter" and args and not args[0].lower().startswith("status="):
                self.server_search(line.strip().lstrip(":").strip()[len("filter"):].strip())
            elif name == "filter":
                self.model.status = self.status_filter(parse_filter(args))
                if not args:
                    self.model.search, self.model.found = "", None
                s.show_view("list")
                s.refresh_list()
            elif name == "sort":
                try:
                    self.model.sort = parse_sort(args[0]) if args else None
                except ValueError as e:
                    raise CommandError(str(e)) from None
                s.show_view("list")
                s.refresh_list()
            elif name == "project":
                self.switch_project(args[0] if args else None)
            elif name == "reload":
                s.app.reload()
            elif name == "sprint":
                s.sprints.run(args)
        except CommandError as e:
            s.notify(str(e), title="command", severity="error")

    def server_search(self, text: str) -> None:
        """Ask the server for `text` in the query language; its answer becomes the list."""
        from alloy.tui import api

        s = self.screen

        def done(rows: list) -> None:
            if self.model.search == text:  # not overtaken by a newer search
                self.model.found = rows
                s.table.cursor = 0
                s.show_view("list")
                s.refresh_list()

        self.model.search, self.model.found = text, None
        s.app.io(api.search, self.model.org_id, text, done=done, what="search")

    def status_filter(self, wanted: str | None) -> str | None:
        if wanted is None:
            return None
        found = self.model.find_status(wanted)
        if found is None:
            raise CommandError(f"no status {wanted!r}; the statuses are "
                               + ", ".join(self.model.status_names()))
        return found

    def switch_project(self, key: str | None) -> None:
        if key is None:
            self.model.project_id = None
        else:
            project = self.model.project_by_key(key)
            if project is None:
                raise CommandError(f"no project with key {key.upper()}")
            self.model.project_id = project.id
        self.screen.show_view("list")
        self.screen.refresh_list()
