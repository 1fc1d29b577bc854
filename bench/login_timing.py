"""Login timing: a known email with a wrong password vs an unknown email (issue 14, item 7).

Both should cost one argon2 verification, so the median times should be close (ratio near
1.0; before the fix an unknown email answered ~40x faster). Measured here, never asserted in
the tests (timing is machine noise there); the structural test counts verifications instead.
Login rate limits are raised so the runs are not refused.

    python bench/login_timing.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import Server  # noqa: E402


def _median_ms(http, email: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = http.post("/api/v1/auth/login", json={"email": email, "password": "wrong-pass"})
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 401, r.text
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        srv = Server(Path(home), ALLOY_REGISTRATION="open", ALLOY_RATE_LIMIT_LOGIN="100000")
        try:
            srv.http.post("/api/v1/auth/register", json={
                "email": "known@example.com", "password": "password123", "display_name": "K"})
            _median_ms(srv.http, "nobody@example.com", 3)  # warm up (the dummy hash is made once)
            known = _median_ms(srv.http, "known@example.com", args.runs)
            unknown = _median_ms(srv.http, "nobody@example.com", args.runs)
        finally:
            srv.stop()
    print(f"known email, wrong password: {known:.1f} ms (median of {args.runs})")
    print(f"unknown email:               {unknown:.1f} ms")
    print(f"ratio known/unknown:         {known / unknown:.2f}")


if __name__ == "__main__":
    main()
