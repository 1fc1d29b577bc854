"""Secrets at rest and on the command line (issue 14, item 11)."""

from __future__ import annotations

import stat

import pytest

from tests.pg import use_postgres
from tests.support import Server


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(use_postgres(), reason="the SQLite files of a server's data directory")
def test_server_data_files_are_the_owners_alone(tmp_path):
    srv = Server(tmp_path)  # a fresh data directory: the server creates everything in it
    try:
        r = srv.http.post("/api/v1/auth/register", json={
            "email": "files@example.com", "password": "password123", "display_name": "F"})
        assert r.status_code == 201
        data = tmp_path / "data"
        assert _mode(data) == 0o700
        for name in ("alloy.db", "alloy.db-wal", "alloy.db-shm"):
            assert _mode(data / name) == 0o600, name
        keys = list(tmp_path.rglob("jwt_ed25519.pem"))
        assert keys and all(_mode(k) == 0o600 and _mode(k.parent) == 0o700 for k in keys)
    finally:
        srv.stop()
