"""Execute a user doc: every ```bash block of a Markdown file, in order, in one bash.

Blocks fenced as ```bash run with `set -euo pipefail`; ```console or ```text blocks are only
shown. The environment points `alloy` (on PATH) and `$BASE_URL` at a live test server whose
database is also the embedded one, so curl and CLI examples see the same data.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.support import BIN

_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)


def bash_blocks(path: Path) -> list[str]:
    return _BLOCK.findall(path.read_text())


def run_doc(path: Path, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    script = "set -euo pipefail\n" + "\n".join(bash_blocks(path))
    env = {**env, "PATH": f"{BIN}:{env.get('PATH', '')}"}
    proc = subprocess.run(["bash", "-c", script], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"{path.name} failed ({proc.returncode}):\n--- stdout\n"
                             f"{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-3000:]}")
    return proc
