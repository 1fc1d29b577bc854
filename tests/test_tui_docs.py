"""docs/tui.md is a contract: every key it documents is bound, and its command examples run."""

from __future__ import annotations

import re
from pathlib import Path

from alloy.tui import keymap
from alloy.tui.app import AlloyApp
from alloy.tui.popups import EditPopup, HelpPopup, VimList
from alloy.tui.popups.base import Popup
from alloy.tui.widgets.statusbar import CommandLine
from textual.screen import Screen
from textual.widgets import Input, OptionList

from tests.test_tui_actions import ws  # noqa: F401 - fixture
from tests.test_tui_app import start
from tests.tui_support import settle

DOC = Path(__file__).resolve().parent.parent / "docs" / "tui.md"
NAMES = {"Esc": "escape", "Enter": "enter", "Tab": "tab", "Shift+Tab": "shift+tab",
         "Down": "down", "Up": "up", "Left": "left", "Right": "right", "/": "slash",
         "?": "question_mark", ":": "colon", "Backspace": "backspace", "Ctrl+S": "ctrl+s",
         "gg": "g", "Space": "space"}


def documented_keys() -> set[str]:
    keys, in_key_table = set(), False
    for line in DOC.read_text().splitlines():
        if line.startswith("| Key |"):
            in_key_table = True
            continue
        if not line.startswith("|"):
            in_key_table = False
            continue
        if in_key_table and not line.startswith("|---"):
            first = line.split("|")[1]
            keys.update(NAMES.get(k, k) for k in re.findall(r"`([^`]+)`", first))
    return keys


def bound_keys() -> set[str]:
    classes = (AlloyApp, Screen, Input, OptionList, VimList, Popup, EditPopup, HelpPopup,
               CommandLine)
    bindings = [b for cls in classes for b in cls.BINDINGS] + keymap.all_bindings()
    return keymap.keys_of(b for b in bindings if not isinstance(b, tuple))


def test_every_documented_key_is_bound():
    documented = documented_keys()
    assert {"j", "k", "g", "G", "n", "N", "s", "a", "c", "p", "e", "i", "l", "L", "t", "d", "D",
            "b", "h", "q", "escape", "colon", "slash", "question_mark"} <= documented
    missing = documented - bound_keys()
    assert not missing, f"documented but not bound: {sorted(missing)}"


def test_every_app_binding_is_documented():
    documented = documented_keys()
    ours = keymap.keys_of(keymap.all_bindings()) | keymap.keys_of(CommandLine.BINDINGS)
    assert ours - documented == set()


def test_every_command_is_documented():
    from alloy.tui.commands import COMMANDS

    text = DOC.read_text()
    for name in COMMANDS:
        assert f"`:{name}" in text, name


async def test_command_examples_run(ws):  # noqa: F811
    ws.client.call("projects.create", body={"key": "BACK", "name": "Back"})
    block = DOC.read_text().split("```text\n", 1)[1].split("```", 1)[0]
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("tab")  # the PROJ project
        for line in block.strip().splitlines():
            await pilot.press("colon", *line.lstrip(":"), "enter")
            await settle(pilot)
            if app.screen is not app.screen_stack[0]:
                await pilot.press("escape")
            errors = [n.message for n in app._notifications if n.severity == "error"]
            assert not errors, (line, errors)
        assert app.model.project_label == "BACK"
