"""Rate limits: the login limit holds exactly across worker processes; 429 + Retry-After."""

from __future__ import annotations

import time

import httpx
import pytest

from tests import pg
from tests.support import Server


def _in_one_window(burst):
    """Run `burst(source_ip)` within one fixed one-minute window; if a window edge fell inside,
    run it again from another loopback address (a client whose counters start at zero)."""
    for n in range(2, 5):
        start = int(time.time() // 60)
        result = burst(f"127.0.0.{n}")
        if int(time.time() // 60) == start:
            return result
    raise AssertionError("could not run the burst inside one window")


def _client(ip: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=ip), timeout=30)


@pytest.mark.parametrize("db", ["sqlite", "postgres"])
def test_login_limit_is_shared_by_all_workers(tmp_path, db):
    extra = {}
    if db == "postgres":
        extra["ALLOY_DATABASE_URL"], extra["ALLOY_MIGRATION_DATABASE_URL"] = \
            pg.cluster().new_database()
    srv = Server(tmp_path, args=("--workers", "3"), ALLOY_RATE_LIMIT_LOGIN="5", **extra)

    def burst(ip):
        answers = []
        for _ in range(12):  # a fresh connection each time: spread over the workers
            with _client(ip) as http:
                answers.append(http.post(srv.url + "/api/v1/auth/login", json={
                    "email": "nobody@example.com", "password": "wrong-password"}))
        return answers

    try:
        answers = _in_one_window(burst)
    finally:
        srv.stop()
    codes = [r.status_code for r in answers]
    limited = answers[-1]
    assert codes.count(401) == 5 and codes.count(429) == 7, codes
    assert limited.json()["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60


def test_global_limit_answers_429(tmp_path):
    srv = Server(tmp_path, ALLOY_RATE_LIMIT_GLOBAL="3", ALLOY_RATE_LIMIT_AUTH="100")
    try:
        def burst(ip):
            with _client(ip) as http:
                return [http.get(srv.url + "/api/v1/version") for _ in range(4)]

        answers = _in_one_window(burst)
    finally:
        srv.stop()
    codes, over = [r.status_code for r in answers[:3]], answers[3]
    assert codes == [200, 200, 200]
    assert over.status_code == 429 and over.json()["error"]["code"] == "RATE_LIMITED"
    assert over.headers["Retry-After"]
