"""docs/views.md is executed: its ```bash blocks run in order in one fresh embedded setup."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.docs_runner import bash_blocks, run_doc
from tests.support import ROOT, base_env

DOC = ROOT / "docs" / "views.md"


@pytest.mark.skipif(not shutil.which("jq"), reason="the examples use jq")
def test_views_doc_examples_run(tmp_path):
    run = run_doc(DOC, base_env(tmp_path, PATH=os.environ.get("PATH", "")), tmp_path)
    assert run.block(1).splitlines() == ["BACK-1", "urgent login", "Triage"]
    assert run.block(2).splitlines() == ["login is:open sort:created-asc", "BACK-1", "BACK-2", "true"]


def test_every_bash_block_is_counted():
    assert len(bash_blocks(DOC)) == 3
