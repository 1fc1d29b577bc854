"""scripts/setup (and so scripts/run) says it is still installing while an installer runs
quietly, instead of minutes of silence (issue 17)."""

from __future__ import annotations

import re
import subprocess

from tests.support import ROOT


def _quiet() -> str:
    text = (ROOT / "scripts" / "setup").read_text()
    return re.search(r"^quiet\(\) \{\n.*?^\}\n", text, re.S | re.M).group(0)


def test_a_long_quiet_step_shows_progress_and_a_failure_its_output():
    script = (f"set -euo pipefail\n{_quiet()}quiet sleep 3\n"
              "quiet sh -c 'echo broken >&2; exit 3' || echo \"rc=$?\"\n")
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "ALLOY_SETUP_TICK": "1"})
    assert "... still installing (1 s)" in done.stderr
    assert "broken" in done.stderr and done.stdout == "rc=3\n"
