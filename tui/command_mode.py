"""Command mode: run a `:` line (parsed by `alloy.tui.commands`) against the app."""

from __future__ import annotations

from alloy.tui.commands import CommandError, complete, parse, parse_filter
from alloy.tui.model import parse_sort


class CommandMode:
    """Mixed into the app: needs `model`, `mode`, `show_view`, `refresh_list`, `reload`,
    `sprint_command`, `notify`, `exit`, `io`, `table`."""

    def _complete(self, text: str) -> list[str]:
        if self.mode != "COMMAND":
            return []
        return complete(text, [p["key"] for p in self.model.projects])

    # -- command mode ----------------------------------------------------------------------
    def run_command(self, line: str) -> None:
        try:
            name, args = parse(line)
            if name in ("q", "quit"):
                self.exit()
            elif name == "filter" and args and not args[0].lower().startswith("status="):
                self.server_search(line.strip().lstrip(":").strip()[len("filter"):].strip())
            elif name == "filter":
                self.model.status = self.status_filter(parse_filter(args))
                if not args:
                    self.model.search, self.model.found = "", None
                self.show_view("list")
                self.refresh_list()
            elif name == "sort":
                try:
                    self.model.sort = parse_sort(args[0]) if args else None
                except ValueError as e:
                    raise CommandError(str(e)) from None
                self.show_view("list")
                self.refresh_list()
            elif name == "project":
                self.switch_project(args[0] if args else None)
            elif name == "reload":
                self.reload()
            elif name == "sprint":
                self.sprint_command(args)
        except CommandError as e:
            self.notify(str(e), title="command", severity="error")

    def server_search(self, text: str) -> None:
        """Ask the server for `text` in the query language; its answer becomes the list."""
        from alloy.tui import api

        def done(rows: list[dict]) -> None:
            if self.model.search == text:  # not overtaken by a newer search
                self.model.found = rows
                self.table.cursor = 0
                self.show_view("list")
                self.refresh_list()

        self.model.search, self.model.found = text, None
        self.io(api.search, self.model.org_id, text, done=done, what="search")

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
            self.model.project_id = project["id"]
        self.show_view("list")
        self.refresh_list()
