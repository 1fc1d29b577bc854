"""Relations and sub-issues in the TUI: `o` opens a related ticket, a parent or a sub-issue;
blocked tickets are marked in the list and on the board. Calls run in workers (`io`)."""

from __future__ import annotations

from alloy.tui import api


def fetch(client, ticket: dict) -> dict:
    """What the detail shows of a ticket's links (in a worker)."""
    tree = api.call(client, "relations.tree", ticket["id"])
    parent = None
    if ticket.get("parent_id"):
        parent = api.call(client, "tickets.get", ticket["parent_id"])
    return {"relations": api.everything(client, "relations.list", ticket["id"]),
            "children": tree["children"], "progress": tree["progress"], "parent": parent}


def blocked(client, project_ids: list[str]) -> set[str]:
    """Ids of the tickets an open ticket blocks, in these projects (in a worker)."""
    out: set[str] = set()
    for project_id in project_ids:
        out.update(api.call(client, "relations.blocked", project_id)["ticket_ids"])
    return out


class LinkActions:
    """`o` and the blocked marks; held by the tickets screen (`screen.links`)."""

    def __init__(self, screen) -> None:
        self.screen = screen

    def open_related(self) -> None:
        from alloy.tui.actions import keyed, popups
        from alloy.tui.widgets.links import targets

        s = self.screen
        t = s.selected()
        if t is None:
            return

        def pick(links: dict) -> None:
            options = targets(links)
            if not options:
                s.notify(f"{t['key']} has no relations or sub-issues")
                return

            def chosen(ticket_id):
                if ticket_id:
                    s.app.io(api.ticket, ticket_id, what="open related",
                             done=lambda found: s.open_detail(keyed(found, s.model.projects)))
            s.app.push_screen(popups().SelectPopup(f"Open from {t['key']}", options), chosen)
        s.app.io(fetch, t, done=pick, what="relations")

    def refresh_blocked(self) -> None:
        s = self.screen
        ids = [p["id"] for p in s.model.projects]

        def mark(found: set[str]) -> None:
            s.table.blocked = found
            s.table.refresh()
            s.board.blocked = found
            if s.board.columns:
                s.board.repaint()
        if ids:
            s.app.io(blocked, ids, done=mark, what="blocked tickets")
