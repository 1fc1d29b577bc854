"""Multi-field popups: create, edit, log time (Tab switches fields) and label toggling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alloy.tui.keymap import b
from alloy.tui.model import PRIORITIES
from alloy.tui.popups.base import Popup, VimList
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from alloy.domain.enums import ACTIVITY_TYPES

if TYPE_CHECKING:
    from alloy.domain.labels import Label as LabelRow  # `Label` is Textual's, here
    from alloy.domain.work import Ticket


class CreatePopup(Popup):
    """Title (required) and priority (default None); Enter creates."""

    def __init__(self, project_key: str) -> None:
        super().__init__()
        self.project_key = project_key

    def compose(self):
        with Vertical():
            yield Label(f"New ticket in {self.project_key}", classes="title")
            yield Label("Title")
            yield Input(placeholder="What needs doing?", id="title")
            yield Label("Priority (j/k)")
            yield VimList(*PRIORITIES, id="priority")
            yield Static("", classes="error", id="error")

    def on_mount(self) -> None:
        self.query_one("#priority", VimList).highlighted = PRIORITIES.index("None")
        self.query_one("#title", Input).focus()

    def _submit(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        if not title:
            self.query_one("#error", Static).update("Title is required")
            return
        index = self.query_one("#priority", VimList).highlighted or 0
        self.dismiss({"title": title, "priority": PRIORITIES[index]})

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._submit()


class EditPopup(Popup):
    """Title and description; Enter in the title (or Ctrl+S anywhere) saves."""

    BINDINGS = Popup.BINDINGS + [b("ctrl+s", "save", "Save the ticket", "edit.save")]

    def __init__(self, ticket: Ticket) -> None:
        super().__init__()
        self.ticket = ticket

    def compose(self):
        with Vertical():
            yield Label(f"Edit {self.ticket.key}  (Tab: next field, Ctrl+S: save)",
                        classes="title")
            yield Label("Title")
            yield Input(self.ticket.title, id="title")
            yield Label("Description")
            yield TextArea(self.ticket.description or "", id="description")
            yield Static("", classes="error", id="error")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def action_save(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        if not title:
            self.query_one("#error", Static).update("Title is required")
            return
        text = self.query_one("#description", TextArea).text
        self.dismiss({"title": title, "description": text or None})

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()


class TimePopup(Popup):
    """Duration in minutes (1-1440, digits only) and activity type (default Coding)."""

    def __init__(self, ticket_key: str) -> None:
        super().__init__()
        self.ticket_key = ticket_key

    def compose(self):
        with Vertical():
            yield Label(f"Log time on {self.ticket_key} (today)", classes="title")
            yield Label("Duration (minutes)")
            yield Input(restrict=r"[0-9]*", max_length=4, placeholder="30", id="minutes")
            yield Label("Activity type (j/k)")
            yield VimList(*ACTIVITY_TYPES, id="activity")
            yield Static("", classes="error", id="error")

    def on_mount(self) -> None:
        self.query_one("#activity", VimList).highlighted = 0
        self.query_one("#minutes", Input).focus()

    def _submit(self) -> None:
        raw = self.query_one("#minutes", Input).value
        minutes = int(raw) if raw.isdigit() else 0
        if not 1 <= minutes <= 1440:
            self.query_one("#error", Static).update("Duration must be 1–1440 minutes")
            return
        index = self.query_one("#activity", VimList).highlighted or 0
        self.dismiss({"minutes": minutes, "activity": ACTIVITY_TYPES[index]})

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._submit()


def label_prompt(label: LabelRow, on: bool) -> str:
    return f"{'✓' if on else ' '} {label.name} ({label.color})"


class LabelsPopup(Popup):
    """All org labels with ✓ on attached ones; Enter calls `toggle(popup, label, on)`, which
    attaches or detaches it and then calls `set_attached`."""

    def __init__(self, ticket: Ticket, labels: list[LabelRow], attached: set[str],
                 toggle) -> None:
        super().__init__()
        self.ticket, self.labels, self.attached = ticket, labels, set(attached)
        self.toggle = toggle

    def compose(self):
        with Vertical():
            yield Label(f"Labels of {self.ticket.key} (Enter toggles, Esc closes)",
                        classes="title")
            if not self.labels:
                yield Static("No labels in this organization yet.")
            yield VimList(*[Option(label_prompt(lb, lb.id in self.attached))
                            for lb in self.labels], id="labels")

    def on_mount(self) -> None:
        self.query_one(VimList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        label = self.labels[event.option_index]
        self.toggle(self, label, label.id not in self.attached)

    def set_attached(self, label_id: str, on: bool) -> None:
        (self.attached.add if on else self.attached.discard)(label_id)
        index = next(i for i, lb in enumerate(self.labels) if lb.id == label_id)
        self.query_one(VimList).replace_option_prompt_at_index(
            index, label_prompt(self.labels[index], on))
