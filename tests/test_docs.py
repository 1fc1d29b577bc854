"""User docs are tests: their ```bash examples run against a live server."""

from __future__ import annotations

import pytest

from tests.docs_runner import run_doc
from tests.support import ROOT, Server

DOCS = ["getting-started.md", "authentication.md", "server.md", "webhooks.md", "workflows.md",
        "sprints.md"]


@pytest.mark.parametrize("name", DOCS)
def test_doc_examples_run(name, tmp_path):
    srv = Server(tmp_path, ALLOY_REGISTRATION="open")
    try:
        run_doc(ROOT / "docs" / name, {**srv.env, "BASE_URL": srv.url}, tmp_path)
    finally:
        srv.stop()
