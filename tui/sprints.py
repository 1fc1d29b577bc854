"""`:sprint ...` commands and the sprint board view."""

from __future__ import annotations

import re

from alloy.tui import api
from alloy.tui.commands import CommandError

from alloy.client import refs

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def resolve_sprint(client, project_id: str | None, ref: str) -> str:
    """A sprint id from a full id, an id prefix or a name (in the current project, else in
    the organization): the one resolver every face uses."""
    return refs.sprint_id(client, ref, project=project_id)


class SprintCommands:
    """Mixed into the app: `:sprint <id>|list|create|start|complete` and the board."""

    def sprint_project(self) -> dict | None:
        return self.target_project()

    def sprint_command(self, args: list[str]) -> None:
        if not args:
            raise CommandError("usage: :sprint <id> | list | create <name> <start> <end> | "
                               "start <id> | complete <id>")
        sub, rest = args[0].lower(), args[1:]
        project = self.sprint_project()
        pid = project["id"] if project else None
        if sub == "list":
            if pid is None:
                raise CommandError("no project selected")
            self.io(api.sprints, pid, done=self._sprint_list, what="sprint list")
        elif sub == "create":
            if len(rest) != 3 or not all(_DATE.match(d) for d in rest[1:]):
                raise CommandError("usage: :sprint create <name> <YYYY-MM-DD> <YYYY-MM-DD>")
            if pid is None:
                raise CommandError("no project selected")
            self.io(api.sprint_create, pid, *rest, done=lambda s: self.notify(
                f"Created sprint {s['name']} ({s['status']}) id {s['id']}", timeout=10),
                what="sprint create")
        elif sub in ("start", "complete"):
            if len(rest) != 1:
                raise CommandError(f"usage: :sprint {sub} <sprint-id>")

            def change(client, ref=rest[0], action=sub):
                return api.sprint_change(client, action, resolve_sprint(client, pid, ref))
            self.io(change, done=lambda s: self.notify(f"Sprint {s['name']} is now {s['status']}"),
                    what=f"sprint {sub}")
        else:
            self.open_board(args[0])

    def _sprint_list(self, sprints: list[dict]) -> None:
        if not sprints:
            self.notify("No sprints in this project: :sprint create <name> <start> <end>")
            return
        options = [(f"{s['name']}  {s['status']}  {s['start_date']} → {s['end_date']}  "
                    f"{s['id'][:8]}", s["id"]) for s in sprints]

        def chosen(sprint_id):
            if sprint_id:
                self.open_board(sprint_id)
        from alloy.tui.popups import SelectPopup

        self.push_screen(SelectPopup("Sprints (Enter opens the board)", options), chosen)

    def open_board(self, ref: str) -> None:
        project = self.sprint_project()
        pid = project["id"] if project else None

        def fetch(client):
            return api.board(client, resolve_sprint(client, pid, ref))

        def show(result):
            from alloy.tui.actions import keyed

            board = result["board"]
            columns = [{"status": c["status"], "category": c.get("category"),
                        "tickets": [keyed(t, self.model.projects) for t in c["tickets"]]}
                       for c in board.get("columns", [])]
            self.board.show(board.get("sprint", {}), columns, result["burndown"])
            self.show_view("board")
        self.io(fetch, done=show, what="sprint board")
