"""`e` edits a ticket in a real `$EDITOR` (a shell script here), like `git commit` does."""

from __future__ import annotations

import os
import stat
import tempfile

import pytest
from alloy.tui import editor

from tests.test_tui_app import start
from tests.tui_support import screen_text, settle, ticket_row, workspace


@pytest.fixture
def ws(tmp_path, monkeypatch):
    return workspace(tmp_path, monkeypatch, tickets=2)


def script(tmp_path, body: str, name: str = "fake-editor") -> str:
    """An editor: a shell script run with the file's path as $1."""
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


async def edit_first(ws, tmp_path, monkeypatch, body: str, var: str = "EDITOR"):
    monkeypatch.setenv(var, script(tmp_path, body))
    app = ws.app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(app, pilot)
        await pilot.press("e")
        await settle(pilot)
        return app.tickets.table.selected, [n.message for n in app._notifications], screen_text(app)


async def test_e_saves_what_the_editor_wrote(ws, tmp_path, monkeypatch):
    seen = tmp_path / "seen.md"
    row, _, text = await edit_first(ws, tmp_path, monkeypatch, f"""
cp "$1" {seen}
case "$1" in *.md) ;; *) exit 3 ;; esac
printf 'Fix the login bug for good\\n\\nSessions expire after 30 days.\\nSee the RFC.\\n' > "$1"
""")
    assert seen.read_text() == "Fix login bug\n"  # what the editor was given: title, no description
    saved = ws.get(ws.tickets[0]["id"])
    assert saved["title"] == "Fix the login bug for good"
    assert saved["description"] == "Sessions expire after 30 days.\nSee the RFC."
    assert row.title == "Fix the login bug for good"
    assert "Fix the login bug for good" in text


async def test_visual_wins_over_editor_and_keeps_its_arguments(ws, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", script(tmp_path, 'printf "From EDITOR\\n" > "$1"', "ed"))
    visual = script(tmp_path, 'printf "From VISUAL %s\\n" "$1" > "$2"', "visual")
    await edit_first(ws, tmp_path, monkeypatch, "exit 0", var="EDITOR_UNUSED")
    assert ws.get(ws.tickets[0]["id"])["title"] == "From EDITOR"
    monkeypatch.setenv("VISUAL", f"{visual} --wait")
    await edit_first(ws, tmp_path, monkeypatch, "exit 0", var="EDITOR_UNUSED")
    assert ws.get(ws.tickets[0]["id"])["title"] == "From VISUAL --wait"


@pytest.mark.parametrize(("body", "said"), [
    (":", "nothing changed"),
    (': > "$1"', "the file was empty"),
    ('printf "\\n\\n" > "$1"', "the file was empty"),
    ('printf "New title\\n" > "$1"; exit 1', "exited with status 1"),
])
async def test_unchanged_empty_or_failed_edit_cancels(ws, tmp_path, monkeypatch, body, said):
    _, messages, _ = await edit_first(ws, tmp_path, monkeypatch, body)
    assert any(said in m and "cancelled" in m for m in messages), messages
    after = ws.get(ws.tickets[0]["id"])
    assert after["title"] == "Fix login bug" and after["updated_at"] == ws.tickets[0]["updated_at"]
    assert not [f for f in os.listdir(tempfile.gettempdir())
                if f.startswith("alloy-PROJ-1-")]  # the temp file is gone


async def test_without_an_editor_e_opens_the_popup_and_i_always_does(ws, tmp_path, monkeypatch):
    from alloy.tui.popups import EditPopup

    app = ws.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("e")
        assert isinstance(app.screen, EditPopup)
        await pilot.press("escape")
    monkeypatch.setenv("EDITOR", script(tmp_path, "exit 9"))
    app = ws.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("i")
        assert isinstance(app.screen, EditPopup)


def test_the_file_round_trips_title_and_description():
    ticket = ticket_row(title="T", description="line 1\n\nline 3")
    before = editor.to_text(ticket)
    assert before == "T\n\nline 1\n\nline 3\n"
    assert editor.parse(before.replace("T\n", "New\n", 1), before) == {
        "title": "New", "description": "line 1\n\nline 3"}
    assert editor.parse("Only a title\n", before) == {"title": "Only a title",
                                                      "description": None}
    with pytest.raises(editor.Cancelled, match="title"):
        editor.parse(" \nbody only\n", before)
