"""Execute user docs: every ```bash block of Markdown files, in order, in one bash.

Blocks fenced as ```bash (or the `fence` a page uses) run with `set -euo pipefail`;
```console, ```text and ```shell blocks are only shown. `alloy` (on PATH) is the installed
command; the caller's env says where `$BASE_URL`, the data and the config live. Each block's
output is kept apart, and a failure names the block that failed, with its text.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from tests.support import BIN

_MARK = "=== docs_runner block "


def bash_blocks(path: Path, fence: str = "bash") -> list[str]:
    return re.findall(rf"^```{fence}\n(.*?)^```", path.read_text(), re.S | re.M)


class DocRun:
    """A finished run: `stdout`/`stderr` whole, `block(n)` the stdout of block n."""

    def __init__(self, proc: subprocess.CompletedProcess, blocks: list[str]) -> None:
        self.returncode, self.stderr, self.blocks = proc.returncode, proc.stderr, blocks
        parts = proc.stdout.split(_MARK)
        self.stdout = "".join(p.split("\n", 1)[1] if "\n" in p else "" for p in parts[1:])
        self._out = {int(p.split("\n", 1)[0]): p.split("\n", 1)[1] if "\n" in p else ""
                     for p in parts[1:]}

    def block(self, n: int) -> str:
        return self._out.get(n, "")

    @property
    def last(self) -> int:
        return max(self._out, default=-1)


def run_doc(paths: Path | Iterable[Path], env: dict, cwd: Path, *, fence: str = "bash",
            nounset: bool = True, timeout: int = 300) -> DocRun:
    """Run the pages' blocks in one bash; raise AssertionError naming the failing block."""
    paths = [paths] if isinstance(paths, Path) else list(paths)
    blocks = [b for p in paths for b in bash_blocks(p, fence)]
    lines = ["set -eo pipefail" + (" -u" if nounset else "")]
    for n, block in enumerate(blocks):
        lines += [f"echo '{_MARK}{n}'", block]
    env = {**env, "PATH": f"{BIN}:{env.get('PATH', '')}"}
    proc = subprocess.run(["bash", "-c", "\n".join(lines)], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)
    run = DocRun(proc, blocks)
    if proc.returncode != 0:
        names = ", ".join(p.name for p in paths)
        failed = run.last
        raise AssertionError(
            f"{names}: block {failed} failed ({proc.returncode}):\n{blocks[failed]}\n"
            f"--- its stdout\n{run.block(failed)[-3000:]}\n--- stderr\n{proc.stderr[-3000:]}")
    return run
