"""`:sprint ...` commands and opening the sprint board (a view of the tickets screen)."""

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


def short_ids(ids: list[str], least: int = 8) -> dict[str, str]:
    """The shortest prefix (at least `least` characters) that tells these ids apart: UUIDv7
    ids made in the same minute share their first 8 characters."""
    n = least
    while n < max((len(i) for i in ids), default=0) and len({i[:n] for i in ids}) < len(ids):
        n += 1
    return {i: i[:n] for i in ids}


class SprintCommands:
    """`:sprint <id>|list|create|start|complete`; held by the tickets screen
    (`screen.sprints`)."""

    def __init__(self, screen) -> None:
        self.screen = screen

    @property
    def model(self):
        return self.screen.model

    def sprint_project(self):
        """The project filter's project (or the only project); None means "ask"."""
        m = self.model
        return m.project(m.project_id) or (m.projects[0] if len(m.projects) == 1 else None)

    def with_project(self, then) -> None:
        """Run `then(project)` for the current project, asking which one when the filter
        is on All (the highlighted row's project is not a choice the user made)."""
        project = self.sprint_project()
        if project is not None:
            then(project)
            return
        if not self.model.projects:
            raise CommandError("no project yet: create one with `alloy project create`")
        from alloy.tui.popups import SelectPopup

        options = [(f"{p.key}  {p.name}", p) for p in self.model.projects]
        self.screen.app.push_screen(SelectPopup("Which project? (or :project KEY first)",
                                                options), lambda p: p and then(p))

    def run(self, args: list[str]) -> None:
        if not args:
            raise CommandError("usage: :sprint <id or name> | list | create <name> <start> "
                               "<end> | start <id> | complete <id>")
        sub, rest = args[0].lower(), args[1:]
        project = self.sprint_project()
        pid = project.id if project else None
        io, notify = self.screen.app.io, self.screen.notify
        if sub == "list":
            self.with_project(lambda p: io(api.sprints, p.id, done=self._sprint_list,
                                           what="sprint list"))
        elif sub == "create":
            if len(rest) < 3 or not all(_DATE.match(d) for d in rest[-2:]):
                raise CommandError("usage: :sprint create <name> <YYYY-MM-DD> <YYYY-MM-DD>")
            name, start, end = " ".join(rest[:-2]), rest[-2], rest[-1]
            self.with_project(lambda p: io(
                api.sprint_create, p.id, name, start, end, done=lambda s: notify(
                    f"Created sprint {s.name} ({s.status.value}) in {p.key}, id {s.id}",
                    timeout=10),
                what="sprint create"))
        elif sub in ("start", "complete"):
            if not rest:
                raise CommandError(f"usage: :sprint {sub} <sprint id or name>")

            def change(client, ref=" ".join(rest), action=sub):
                return api.sprint_change(client, action, resolve_sprint(client, pid, ref))
            io(change, done=lambda s: notify(f"Sprint {s.name} is now {s.status.value}"),
               what=f"sprint {sub}")
        else:
            self.open_board(" ".join(args))

    def _sprint_list(self, sprints: list) -> None:
        if not sprints:
            self.screen.notify("No sprints in this project: :sprint create <name> <start> "
                               "<end>")
            return
        short = short_ids([s.id for s in sprints])
        options = [(f"{s.name}  {s.status.value}  {s.start_date} → {s.end_date}  "
                    f"{short[s.id]}", s.id) for s in sprints]

        def chosen(sprint_id):
            if sprint_id:
                self.open_board(sprint_id)
        from alloy.tui.popups import SelectPopup

        self.screen.app.push_screen(SelectPopup("Sprints (Enter opens the board)", options),
                                    chosen)

    def open_board(self, ref: str) -> None:
        project = self.sprint_project()
        pid = project.id if project else None

        def fetch(client):
            return api.board(client, resolve_sprint(client, pid, ref))

        def show(result):
            board, burndown = result
            self.screen.board.show(board.sprint, board.columns, burndown)
            self.screen.show_view("board")
        self.screen.app.io(fetch, done=show, what="sprint board")
