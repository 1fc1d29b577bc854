"""docs/cli.md is executed: its ```bash blocks run in order, in one fresh environment (own
data and config dirs, a fresh `alloy serve` as $SERVER), and must succeed. ```shell blocks
are illustrations (installation, paths in $HOME) and are not run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.docs_runner import bash_blocks, run_doc
from tests.support import BIN, ROOT, Server, base_env

DOC = ROOT / "docs" / "cli.md"


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("docs-server"))
    yield srv
    srv.stop()


@pytest.mark.skipif(not shutil.which("jq"), reason="the examples pipe into jq")
def test_cli_doc_examples_run(fresh_server, tmp_path):
    env = base_env(tmp_path, SERVER=fresh_server.url, PATH=os.environ.get("PATH", ""))
    run = run_doc(DOC, env, tmp_path, nounset=False)
    assert run.block(1).split() == ["alloy_live_", "Acme", "Corp"]
    assert "owner@example.com Owner" in run.block(3)
    assert run.block(4).split() == ['["data","has_more","next_cursor"]', "true", "1"]
    assert "exit 2" in run.block(6)
    assert [line for line in run.block(7).splitlines() if line.startswith("exit")] == [
        "exit 5", "exit 6", "exit 8"]
    assert "already exists" in run.block(7)
    assert "alloy org switch [ID]" in run.block(9)
    assert run.block(10).split() == ["Owner", "16000", "15000", "2026-07-01", "2026-01-01"]
    assert run.block(11).split() == ["env", "production"]  # a tag on a project named by key


def test_every_bash_block_is_counted():
    assert len(bash_blocks(DOC)) == 12


def _has(*path: str) -> bool:
    from alloy.cli.main import command

    node = command()
    for word in path:
        node = getattr(node, "commands", {}).get(word)
        if node is None:
            return False
    return True


@pytest.mark.skipif(not shutil.which("jq"), reason="the tour pipes into jq")
@pytest.mark.skipif(not (_has("project", "use") and _has("ticket", "create")),
                    reason="project/ticket commands not merged yet")
def test_readme_tour_runs(tmp_path):
    """From the README alone: set up, log in, create a project and tickets, pipe into jq."""
    readme = (ROOT / "README.md").read_text()
    tour = re.search(r"## Five-minute tour\n.*?```bash\n(.*?)```", readme, flags=re.S).group(1)
    env = base_env(tmp_path, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run(["bash", "-c", "set -eo pipefail\n" + tour], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()[-2:]
    assert sorted(line.split("\t")[1] for line in lines) == ["Add caching", "Fix login timeout"]
