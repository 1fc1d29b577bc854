"""The examples in docs/time-tracking.md and docs/finance-reports.md run as written.

Every ```bash block of the two pages runs, in order, in one bash script against a fresh
server (curl for the API, `alloy` in remote mode for the CLI); then the files it wrote are
checked.
"""

from __future__ import annotations

import csv

import pytest

from tests.docs_runner import run_doc
from tests.support import ROOT, Server, base_env
from tests.test_capitalization import HEADER

PAGES = ("time-tracking.md", "finance-reports.md")


@pytest.fixture
def docs_server(tmp_path):
    (tmp_path / "srv").mkdir()
    srv = Server(tmp_path / "srv", ALLOY_REGISTRATION="open")
    yield srv
    srv.stop()


def test_doc_examples_run(docs_server, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    env = base_env(tmp_path / "home", BASE_URL=docs_server.url, ALLOY_API_URL=docs_server.url,
                   PATH="/usr/bin:/bin")
    proc = run_doc([ROOT / "docs" / p for p in PAGES], env, work)
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
