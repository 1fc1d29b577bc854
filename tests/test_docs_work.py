"""docs/projects-tickets.md and docs/teams.md: every `sh` block runs, in order, as written."""

from __future__ import annotations

import shutil

import pytest

from tests.docs_runner import run_doc
from tests.support import ROOT, Server, base_env

pytestmark = pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")),
                                reason="needs curl and jq")


@pytest.mark.parametrize("name", ["projects-tickets.md", "teams.md"])
def test_doc_examples_run(tmp_path, name):
    (tmp_path / "srv").mkdir()
    srv = Server(tmp_path / "srv", ALLOY_REGISTRATION="open")
    try:
        run = run_doc(ROOT / "docs" / name, base_env(tmp_path / "cli", BASE_URL=srv.url),
                      tmp_path, fence="sh", timeout=120)
    finally:
        srv.stop()
    out = run.stdout
    assert "null" not in out.split() or name == "projects-tickets.md"
    if name == "projects-tickets.md":
        assert "BACK\n" in out and "BACK-1\n" in out and "WEB-1\n" in out
        assert '"code":"CONFLICT"' in out and '{"tickets":2,' in out
    else:
        assert '["members: 1","projects: 1"]' in out and "204" in out
