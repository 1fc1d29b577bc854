"""`alloy-tui` in a real terminal (tmux): create a ticket, change its status, quit; the CLI
sees the change. Waits poll the screen with a generous limit; nothing asserts on time."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.support import BIN, base_env, cli

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

SETUP = """
from alloy.cli.session import client
client().call("projects.create", body={"key": "PROJ", "name": "Proj"})
"""
READ = """
import json
from alloy.cli.session import client
c = client()
p = c.call("projects.get_by_key", key="PROJ")
print(json.dumps(c.call("tickets.list", project_id=p["id"], query={"limit": 100})["items"]))
"""


class Tmux:
    def __init__(self, env: dict, command: list[str]) -> None:
        self.socket = f"alloy-test-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={_q(v)}" for k, v in env.items() if k.startswith("ALLOY_"))
        line = f"env {exports} TERM=xterm-256color {' '.join(_q(c) for c in command)}"
        self.tmux("new-session", "-d", "-s", "tui", "-x", "120", "-y", "32", line)

    def tmux(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=30)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "tui").stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "tui", key)
            time.sleep(0.05)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "tui", "-l", text)

    def wait_for(self, text: str, limit: float = 30) -> str:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared:\n{self.screen()}")

    def running(self) -> bool:
        return self.tmux("has-session", "-t", "tui").returncode == 0

    def close(self) -> None:
        self.tmux("kill-server")


def _q(text: str) -> str:
    import shlex

    return shlex.quote(str(text))


def tickets_via_cli(env: dict) -> list[dict]:
    """Read back through the CLI (`alloy ticket list`), or the client if the group is absent."""
    proc = cli(["ticket", "list", "--project", "PROJ", "--format", "json"], env, check=False)
    if proc.returncode == 0 and isinstance(proc.data, dict):
        return proc.data["data"]
    out = subprocess.run([sys.executable, "-c", READ], env=env, capture_output=True, text=True,
                         timeout=60, check=True).stdout
    return json.loads(out)


def session(tmp_path, change_status: bool) -> list[dict]:
    env = base_env(tmp_path)
    cli(["onboard", "--email", "me@example.com", "--password", "password123", "--org-name",
         "Acme", "--org-slug", "acme"], env)
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=60,
                   capture_output=True)
    term = Tmux(env, [str(BIN / "alloy-tui")])
    try:
        term.wait_for("Connected")
        term.wait_for("[All]")
        term.keys("n")
        term.wait_for("New ticket in PROJ")
        term.type("Ship from tmux")
        term.keys("Enter")
        term.wait_for("PROJ-1     Ship from tmux")
        if change_status:
            term.keys("s")
            term.wait_for("Status of PROJ-1")
            term.keys("j", "j", "Enter")  # Backlog -> Todo -> InProgress
            term.wait_for("InProgress")
        term.keys("q")
        deadline = time.monotonic() + 30
        while term.running() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not term.running(), term.screen()
    finally:
        term.close()
    return tickets_via_cli(env)


def test_tmux_create_and_quit(tmp_path):
    tickets = session(tmp_path, change_status=False)
    assert [(t["title"], t["status"]) for t in tickets] == [("Ship from tmux", "Backlog")]


def test_tmux_create_change_status_and_quit(tmp_path):
    tickets = session(tmp_path, change_status=True)
    assert [(t["title"], t["status"]) for t in tickets] == [("Ship from tmux", "InProgress")]


SEED = SETUP + """
p = client().call("projects.get_by_key", key="PROJ")
for title in ("Tune cache", "Add dark mode", "Fix login bug"):
    client().call("tickets.create", project_id=p["id"], body={"title": title})
"""


def test_tmux_pasted_command_and_search_go_to_the_line(tmp_path):
    """`send-keys -l` delivers the text in one burst: nothing may run as a Normal-mode key
    (issue 18: `s` of `:sort` opened "Status of", `c` of `/cach` a comment popup)."""
    env = base_env(tmp_path)
    cli(["onboard", "--email", "me@example.com", "--password", "password123", "--org-name",
         "Acme", "--org-slug", "acme"], env)
    subprocess.run([sys.executable, "-c", SEED], env=env, check=True, timeout=60,
                   capture_output=True)
    term = Tmux(env, [str(BIN / "alloy-tui")])
    try:
        term.wait_for("[All] 1/3")
        term.type(":sort title\r")
        screen = term.wait_for("sort title:asc")
        assert "Status of" not in screen
        rows = [row for row in (line.strip("│ ") for line in screen.splitlines())
                if row.startswith("PROJ-")]  # inside the list's frame
        assert [r.split()[1] for r in rows] == ["Add", "Fix", "Tune"], screen
        term.type("/cach")
        screen = term.wait_for("Tune cache")
        time.sleep(0.5)  # a misrouted key would open its popup by now
        screen = term.screen()
        assert "[SEARCH]" in screen and "Comment on" not in screen, screen
        assert "Add dark mode" not in screen
        term.type("\x1b")
        term.wait_for("[NORMAL]")
        term.type(":q\r")
        deadline = time.monotonic() + 30
        while term.running() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not term.running(), term.screen()
    finally:
        term.close()


def test_tmux_e_hands_the_terminal_to_the_editor_and_takes_it_back(tmp_path):
    """`e` suspends the app: the editor (a script that talks to the terminal) owns the
    screen and the keyboard until it exits; then the TUI redraws with the saved ticket."""
    env = base_env(tmp_path)
    cli(["onboard", "--email", "me@example.com", "--password", "password123", "--org-name",
         "Acme", "--org-slug", "acme"], env)
    subprocess.run([sys.executable, "-c", SEED], env=env, check=True, timeout=60,
                   capture_output=True)
    editor = tmp_path / "editor"
    editor.write_text('#!/bin/sh\necho "EDITING $1 - press Enter"\nread answer\n'
                      'printf "Edited in a real terminal\\n\\nwith a body\\n" > "$1"\n')
    editor.chmod(0o755)
    term = Tmux(env, [f"EDITOR={editor}", str(BIN / "alloy-tui")])
    try:
        term.wait_for("[All] 1/3")
        term.keys("e")
        screen = term.wait_for("EDITING")
        assert "alloy-PROJ-1-" in screen and "[NORMAL]" not in screen  # the app stepped aside
        term.keys("Enter")
        term.wait_for("Edited in a real terminal")
        assert "[NORMAL]" in term.wait_for("[All] 1/3")
        term.keys("q")
    finally:
        term.close()
    [edited] = [t for t in tickets_via_cli(env) if t["ticket_number"] == 1]
    assert (edited["title"], edited["description"]) == ("Edited in a real terminal",
                                                        "with a body")
