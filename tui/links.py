"""Relations and sub-issues in the TUI: `o` opens a related ticket, a parent or a sub-issue;
blocked tickets are marked in the list and on the board. Calls run in workers (`io`)."""

from __future__ import annotations

from alloy.tui import api
from alloy.tui.widgets.links import Links


def fetch(client, ticket) -> Links:
    """What the detail shows of a ticket's links (in a worker)."""
    tree = api.run(client, "relations.tree", ticket.id)
    parent = api.ticket(client, ticket.parent_id) if ticket.parent_id else None
    return Links(relations=api.items(client, "relations.list", ticket.id),
                 children=tree.children, progress=tree.progress, parent=parent)


def blocked(client, project_ids: list[str]) -> set[str]:
    """Ids of the tickets an open ticket blocks, in these projects (in a worker)."""
    out: set[str] = set()
    for project_id in project_ids:
        out.update(api.run(client, "relations.blocked", project_id).ticket_ids)
    return out


class LinkActions:
    """`o` and the blocked marks; held by the tickets screen (`screen.links`)."""

    def __init__(self, screen) -> None:
        self.screen = screen

    def open_related(self) -> None:
        from alloy.tui.actions import popups
        from alloy.tui.widgets.links import targets

        s = self.screen
        t = s.selected()
        if t is None:
            return

        def pick(links: Links) -> None:
            options = targets(links)
            if not options:
                s.notify(f"{t.key} has no relations or sub-issues")
                return

            def chosen(ticket_id):
                if ticket_id:
                    s.app.io(api.ticket, ticket_id, what="open related",
                             done=s.open_detail)
            s.app.push_screen(popups().SelectPopup(f"Open from {t.key}", options), chosen)
        s.app.io(fetch, t, done=pick, what="relations")

    def refresh_blocked(self) -> None:
        s = self.screen
        ids = [p.id for p in s.model.projects]

        def mark(found: set[str]) -> None:
            s.table.blocked = found
            s.table.refresh()
            s.board.blocked = found
            if s.board.columns:
                s.board.repaint()
        if ids:
            s.app.io(blocked, ids, done=mark, what="blocked tickets")
