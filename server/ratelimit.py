"""Fixed-window rate limits (ALLOY_RATE_LIMIT_LOGIN / _AUTH / _GLOBAL, requests per minute).

Why two mechanisms:

- LOGIN (auth.login, auth.register, onboard.run, per client IP) is a security control
  against password guessing, so it must hold exactly however many `--workers` share the
  database: its counter lives in the `rate_limits` table (one upsert per attempt, next to an
  argon2 hash that costs far more).
- GLOBAL (every request, per client IP) and AUTH (authenticated requests, per credential)
  are load-shedding controls on the hot path. Putting a database write in front of every
  request would cost more than most requests, so each process counts in memory and allows
  its share, ceil(limit / workers) (ALLOY_WORKERS, set by `alloy serve --workers`). Uvicorn
  spreads connections over the workers, so the fleet admits about `limit`; one long-lived
  connection is held to its worker's share, which errs on the strict side.

Unset (the default) means unlimited and costs nothing. Over the limit -> 429 RATE_LIMITED
with Retry-After (seconds to the next window).
"""

from __future__ import annotations

import math
import threading
import time

from alloy.errors import RateLimited

WINDOW = 60
LOGIN_OPS = frozenset({"auth.login", "auth.register", "onboard.run"})


def _refuse(window_start: int, now: float, what: str) -> RateLimited:
    err = RateLimited(f"rate limit exceeded for {what}: try again later")
    err.retry_after = max(1, math.ceil(window_start + WINDOW - now))
    return err


class LocalWindow:
    """In-process fixed-window counters."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._hits: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, what: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        start = int(now // WINDOW * WINDOW)
        with self._lock:
            window, count = self._hits.get(key, (start, 0))
            if window != start:
                if len(self._hits) > 10_000:
                    self._hits = {k: v for k, v in self._hits.items() if v[0] == start}
                window, count = start, 0
            count += 1
            self._hits[key] = (window, count)
        if count > self.limit:
            raise _refuse(start, now, what)


class RateLimiter:
    def __init__(self, login: int | None = None, auth: int | None = None,
                 global_: int | None = None, workers: int = 1) -> None:
        self.login = login
        per_process = max(1, workers)
        self.auth = LocalWindow(math.ceil(auth / per_process)) if auth else None
        self.global_ = LocalWindow(math.ceil(global_ / per_process)) if global_ else None

    @classmethod
    def from_settings(cls, server) -> RateLimiter:
        """The limits of `server` (Settings.server; 0 is unlimited)."""
        return cls(login=server.rate_limit_login or None, auth=server.rate_limit_auth or None,
                   global_=server.rate_limit_global or None, workers=server.workers)

    def check_fast(self, op, client: str, credential: str | None) -> None:
        """The in-memory limits, checked on the event loop before any work."""
        if self.global_ and op.name != "system.health":  # monitoring probes are not load
            self.global_.hit(client, "this client")
        if self.auth and op.auth and credential:
            self.auth.hit(credential, "this credential")

    def check_login(self, store, op, client: str) -> None:
        """The shared login limit: one upsert in the database (run in a worker thread)."""
        if not self.login or op.name not in LOGIN_OPS:
            return
        now = time.time()
        start = int(now // WINDOW * WINDOW)
        with store.unit() as db:
            hits = db.value(
                "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1) "
                "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 "
                "RETURNING hits", f"login:{client}", start)
            if hits == 1:  # first hit of a window: forget finished windows
                db.run("DELETE FROM rate_limits WHERE window_start < ?", start - WINDOW)
            db.commit()
        if hits > self.login:
            raise _refuse(start, now, "login attempts")
