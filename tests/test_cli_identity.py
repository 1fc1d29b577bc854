"""The identity slice of the CLI, embedded and remote, as the CLI Reference shows it."""

from __future__ import annotations

import pytest

from tests.conftest import unique_email
from tests.support import auth, cli


@pytest.fixture(params=["embedded", "remote"])
def mode(request, server, env_for):
    """An environment for CLI runs in one mode, with a registered, logged-in user."""
    email = unique_email("cli")
    if request.param == "remote":
        env = env_for(ALLOY_API_URL=server.url)
        server.http.post("/api/v1/auth/register", json={
            "email": email, "password": "password123", "display_name": "Cli"})
        cli(["auth", "login", "--email", email, "--password", "password123"], env)
    else:
        env = env_for()
        cli(["onboard", "--email", email, "--password", "password123", "--org-name", "Acme",
             "--org-slug", "acme"], env)
        cli(["auth", "login", "--email", email, "--password", "password123"], env)
    return request.param, env, email


def test_login_token_and_orgs(mode):
    kind, env, email = mode
    tok = cli(["auth", "token", "--format", "json"], env).data
    assert tok["email"] == email and "*" in tok["token"]
    assert len(tok["token"]) == 12 + 8 + 4
    org = cli(["org", "create", "--name", "Acme Corp", "--slug", f"acme-corp-{kind}-{email[3:8]}",
               "--format", "json"], env).data
    orgs = cli(["org", "list", "--format", "json"], env).data
    assert org["id"] in [o["id"] for o in orgs["data"]] and orgs["has_more"] is False
    plain = cli(["org", "list", "--format", "plain"], env).stdout.split()
    assert org["id"] in plain
    cli(["org", "switch", org["id"]], env)
    me = cli(["invite", "create", "--email", "dev1@acme.com", "--role", "Member"], env).data
    assert me["org_id"] == org["id"] and me["role"] == "Member"
    listed = cli(["invite", "list"], env).data["data"]
    assert [i["email"] for i in listed] == ["dev1@acme.com"]
    members = cli(["org", "members", "--format", "json"], env).data["data"]
    assert [m["role"] for m in members] == ["Owner"]


def test_api_keys(mode):
    kind, env, _ = mode
    created = cli(["auth", "api-key", "create", "--name", "Dashboard", "--scopes", "read",
                   "--format", "plain"], env).stdout.strip()
    assert created.startswith("alloy_live_")
    keys = cli(["auth", "api-key", "list", "--format", "json"], env).data["data"]
    assert [k["name"] for k in keys if k["name"] != "onboarding"] == ["Dashboard"]
    dash = next(k["id"] for k in keys if k["name"] == "Dashboard")
    cli(["auth", "api-key", "revoke", dash], env)
    left = cli(["auth", "api-key", "list"], env).data["data"]
    assert dash not in [k["id"] for k in left]


def test_errors_are_one_line_with_exit_codes(mode):
    """As the executable answers them: one stderr line, no traceback, the documented code."""
    kind, env, _ = mode

    def real(*args):
        return cli(list(args), env, check=False, subprocess=True)

    bad = real("org", "create", "--name", "X", "--slug", "Not Valid")
    assert bad.returncode == 7 and bad.stderr.startswith("error: ")
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    assert real("org", "switch", "00000000-0000-7000-8000-000000000000").returncode == 5
    assert real("org", "create").returncode == 2
    assert real("org", "list", "--format", "xml").returncode == 2


def test_health_both_modes(server, env_for):
    local = cli(["health", "--format", "json"], env_for()).data
    remote = cli(["health", "--format", "json", "--api-url", server.url], env_for()).data
    assert local["status"] == remote["status"] == "ok"


def test_connection_failure_exit_code(env_for):
    r = cli(["health", "--api-url", "http://127.0.0.1:9"], env_for(), check=False)
    assert r.returncode == 8 and "cannot reach" in r.stderr


def test_not_logged_in(env_for):
    r = cli(["org", "list"], env_for(), check=False)
    assert r.returncode == 3 and "error:" in r.stderr


def test_remote_refreshes_an_expired_token(server, env_for):
    email = unique_email("refresh")
    server.http.post("/api/v1/auth/register", json={
        "email": email, "password": "password123", "display_name": "R"})
    env = env_for(ALLOY_API_URL=server.url)
    cli(["auth", "login", "--email", email, "--password", "password123"], env)
    import tomllib
    from pathlib import Path

    from alloy.config import config_dir  # noqa: F401 - path comes from env below

    path = Path(env["ALLOY_CONFIG_DIR"]) / "credentials.toml"
    creds = tomllib.loads(path.read_text())
    path.write_text(path.read_text().replace(creds["access_token"], "expired.jwt.token"))
    assert cli(["org", "list"], env).data["data"]
    fresh = tomllib.loads(path.read_text())
    assert fresh["access_token"] != "expired.jwt.token"
    assert server.http.get("/api/v1/auth/me", headers=auth(fresh["access_token"])
                           ).status_code == 200


def test_register_from_the_cli_with_and_without_an_invite(server, env_for, register):
    """`alloy auth register` makes an account on a server and signs in as it; with an invite
    code the new account joins the inviting org with the invite's role."""
    from tests.conftest import unique_email
    from tests.support import auth

    owner = register("inviter")
    org_id = owner["org_id"]
    invite = server.http.post(f"/api/v1/orgs/{org_id}/invites", headers=auth(
        owner["access_token"]), json={"role": "Reporter"}).json()
    env = env_for(ALLOY_API_URL=server.url)
    email = unique_email("joiner")
    joined = cli(["auth", "register", "--email", email, "--name", "Joiner", "--invite-code",
                  invite["invite_code"], "--password-stdin", "--format", "json"], env,
                 input="password123\n").data
    assert joined["email"] == email and joined["org_id"] == org_id
    me = cli(["auth", "me", "--format", "json"], env).data
    assert (me["email"], me["role"]) == (email, "Reporter")
    solo = env_for(ALLOY_API_URL=server.url, ALLOY_CONFIG_DIR=str(env["ALLOY_CONFIG_DIR"]) + "2")
    alone = cli(["auth", "register", "--email", unique_email("solo"), "--name", "Solo",
                 "--password-stdin", "--format", "json"], solo, input="password123\n").data
    assert alone["org_id"] != org_id
    taken = cli(["auth", "register", "--email", email, "--name", "Again", "--password-stdin"],
                solo, input="password123\n", check=False)
    assert taken.returncode == 6 and "Traceback" not in taken.stderr
    short = cli(["auth", "register", "--email", unique_email("x"), "--name", "X",
                 "--password-stdin"], solo, input="short\n", check=False)
    assert short.returncode == 7 and "password" in short.stderr
