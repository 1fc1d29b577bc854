"""docs/relations.md: every `bash` block runs, in order, as written (the CLI embedded, curl
against a live server), and the tree it shows is the one `alloy ticket tree` prints."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.docs_runner import bash_blocks, run_doc
from tests.support import ROOT, Server, base_env

pytestmark = pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")),
                                reason="needs curl and jq")
DOC = ROOT / "docs" / "relations.md"


def test_relations_doc_runs(tmp_path):
    (tmp_path / "srv").mkdir()
    srv = Server(tmp_path / "srv", ALLOY_REGISTRATION="open")
    try:
        run = run_doc(DOC, base_env(tmp_path / "cli", BASE_URL=srv.url), tmp_path, timeout=180)
    finally:
        srv.stop()
    blocks = bash_blocks(DOC)
    shown = re.search(r"^```text\n(.*?)^```", DOC.read_text(), re.S | re.M).group(1)
    tree = next(i for i, b in enumerate(blocks) if "ticket tree" in b)
    assert run.block(tree) == shown
    for n, block in enumerate(blocks):  # each `# output` comment is what the block printed
        for expected in re.findall(r"^# (.+)$", block, re.M):
            assert expected in run.block(n).splitlines(), (n, expected, run.block(n))
