"""Secrets at rest and on the command line (issue 14, item 11)."""

from __future__ import annotations

import stat

import pytest

from tests.pg import use_postgres
from tests.support import BIN, Server, cli
from tests.terminal import TMUX, Terminal

needs_tmux = pytest.mark.skipif(TMUX is None, reason="tmux is needed for a real terminal")


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


@pytest.mark.skipif(use_postgres(), reason="the SQLite files of a server's data directory")
def test_a_database_an_older_alloy_left_0644_is_tightened(tmp_path):
    """Files created before Alloy made them 0600 are made the owner's alone when opened."""
    import sqlite3

    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    db = data / "alloy.db"
    old = sqlite3.connect(db)
    old.execute("PRAGMA journal_mode=WAL")
    old.execute("CREATE TABLE leftover (x)")  # -wal and -shm exist while this stays open
    for path in (db, data / "alloy.db-wal", data / "alloy.db-shm"):
        path.chmod(0o644)
    srv = Server(tmp_path)
    try:
        assert srv.http.get("/health").status_code == 200
        for name in ("alloy.db", "alloy.db-wal", "alloy.db-shm"):
            assert _mode(data / name) == 0o600, name
    finally:
        srv.stop()
        old.close()


def _login(env, *extra, input=None):
    return cli(["auth", "login", "--email", "pw@example.com", *extra, "--format", "json"],
               env, input=input, check=False)


@pytest.fixture
def account(env_for):
    env = env_for()
    made = cli(["onboard", "--email", "pw@example.com", "--password-stdin", "--org-name", "Pw",
                "--org-slug", "pw"], env, input="from stdin\n")
    assert made.data["api_key"]
    return env


def test_password_from_stdin_env_or_flag(account):
    env = account
    assert _login(env, "--password-stdin", input="from stdin\n").data["email"] == "pw@example.com"
    assert _login({**env, "ALLOY_PASSWORD": "from stdin"}).returncode == 0
    assert _login(env, "--password", "from stdin").returncode == 0  # still works, visible in ps
    wrong = _login({**env, "ALLOY_PASSWORD": "wrong password"})
    assert wrong.returncode != 0 and "invalid email or password" in wrong.stderr


def test_no_password_and_no_terminal_is_a_usage_error(account):
    r = _login(account)
    assert r.returncode == 2 and "--password" in r.stderr
    both = _login(account, "--password", "x", "--password-stdin", input="x\n")
    assert both.returncode == 2 and "together" in both.stderr


@needs_tmux
def test_password_prompt_on_a_terminal_is_hidden(account, tmp_path):
    with Terminal([str(BIN / "alloy"), "auth", "login", "--email", "pw@example.com",
                   "--format", "plain"], account, tmp_path) as term:
        term.wait_for("Password:")
        term.type("from stdin")
        assert "from stdin" not in term.screen()
        term.send("Enter")
        assert term.exit_code() == 0
