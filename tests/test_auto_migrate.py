"""`ALLOY_AUTO_MIGRATE=false` on a database with pending migrations: `alloy serve` refuses to
start, with one line naming them and how to apply them (it used to start "healthy" and then
fail requests on missing tables)."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest

from alloy.store.migrate import files
from tests.pg import _Compat, use_postgres
from tests.support import BIN, base_env, free_port, wait_ready

LAST = files("sqlite")[-1]  # (version, name, path): the newest migration


def _serve(env: dict, log: Path) -> subprocess.Popen:
    with open(log, "w") as out:
        return subprocess.Popen([str(BIN / "alloy"), "serve", "--host", "127.0.0.1",
                                 "--port", str(env["PORT"])], env=env, stdout=out,
                                stderr=subprocess.STDOUT, text=True)


def _refused(env: dict, log: Path) -> str:
    proc = _serve(env, log)
    assert proc.wait(120) == 1
    return log.read_text()


def _forget_newest(env: dict) -> None:
    """Make the newest migration pending again, as a new release's would be."""
    if use_postgres():
        with _Compat(env["ALLOY_MIGRATION_DATABASE_URL"]) as db:
            db.execute("DELETE FROM schema_migrations WHERE version = ?", (LAST[0],))
        return
    db = sqlite3.connect(env["ALLOY_DATABASE_URL"].removeprefix("sqlite:///"))
    with db:
        db.execute("DELETE FROM schema_migrations WHERE version = ?", (LAST[0],))
    db.close()


def test_a_pending_migration_stops_the_server(tmp_path):
    env = base_env(tmp_path, PORT=free_port())
    subprocess.run([str(BIN / "alloy"), "migrate"], env=env, check=True, capture_output=True)
    _forget_newest(env)
    out = _refused({**env, "ALLOY_AUTO_MIGRATE": "false"}, tmp_path / "serve.log")
    error = [ln for ln in out.splitlines() if ln.startswith("error:")]
    assert len(error) == 1, out
    assert f"1 pending migration(s) ({LAST[0]:04d}_{LAST[1]})" in error[0]
    assert "alloy migrate" in error[0] and "Traceback" not in out
    assert "Listening" not in out


@pytest.mark.skipif(use_postgres(), reason="the test databases copy a migrated template")
def test_an_empty_database_stops_the_server(tmp_path):
    env = base_env(tmp_path, PORT=free_port(), ALLOY_AUTO_MIGRATE="false")
    out = _refused(env, tmp_path / "serve.log")
    assert f"{len(files('sqlite'))} pending migration(s) (0001_" in out
    assert "more)" in out and "Traceback" not in out


def test_a_migrated_database_serves(tmp_path):
    env = base_env(tmp_path, PORT=free_port())
    subprocess.run([str(BIN / "alloy"), "migrate"], env=env, check=True, capture_output=True)
    proc = _serve({**env, "ALLOY_AUTO_MIGRATE": "false"}, tmp_path / "serve.log")
    try:
        url = f"http://127.0.0.1:{env['PORT']}"
        wait_ready(proc, url + "/health", tmp_path / "serve.log")
        assert httpx.get(url + "/health").status_code == 200
    finally:
        proc.terminate()
        proc.wait(30)
