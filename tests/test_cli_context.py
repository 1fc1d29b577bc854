"""Saved context in remote mode: login remembers the server, `org switch` changes the org the
server acts in, `auth token` masks the token, and credentials.toml is private."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

from tests.conftest import unique_email
from tests.support import cli


def test_org_switch_in_remote_mode(server, env_for):
    email = unique_email("ctx")
    server.http.post("/api/v1/auth/register", json={
        "email": email, "password": "password123", "display_name": "Ctx"}).raise_for_status()
    env = env_for()
    cli(["--api-url", server.url, "auth", "login", "--email", email, "--password",
         "password123"], env)
    path = Path(env["ALLOY_CONFIG_DIR"]) / "credentials.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tomllib.loads(path.read_text())["api_url"] == server.url  # later commands: remote
    a = cli(["org", "create", "--name", "A", "--slug", f"a-{email.split('@')[0]}"], env).data
    b = cli(["org", "create", "--name", "B", "--slug", f"b-{email.split('@')[0]}"], env).data
    for org in (a, b, a):
        assert cli(["org", "switch", org["id"], "--format", "plain"], env).stdout.strip() == \
            org["id"]
        assert tomllib.loads(path.read_text())["org_id"] == org["id"]
        invite = cli(["invite", "create", "--email", unique_email("inv")], env).data
        assert invite["org_id"] == org["id"]  # the server acted in the switched org
    token = cli(["auth", "token", "--format", "json"], env).data
    saved = tomllib.loads(path.read_text())["access_token"]
    assert token["token"] == saved[:12] + "*" * 8 + saved[-4:] and token["api_url"] == server.url


def test_credentials_parse_is_reused_only_while_the_file_is_unchanged(env_for):
    env = env_for()
    cli(["onboard", "--email", unique_email("own"), "--password", "password123",
         "--org-name", "Acme", "--org-slug", "acme"], env)
    path = Path(env["ALLOY_CONFIG_DIR"]) / "credentials.toml"
    copy = path.with_name(".credentials.parsed.json")
    org = cli(["org", "list"], env).data["data"][0]
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600  # holds tokens, like the file
    # A hand edit is read at once: the kept parse no longer matches the file.
    path.write_text(path.read_text().replace(org["id"], "not-an-org"))
    failed = cli(["invite", "create", "--email", unique_email("inv")], env, check=False)
    assert failed.returncode == 5 and "organization not found" in failed.stderr
    # Saving (org switch) drops the kept parse; the next command parses the new file.
    cli(["org", "switch", org["id"]], env)
    assert tomllib.loads(path.read_text())["org_id"] == org["id"]
    assert cli(["invite", "create", "--email", unique_email("inv")], env).data["org_id"] == \
        org["id"]
