"""Every row of the exit-code table in docs/cli.md, caused for real: by the `alloy`
executable, as a shell sees it (the set-up runs in-process)."""

from __future__ import annotations

import re

from alloy.cli.output import fail

from alloy.errors import AlloyError
from tests.conftest import unique_email
from tests.support import ROOT, auth, cli


def code(args: list[str], env: dict):
    """The real executable's exit code, and its stderr."""
    r = cli(args, env, check=False, subprocess=True)
    return r.returncode, r.stderr


def documented() -> dict[int, str]:
    text = (ROOT / "docs" / "cli.md").read_text()
    return {int(code): meaning.strip() for code, meaning in
            re.findall(r"^\| (\d+) \| ([^|]+) \|", text, flags=re.M)}


def test_the_table_matches_cli_output():
    from alloy.cli import output

    codes = documented()
    assert set(codes) == {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 130}
    assert set(output.EXIT.values()) | {output.OK, output.ERROR, output.USAGE,
                                        output.INTERRUPTED} == set(codes)


def test_embedded_codes(env_for):
    env = env_for()
    assert code(["org", "list"], env)[0] == 3  # not logged in
    cli(["onboard", "--email", "e@example.com", "--password", "password123",
         "--org-name", "Acme", "--org-slug", "acme"], env)
    assert code(["org", "list"], env)[0] == 0
    assert code(["org", "create"], env)[0] == 2
    assert code(["org", "switch", "00000000-0000-7000-8000-000000000000"], env)[0] == 5
    assert code(["org", "create", "--name", "Acme", "--slug", "acme"], env)[0] == 6
    status, stderr = code(["org", "create", "--name", "X", "--slug", "Not Valid"], env)
    assert status == 7 and "slug" in stderr
    assert code(["org", "list", "--api-url", "http://127.0.0.1:9"], env)[0] == 8


def test_forbidden_is_4(server, env_for):
    owner = server.http.post("/api/v1/auth/register", json={
        "email": unique_email("owner"), "password": "password123", "display_name": "O"}).json()
    org = server.http.post("/api/v1/orgs", headers=auth(owner["access_token"]), json={
        "name": "Exit Codes", "slug": f"exit-{unique_email('s').split('@')[0]}"}).json()
    viewer_email = unique_email("viewer")
    invite = server.http.post(f"/api/v1/orgs/{org['id']}/invites",
                              headers=auth(owner["access_token"]),
                              json={"email": viewer_email, "role": "Viewer"}).json()
    viewer = server.http.post("/api/v1/auth/register", json={
        "email": viewer_email, "password": "password123", "display_name": "V"}).json()
    server.http.post("/api/v1/invites/accept", headers=auth(viewer["access_token"]),
                     json={"invite_code": invite["invite_code"]}).raise_for_status()
    env = env_for(ALLOY_API_URL=server.url)
    cli(["auth", "login", "--email", viewer_email, "--password", "password123"], env)
    cli(["org", "switch", org["id"]], env)
    status, stderr = code(["invite", "create", "--email", "x@example.com"], env)
    assert status == 4 and stderr.startswith("error: ")


def test_generic_error_is_1(capsys):
    assert fail(AlloyError("something broke")) == 1
    assert capsys.readouterr().err == "error: something broke\n"
