"""docs/workflows.md and docs/sprints.md are tests: their ```bash blocks run, in order, in
one bash with `set -euo pipefail`, against a live server whose database the embedded CLI
shares (```console blocks are only shown)."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.support import BIN, ROOT, Server

_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)


@pytest.mark.parametrize("name", ["workflows.md", "sprints.md"])
def test_doc_examples_run(name, tmp_path):
    text = (ROOT / "docs" / name).read_text()
    script = "set -euo pipefail\n" + "\n".join(_BLOCK.findall(text))
    srv = Server(tmp_path, ALLOY_REGISTRATION="open")
    try:
        env = {**srv.env, "BASE_URL": srv.url, "PATH": f"{BIN}:{srv.env.get('PATH', '')}"}
        proc = subprocess.run(["bash", "-c", script], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
    finally:
        srv.stop()
    assert proc.returncode == 0, f"{name}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
