"""docs/daily.md is executed: its ```bash blocks run in order in one fresh embedded setup."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from tests.docs_runner import bash_blocks, run_doc
from tests.support import ROOT, base_env

DOC = ROOT / "docs" / "daily.md"
GIT = {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
       for what, value in (("NAME", "Dev"), ("EMAIL", "dev@example.com"))}


@pytest.mark.skipif(not (shutil.which("jq") and shutil.which("git")),
                    reason="the examples use jq and git")
def test_daily_doc_examples_run(tmp_path):
    env = base_env(tmp_path, PATH=os.environ.get("PATH", ""), **GIT)
    run = run_doc(DOC, env, tmp_path)
    assert run.block(0).strip() == "BACK-1"
    assert run.block(1).strip() == "Fix login timeout"
    assert run.block(2).splitlines()[:3] == [
        "back-1-fix-login-timeout", "Started BACK-1 (Backlog -> InProgress); timer running",
        "Logged 1m on BACK-1 as Coding (draft"]
    assert run.block(2).splitlines()[3:] == ["BACK-1", "Done: BACK-1 (InProgress -> Done)",
                                             "1 Draft", "1 Draft"]
    assert run.block(3).splitlines() == [
        "Done -> Todo (Default, enforcement none): allowed", '{"allowed":true,"reason":null}']
    fields = run.block(4).split()
    assert fields[:3] == ["id", "project_id", "ticket_number"]
    assert re.search(r'"key": "BACK-1",\s+"status": "Done"', run.block(4))
    assert run.block(4).splitlines()[-1] == "BACK-1 Done"


def test_every_bash_block_is_counted():
    assert len(bash_blocks(DOC)) == 5
