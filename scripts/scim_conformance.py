#!/usr/bin/env python3
"""Run the public SCIM conformance testers (scim2-tester, scim-sanity) against a live Alloy
server on SQLite, then on PostgreSQL, and print their figures.

The checks and the documented deviations live in tests/test_scim_conformance.py (one
place); this runs that file on both databases with its figures shown:

    scripts/scim_conformance.py            # SQLite and PostgreSQL
    scripts/scim_conformance.py sqlite     # one of them
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    status = 0
    for db in argv or ["sqlite", "postgres"]:
        print(f"== SCIM conformance testers on {db}", flush=True)
        env = {**os.environ, "ALLOY_TEST_DB": db}
        status |= subprocess.call(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "pytest", "-n", "0", "-q", "-s",
             "-p", "no:cacheprovider", "tests/test_scim_conformance.py"], cwd=ROOT, env=env)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
