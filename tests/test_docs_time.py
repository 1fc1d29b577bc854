"""The examples in docs/time-tracking.md and docs/finance-reports.md run as written.

Every ```bash block of the two pages runs, in order, in one bash script against a fresh
server (curl for the API, `alloy` in remote mode for the CLI); then the files it wrote are
checked.
"""

from __future__ import annotations

import csv
import re
import subprocess

import pytest

from tests.support import BIN, ROOT, Server, base_env
from tests.test_capitalization import HEADER

PAGES = ("time-tracking.md", "finance-reports.md")


def bash_blocks(page: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", (ROOT / "docs" / page).read_text(), re.S)


@pytest.fixture
def docs_server(tmp_path):
    (tmp_path / "srv").mkdir()
    srv = Server(tmp_path / "srv", ALLOY_REGISTRATION="open")
    yield srv
    srv.stop()


def test_doc_examples_run(docs_server, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    script = "set -euo pipefail\n" + "\n".join(b for p in PAGES for b in bash_blocks(p))
    env = base_env(tmp_path / "home", BASE_URL=docs_server.url, ALLOY_API_URL=docs_server.url,
                   PATH=f"{BIN}:/usr/bin:/bin")
    proc = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert '"date"\n"duration_minutes"\n"activity_type"' in proc.stdout
    rows = list(csv.reader((work / "report.csv").read_text().splitlines()))
    assert ",".join(rows[0]) == HEADER
    # curl: 120 min on 03-28; CLI: 90 min on 03-24 and 45 min on 03-25 — all at 13500
    assert sum(int(r[11]) for r in rows[1:]) == 27000 + 20250 + 10125
    assert (work / "march-2026.csv").read_text() == (work / "report.csv").read_text()
    assert (work / "eng-001.csv").exists()


def test_every_time_and_report_command_is_documented():
    text = "".join((ROOT / "docs" / p).read_text() for p in PAGES)
    for command in ("time log", "time list", "time get", "time update", "time delete",
                    "time submit", "time approve", "time reject", "time submitted",
                    "time report", "report capitalization", "report export"):
        assert f"alloy {command}" in text, command
