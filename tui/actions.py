"""Quick actions on the selected ticket (s a c p n e l t d D), shared by the three views of
the tickets screen, which holds them (`screen.actions`) and binds their keys.

Each action opens a popup, then runs the change in a worker and applies the answer locally.
"""

from __future__ import annotations

from alloy.tui import api
from alloy.tui.model import PRIORITIES


def popups():
    """The popup classes, imported on first use (keeps start-up, and first paint, short)."""
    from alloy.tui import popups

    return popups


def counted(n: int, name: str) -> str:
    """`1 time entry`, `2 time entries`, from a table-like name (`time_entries`)."""
    words = name.replace("_", " ")
    if n == 1:
        words = words[:-3] + "y" if words.endswith("ies") else words.removesuffix("s")
    return f"{n} {words}"


class TicketActions:
    """What the action keys do; held by the tickets screen (`screen.actions`)."""

    def __init__(self, screen) -> None:
        self.screen = screen

    @property
    def app(self):
        return self.screen.app

    @property
    def model(self):
        return self.screen.model

    # -- s a c p ---------------------------------------------------------------------------
    def status(self) -> None:
        t = self.screen.selected()
        if t is None:
            return
        statuses = self.model.statuses_for(t)
        current = statuses.index(t.status) if t.status in statuses else 0

        def chosen(status):
            if status:
                self.app.io(api.set_status, t.id, status, done=self.screen.ticket_changed,
                            what="status change")
        self.app.push_screen(popups().SelectPopup(
            f"Status of {t.key}", [(s, s) for s in statuses], current), chosen)

    def assign(self) -> None:
        t = self.screen.selected()
        if t is None:
            return
        people = sorted(self.model.members.items(), key=lambda kv: kv[1].lower())
        options = [("Unassign", "")] + [(name, uid) for uid, name in people]
        current = next((i for i, (_, uid) in enumerate(options)
                        if uid == (t.assignee_id or "")), 0)

        def chosen(user_id):
            if user_id is not None:
                self.app.io(lambda c: api.update(c, t.id, assignee_id=user_id or None),
                            done=self.screen.ticket_changed, what="assign")
        self.app.push_screen(popups().SelectPopup(f"Assign {t.key}", options, current),
                             chosen)

    def comment(self) -> None:
        t = self.screen.selected()
        if t is None:
            return

        def chosen(text):
            if text:
                self.app.io(api.comment, t.id, text, done=lambda _: self._commented(t),
                            what="comment")
        self.app.push_screen(popups().TextPopup(f"Comment on {t.key}", "Type a comment"),
                             chosen)

    def _commented(self, ticket) -> None:
        self.screen.notify(f"Comment added to {ticket.key}")
        self.screen.reread_detail(ticket.id)

    def priority(self) -> None:
        t = self.screen.selected()
        if t is None:
            return
        current = PRIORITIES.index(t.priority.value)

        def chosen(priority):
            if priority:
                self.app.io(lambda c: api.update(c, t.id, priority=priority),
                            done=self.screen.ticket_changed, what="priority change")
        self.app.push_screen(popups().SelectPopup(
            f"Priority of {t.key}", [(p, p) for p in PRIORITIES], current), chosen)

    # -- n / N: create, or move between search matches -------------------------------------
    def new_or_next(self) -> None:
        if self.screen.view == "list" and self.model.search:
            self._match(1)
        else:
            self.create()

    def prev_match(self) -> None:
        if self.screen.view == "list" and self.model.search:
            self._match(-1)

    def _match(self, step: int) -> None:
        table = self.screen.table
        if table.rows:
            table.move_to((table.cursor + step) % len(table.rows))

    def target_project(self):
        m, s = self.model, self.screen
        t = s.table.selected if s.view == "list" else s.detail.ticket
        return m.project(m.project_id) or (m.project(t.project_id) if t else None) or \
            (m.projects[0] if m.projects else None)

    def create(self) -> None:
        project = self.target_project()
        if project is None:
            self.screen.notify("No project to create in: create one with "
                               "`alloy project create`", severity="error")
            return

        def chosen(form):
            if form:
                self.app.io(api.create, project.id, form["title"], form["priority"],
                            done=self._created, what="create")
        self.app.push_screen(popups().CreatePopup(project.key), chosen)

    def _created(self, ticket) -> None:
        s = self.screen
        self.model.add([ticket])
        s.refresh_list()
        if s.view == "list":
            s.table.move_to(next((i for i, r in enumerate(s.table.rows)
                                  if r.id == ticket.id), s.table.cursor))
        s.notify(f"Created {ticket.key}")

    # -- e / i: edit title and description -------------------------------------------------
    def edit(self) -> None:
        """`e`: in `$VISUAL`/`$EDITOR` when one is set, else the popup."""
        from alloy.tui import editor

        t = self.screen.selected()
        if t is None:
            return
        if not editor.can_run(self.app):
            self.edit_inline()
            return
        try:
            form = editor.edit(self.app, t, editor.editor_command())
        except editor.Cancelled as why:
            self.screen.notify(str(why), severity="warning")
            return
        self.save_edit(t, form)

    def edit_inline(self) -> None:
        """`i`: the popup (Insert mode)."""
        t = self.screen.selected()
        if t is None:
            return
        self.app.push_screen(popups().EditPopup(t),
                             lambda form: form and self.save_edit(t, form))

    def save_edit(self, t, form: dict) -> None:
        """The one save for both ways of editing."""
        self.app.io(lambda c: api.update(c, t.id, **form), done=self.screen.ticket_changed,
                    what="edit")

    # -- l / L: labels ---------------------------------------------------------------------
    def labels(self) -> None:
        t = self.screen.selected()
        if t is None:
            return
        org = self.model.org_id

        def fetch(client):
            return api.labels(client, org), api.ticket_labels(client, t.id)

        def show(result):
            labels, attached = result
            self.app.push_screen(popups().LabelsPopup(
                t, labels, {lb.id for lb in attached}, toggle=self.toggle_label))
        self.app.io(fetch, done=show, what="labels")

    def toggle_label(self, popup, label, on: bool) -> None:
        """Enter in the labels popup: attach or detach, then tick it there."""
        t = popup.ticket

        def toggled(_):
            popup.set_attached(label.id, on)
            self.screen.reread_detail(t.id)  # its Labels line
        self.app.io(api.toggle_label, t.id, label.id, on, done=toggled,
                    what="label toggle")

    # -- t: log time -----------------------------------------------------------------------
    def log_time(self) -> None:
        t = self.screen.selected()
        if t is None:
            return
        user = self.model.user_id

        def chosen(form):
            if form:
                self.app.io(api.log_time, user, t, form["minutes"], form["activity"],
                            done=lambda _: self.screen.notify(
                                f"Logged {form['minutes']} min {form['activity']} on "
                                f"{t.key}"),
                            what="time log")
        self.app.push_screen(popups().TimePopup(t.key), chosen)

    # -- d / D: delete ---------------------------------------------------------------------
    def delete(self) -> None:
        t = self.screen.selected()
        if t is None:
            return

        def chosen(yes):
            if yes:
                self.app.io(api.delete, t.id, done=lambda _: self.screen.ticket_removed(t),
                            what="delete")
        self.app.push_screen(popups().ConfirmPopup(f"Delete {t.key}: {t.title}?"),
                             chosen)

    def cascade_delete(self) -> None:
        t = self.screen.selected()
        if t is None:
            return

        def preview(counts: dict):
            parts = [counted(n, name) for name, n in counts.items() if n] or ["no dependents"]
            yes = "Yes, delete ticket + " + ", ".join(parts)

            def chosen(ok):
                if ok:
                    self.app.io(api.cascade_delete, t.id,
                                done=lambda _: self.screen.ticket_removed(t),
                                what="cascade delete")
            self.app.push_screen(popups().ConfirmPopup(f"Cascade delete {t.key}?", yes,
                                                       yes_first=True), chosen)
        self.app.io(api.cascade_preview, t.id, done=preview, what="cascade preview")
