"""Rate limits: the login limit holds exactly across worker processes; 429 + Retry-After."""

from __future__ import annotations

import time

import httpx
import pytest

from tests import pg
from tests.support import Server


def _away_from_window_edge() -> None:
    """Fixed one-minute windows: do not start a counted burst in a window's last seconds."""
    left = 60 - time.time() % 60
    if left < 8:
        time.sleep(left + 0.5)


@pytest.mark.parametrize("db", ["sqlite", "postgres"])
def test_login_limit_is_shared_by_all_workers(tmp_path, db):
    extra = {}
    if db == "postgres":
        extra["ALLOY_DATABASE_URL"], extra["ALLOY_MIGRATION_DATABASE_URL"] = \
            pg.cluster().new_database()
    srv = Server(tmp_path, args=("--workers", "3"), ALLOY_RATE_LIMIT_LOGIN="5", **extra)
    try:
        _away_from_window_edge()
        codes, limited = [], None
        for _ in range(12):  # a fresh connection each time: spread over the workers
            r = httpx.post(srv.url + "/api/v1/auth/login", timeout=30,
                           json={"email": "nobody@example.com", "password": "wrong-password"})
            codes.append(r.status_code)
            if r.status_code == 429:
                limited = r
    finally:
        srv.stop()
    assert codes.count(401) == 5 and codes.count(429) == 7, codes
    assert limited.json()["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60


def test_global_limit_answers_429(tmp_path):
    srv = Server(tmp_path, ALLOY_RATE_LIMIT_GLOBAL="3", ALLOY_RATE_LIMIT_AUTH="100")
    try:
        _away_from_window_edge()
        codes = [srv.http.get("/api/v1/version").status_code for _ in range(3)]
        over = srv.http.get("/api/v1/version")
    finally:
        srv.stop()
    assert codes == [200, 200, 200]
    assert over.status_code == 429 and over.json()["error"]["code"] == "RATE_LIMITED"
    assert over.headers["Retry-After"]
