"""docs/projects-tickets.md and docs/teams.md: every `sh` block runs, in order, as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.support import BIN, ROOT, Server, base_env

pytestmark = pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")),
                                reason="needs curl and jq")


def blocks(name: str) -> str:
    text = (ROOT / "docs" / name).read_text()
    return "\n".join(re.findall(r"```sh\n(.*?)```", text, re.S))


@pytest.mark.parametrize("name", ["projects-tickets.md", "teams.md"])
def test_doc_examples_run(tmp_path, name):
    (tmp_path / "srv").mkdir()
    srv = Server(tmp_path / "srv", ALLOY_REGISTRATION="open")
    env = base_env(tmp_path / "cli", BASE_URL=srv.url)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    try:
        proc = subprocess.run(["bash", "-c", "set -euo pipefail\n" + blocks(name)],
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    finally:
        srv.stop()
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
    assert "null" not in proc.stdout.split() or name == "projects-tickets.md"
    if name == "projects-tickets.md":
        out = proc.stdout
        assert "BACK\n" in out and "BACK-1\n" in out and "WEB-1\n" in out
        assert '"code":"CONFLICT"' in out and '{"tickets":2}' in out
    else:
        assert '["members: 1","projects: 1"]' in proc.stdout and "204" in proc.stdout
