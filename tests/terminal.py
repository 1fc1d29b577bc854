"""A real terminal for CLI tests: a program runs in its own tmux server, keys go in with
send-keys, the screen comes back with capture-pane. Each Terminal owns one tmux socket and
kills only that server when closed."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path

TMUX = shutil.which("tmux")


class Terminal:
    def __init__(self, argv: list[str], env: dict, workdir: Path, width: int = 120,
                 height: int = 30) -> None:
        self.socket = f"alloy-test-{uuid.uuid4().hex[:10]}"
        self.done = workdir / f"exit-{self.socket}"
        script = workdir / f"run-{self.socket}.sh"
        exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())
        script.write_text(f"{exports}{shlex.join(argv)}\necho $? > {shlex.quote(str(self.done))}\n"
                          "sleep 600\n")
        self._tmux("new-session", "-d", "-x", str(width), "-y", str(height),
                   f"bash --noprofile --norc {shlex.quote(str(script))}")

    def _tmux(self, *args: str) -> str:
        return subprocess.run([TMUX, "-L", self.socket, *args], capture_output=True, text=True,
                              check=True, timeout=20).stdout

    def screen(self, escapes: bool = False) -> str:
        return self._tmux("capture-pane", "-p", *(["-e"] if escapes else []))

    def send(self, *keys: str, literal: bool = False) -> None:
        self._tmux("send-keys", *(["-l"] if literal else []), *keys)

    def type(self, text: str) -> None:
        self.send(text, literal=True)

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen:\n{self.screen()}")

    def exit_code(self, timeout: float = 20) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.done.exists() and self.done.read_text().strip():
                return int(self.done.read_text())
            time.sleep(0.1)
        raise AssertionError(f"program did not finish; screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True, timeout=20)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
