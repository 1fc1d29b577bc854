"""Issue 17: errors say what to do — a broken credentials file, a spent session, a read-only
database, a word that is no ticket, a missing import file; and login/logout as docs/cli.md
says (a login without --api-url stays on the saved server; logout returns to embedded)."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.daily_support import make_day
from tests.support import cli


def _creds(env) -> Path:
    return Path(env["ALLOY_CONFIG_DIR"]) / "credentials.toml"


def test_a_broken_credentials_file_is_named_with_the_way_out(env_for):
    env = env_for()
    cli(["onboard", "--email", "c@example.com", "--password", "password123", "--org-name", "C",
         "--org-slug", "c"], env)
    path = _creds(env)
    path.write_text(path.read_text() + "garbage = = [\n")
    broken = cli(["org", "list"], env, check=False)
    assert broken.returncode == 3
    assert f"cannot read {path}" in broken.stderr
    assert "run `alloy auth login` to write a new one, or delete the file" in broken.stderr
    cli(["auth", "login", "--email", "c@example.com", "--password", "password123"], env)
    assert cli(["org", "list", "--format", "plain"], env).stdout.strip()


def test_a_spent_session_says_to_log_in(server, env_for):
    day = make_day("remote", server, env_for)
    path = _creds(day.env)
    saved = tomllib.loads(path.read_text())
    cli(["auth", "logout"], day.env)  # revokes the refresh token on the server...
    import tomli_w

    path.write_text(tomli_w.dumps({**saved, "access_token": "expired"}))  # ...then reuse it
    spent = cli(["org", "list"], day.env, check=False)
    assert spent.returncode == 3
    assert spent.stderr.strip() == "error: session expired: run `alloy auth login`"


def test_login_stays_remote_and_logout_returns_to_embedded(server, env_for):
    day = make_day("remote", server, env_for)
    env = {k: v for k, v in day.env.items() if k != "ALLOY_API_URL"}
    cli(["auth", "login", "--email", day.email, "--password", "password123"], env)
    assert tomllib.loads(_creds(env).read_text())["api_url"] == server.url
    assert cli(["auth", "me"], env).data["email"] == day.email  # the server knows this user
    out = cli(["auth", "logout", "--format", "json"], env).data
    assert out == {"logged_out": True, "api_url": server.url}
    assert not _creds(env).exists()
    embedded = cli(["org", "list"], env, check=False)  # no server, no login: embedded
    assert embedded.returncode == 3 and "cannot reach" not in embedded.stderr


def test_a_word_that_is_no_ticket_is_a_usage_error(env_for):
    env = env_for()
    cli(["onboard", "--email", "w@example.com", "--password", "password123", "--org-name", "W",
         "--org-slug", "w"], env)
    bad = cli(["ticket", "get", "notaref"], env, check=False)
    assert bad.returncode == 2 and "'notaref' is not a ticket reference" in bad.stderr
    missing = cli(["import", "/nonexistent.json"], env, check=False)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "error: no such file: /nonexistent.json"


def _read_only(path: Path) -> bool:
    if os.geteuid() != 0:
        path.chmod(0o444)
        return True
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def test_a_read_only_database_is_named(env_for):
    env = env_for()
    cli(["onboard", "--email", "r@example.com", "--password", "password123", "--org-name", "R",
         "--org-slug", "r"], env)
    db = Path(env["ALLOY_DATABASE_URL"].removeprefix("sqlite:///"))
    if not db.exists():
        pytest.skip("the database is not a SQLite file here")
    cli(["org", "list"], env)  # the WAL is checkpointed by a clean close
    if not _read_only(db):
        pytest.skip("cannot make a file read-only here (root without chattr)")
    try:
        ro = cli(["org", "create", "--name", "X", "--slug", "x-ro"], env, check=False)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(db)], check=True)
        db.chmod(0o600)
    assert ro.returncode == 1
    assert ro.stderr.strip() == (f"error: the database {db} is read-only: make it and its "
                                 "directory writable, or set ALLOY_DATABASE_URL to a writable "
                                 "one")


def test_embedded_onboard_says_nothing_about_jwt_keys(env_for):
    env = env_for()
    done = cli(["onboard", "--email", "j@example.com", "--password", "password123",
                "--org-name", "J", "--org-slug", "j"], env, subprocess=True)
    assert "JWT" not in done.stderr and "production" not in done.stderr


def test_serve_still_warns_about_generated_keys(tmp_path):
    from tests.support import Server

    srv = Server(tmp_path)
    srv.stop()
    assert "No JWT keys configured" in srv.output()
