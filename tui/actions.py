"""Quick actions on the selected ticket (s a c p n e l t d D), shared by the three views.

Each action opens a popup, then runs the change in a worker and applies the answer locally.
"""

from __future__ import annotations

from alloy.tui import api, keymap
from alloy.tui.model import PRIORITIES

APP_ACTIONS = {b.action for b in keymap.GLOBAL + keymap.ACTIONS}


def popups():
    """The popup classes, imported on first use (keeps start-up, and first paint, short)."""
    from alloy.tui import popups

    return popups


def keyed(ticket: dict, projects: list[dict]) -> dict:
    """Board/list payloads carry `key`; rebuild it from the project if one does not."""
    if "key" not in ticket:
        project = next((p for p in projects if p["id"] == ticket.get("project_id")), None)
        ticket = {**ticket, "key": f"{project['key'] if project else '?'}-"
                                   f"{ticket.get('ticket_number', '?')}"}
    return ticket


def counted(n: int, name: str) -> str:
    """`1 time entry`, `2 time entries`, from a table-like name (`time_entries`)."""
    words = name.replace("_", " ")
    if n == 1:
        words = words[:-3] + "y" if words.endswith("ies") else words.removesuffix("s")
    return f"{n} {words}"


class TicketActions:
    """Mixed into the app: needs `io`, `model`, `view`, `table`, `detail`, `board`."""

    def selected(self) -> dict | None:
        ticket = {"list": self.table.selected, "detail": self.detail.ticket,
                  "board": self.board.selected}[self.view]
        if ticket is None:
            self.notify("No ticket selected", severity="warning")
        return ticket

    def check_action(self, action: str, parameters) -> bool | None:
        """App keys act on the main screen only: inside a popup `q` or `s` must not leak out."""
        if self.screen_stack and self.screen is not self.screen_stack[0] and \
                action in APP_ACTIONS:
            return False
        if action == "new_or_next" and self.view == "board":
            return False
        return True

    def ticket_changed(self, ticket: dict) -> None:
        """Apply a ticket the server returned to every view that shows it."""
        ticket = keyed(ticket, self.model.projects)
        self.model.replace(ticket)
        self.refresh_list()
        if self.showing(ticket["id"]):
            self.open_detail(ticket)
        if self.board.columns:
            self.board.replace(ticket, ticket["id"])
        self.update_status()
        self.refresh_blocked()  # a ticket closing unblocks those it blocks

    def ticket_removed(self, ticket: dict) -> None:
        self.model.remove(ticket["id"])
        if self.board.columns:
            self.board.replace(None, ticket["id"])
        if self.showing(ticket["id"]):
            self.back()
        self.refresh_list()
        self.notify(f"Deleted {ticket['key']}")

    # -- s a c p ---------------------------------------------------------------------------
    def action_status(self) -> None:
        t = self.selected()
        if t is None:
            return
        statuses = self.model.statuses_for(t)
        current = statuses.index(t["status"]) if t["status"] in statuses else 0

        def chosen(status):
            if status:
                self.io(api.set_status, t["id"], status, done=self.ticket_changed,
                        what="status change")
        self.push_screen(popups().SelectPopup(f"Status of {t['key']}", [(s, s) for s in statuses],
                                     current), chosen)

    def action_assign(self) -> None:
        t = self.selected()
        if t is None:
            return
        people = sorted(self.model.members.items(), key=lambda kv: kv[1].lower())
        options = [("Unassign", "")] + [(name, uid) for uid, name in people]
        current = next((i for i, (_, uid) in enumerate(options)
                        if uid == (t.get("assignee_id") or "")), 0)

        def chosen(user_id):
            if user_id is not None:
                self.io(lambda c: api.update(c, t["id"], assignee_id=user_id or None),
                        done=self.ticket_changed, what="assign")
        self.push_screen(popups().SelectPopup(f"Assign {t['key']}", options, current), chosen)

    def action_comment(self) -> None:
        t = self.selected()
        if t is None:
            return

        def chosen(text):
            if text:
                self.io(api.comment, t["id"], text, done=lambda _: self._commented(t),
                        what="comment")
        self.push_screen(popups().TextPopup(f"Comment on {t['key']}", "Type a comment"), chosen)

    def _commented(self, ticket: dict) -> None:
        self.notify(f"Comment added to {ticket['key']}")
        self.reread_detail(ticket["id"])

    def action_priority(self) -> None:
        t = self.selected()
        if t is None:
            return
        current = PRIORITIES.index(t["priority"]) if t["priority"] in PRIORITIES else 4

        def chosen(priority):
            if priority:
                self.io(lambda c: api.update(c, t["id"], priority=priority),
                        done=self.ticket_changed, what="priority change")
        self.push_screen(popups().SelectPopup(f"Priority of {t['key']}", [(p, p) for p in PRIORITIES],
                                     current), chosen)

    # -- n / N: create, or move between search matches -------------------------------------
    def action_new_or_next(self) -> None:
        if self.view == "list" and self.model.search:
            self._match(1)
        else:
            self.action_create()

    def action_prev_match(self) -> None:
        if self.view == "list" and self.model.search:
            self._match(-1)

    def _match(self, step: int) -> None:
        rows = self.table.rows
        if rows:
            self.table.move_to((self.table.cursor + step) % len(rows))

    def target_project(self) -> dict | None:
        m = self.model
        t = self.table.selected if self.view == "list" else self.detail.ticket
        return m.project(m.project_id) or (m.project(t["project_id"]) if t else None) or \
            (m.projects[0] if m.projects else None)

    def action_create(self) -> None:
        project = self.target_project()
        if project is None:
            self.notify("No project to create in: create one with `alloy project create`",
                        severity="error")
            return

        def chosen(form):
            if form:
                self.io(api.create, project["id"], form["title"], form["priority"],
                        done=self._created, what="create")
        self.push_screen(popups().CreatePopup(project["key"]), chosen)

    def _created(self, ticket: dict) -> None:
        ticket = keyed(ticket, self.model.projects)
        self.model.add([ticket])
        self.refresh_list()
        if self.view == "list":
            self.table.move_to(next((i for i, r in enumerate(self.table.rows)
                                     if r["id"] == ticket["id"]), self.table.cursor))
        self.notify(f"Created {ticket['key']}")

    # -- e / i: edit title and description -------------------------------------------------
    def action_edit(self) -> None:
        """`e`: in `$VISUAL`/`$EDITOR` when one is set, else the popup."""
        from alloy.tui import editor

        t = self.selected()
        if t is None:
            return
        if not editor.can_run(self):
            self.action_edit_inline()
            return
        try:
            form = editor.edit(self, t, editor.editor_command())
        except editor.Cancelled as why:
            self.notify(str(why), severity="warning")
            return
        self.save_edit(t, form)

    def action_edit_inline(self) -> None:
        """`i`: the popup (Insert mode)."""
        t = self.selected()
        if t is None:
            return
        self.push_screen(popups().EditPopup(t), lambda form: form and self.save_edit(t, form))

    def save_edit(self, t: dict, form: dict) -> None:
        """The one save for both ways of editing."""
        self.io(lambda c: api.update(c, t["id"], **form), done=self.ticket_changed, what="edit")

    # -- l / L: labels ---------------------------------------------------------------------
    def action_labels(self) -> None:
        t = self.selected()
        if t is None:
            return
        org = self.model.org_id

        def fetch(client):
            return api.labels(client, org), api.ticket_labels(client, t["id"])

        def show(result):
            labels, attached = result
            self.push_screen(popups().LabelsPopup(t, labels, {lb["id"] for lb in attached}))
        self.io(fetch, done=show, what="labels")

    def on_labels_popup_toggle(self, event) -> None:
        popup, label, on, t = event.popup, event.label, event.on, event.popup.ticket
        def toggled(_):
            popup.set_attached(label["id"], on)
            self.reread_detail(t["id"])  # its Labels line
        self.io(api.toggle_label, t["id"], label["id"], on, done=toggled, what="label toggle")

    # -- t: log time -----------------------------------------------------------------------
    def action_log_time(self) -> None:
        t = self.selected()
        if t is None:
            return
        user = self.model.user_id

        def chosen(form):
            if form:
                self.io(api.log_time, user, t, form["minutes"], form["activity"],
                        done=lambda _: self.notify(
                            f"Logged {form['minutes']} min {form['activity']} on {t['key']}"),
                        what="time log")
        self.push_screen(popups().TimePopup(t["key"]), chosen)

    # -- d / D: delete ---------------------------------------------------------------------
    def action_delete(self) -> None:
        t = self.selected()
        if t is None:
            return

        def chosen(yes):
            if yes:
                self.io(api.delete, t["id"], done=lambda _: self.ticket_removed(t),
                        what="delete")
        self.push_screen(popups().ConfirmPopup(f"Delete {t['key']}: {t['title']}?"), chosen)

    def action_cascade_delete(self) -> None:
        t = self.selected()
        if t is None:
            return

        def preview(counts: dict):
            parts = [counted(n, name) for name, n in counts.items() if n] or ["no dependents"]
            yes = "Yes, delete ticket + " + ", ".join(parts)

            def chosen(ok):
                if ok:
                    self.io(api.cascade_delete, t["id"], done=lambda _: self.ticket_removed(t),
                            what="cascade delete")
            self.push_screen(popups().ConfirmPopup(f"Cascade delete {t['key']}?", yes, yes_first=True),
                             chosen)
        self.io(api.cascade_preview, t["id"], done=preview, what="cascade preview")

    # -- detail view -----------------------------------------------------------------------
    def showing(self, ticket_id: str) -> bool:
        """Is the detail view on screen, showing this ticket?"""
        return self.view == "detail" and bool(self.detail.ticket) and \
            self.detail.ticket["id"] == ticket_id

    def reread_detail(self, ticket_id: str) -> None:
        if self.showing(ticket_id):
            self.open_detail(self.detail.ticket)

    def open_detail(self, ticket: dict) -> None:
        m = self.model
        if self.view != "detail":
            self.detail_from = self.view
            self.show_view("detail")
        self.detail.show(ticket, m.who)

        def fetch(client):
            fresh = api.ticket(client, ticket["id"])
            comments = api.comments(client, ticket["id"])
            activity = api.activity(client, ticket["id"])
            labels = api.ticket_labels(client, ticket["id"])
            sprint = ""
            if fresh.get("sprint_id"):
                sprint = api.sprint(client, fresh["sprint_id"]).get("name", "")
            from alloy.tui import links

            return (keyed(fresh, m.projects), comments, labels, sprint, activity,
                    links.fetch(client, fresh))

        def show(result):
            fresh, comments, labels, sprint, activity, links = result
            if self.showing(fresh["id"]):
                self.detail.show(fresh, m.who, sprint, comments, labels, activity, links)
                self.update_status()
        self.io(fetch, done=show, what="ticket detail")

    def on_ticket_table_open(self, event) -> None:
        self.open_detail(event.ticket)

    def on_sprint_board_open(self, event) -> None:
        self.open_detail(keyed(event.ticket, self.model.projects))
