"""docs/search.md: every ```bash example runs against a live server, as written."""

from __future__ import annotations

from tests.docs_runner import run_doc
from tests.support import ROOT, Server


def test_search_doc_examples_run(tmp_path):
    srv = Server(tmp_path, ALLOY_REGISTRATION="open")
    try:
        run = run_doc(ROOT / "docs" / "search.md", {**srv.env, "BASE_URL": srv.url}, tmp_path)
        assert run.block(1) == "BACK-1\nBACK-2\n"
    finally:
        srv.stop()
