"""An API key made without project_ids belongs to the org its maker works in (issue 16):
the active team org, else the only team org, never the personal org that registration
makes and that a login's token still carries (spec 23: "Register, create an org, and get
your API key"). Checked on the API, the CLI (embedded and remote) and MCP."""

from __future__ import annotations

import anyio
import pytest

from tests.conftest import unique_email
from tests.support import auth, cli


def _key_org(server, key: str) -> str:
    """The org a key acts in, as the key itself reports it."""
    me = server.http.get("/api/v1/auth/me", headers=auth(key))
    assert me.status_code == 200, me.text
    return me.json()["org_id"]


def _embedded_key_org(env: dict, key: str) -> str:
    """The org a key acts in, asked of the CLI's own database with the key."""
    from alloy.client.local import LocalClient
    from alloy.config import Settings
    from alloy.env import bootstrap

    local = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=env["ALLOY_DATABASE_URL"]))
    try:
        return LocalClient(local, token=key).call("auth.me")["org_id"]
    finally:
        local.close()


def _org(server, token: str, slug: str) -> str:
    made = server.http.post("/api/v1/orgs", headers=auth(token),
                            json={"name": slug.title(), "slug": slug})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_api_a_key_goes_to_the_only_team_org_then_needs_one_named(server, register):
    pair = register("keyorg")
    token, personal = pair["access_token"], pair["org_id"]
    alone = server.http.post("/api/v1/api-keys", headers=auth(token), json={"name": "solo"})
    assert _key_org(server, alone.json()["key"]) == personal  # no team org: the personal one

    team = _org(server, token, f"team-{personal[-8:]}")
    made = server.http.post("/api/v1/api-keys", headers=auth(token), json={"name": "CI Key"})
    assert made.status_code == 201, made.text
    assert _key_org(server, made.json()["key"]) == team  # was the personal org

    other = _org(server, token, f"other-{personal[-8:]}")
    ambiguous = server.http.post("/api/v1/api-keys", headers=auth(token), json={"name": "?"})
    assert ambiguous.status_code == 422
    assert {d["message"].rsplit(", ", 1)[1][:-1] for d in ambiguous.json()["error"]["details"]} \
        == {team, other}
    named = server.http.post("/api/v1/api-keys", json={"name": "named"},
                             headers={**auth(token), "X-Alloy-Org-Id": other})
    assert named.status_code == 201 and _key_org(server, named.json()["key"]) == other


@pytest.mark.parametrize("mode", ["embedded", "remote"])
def test_cli_a_key_goes_to_the_team_org_of_a_personal_login(mode, server, env_for):
    """Logged in on the personal org (the org was made elsewhere, e.g. in the browser)."""
    email = unique_email("keycli")
    env = env_for(ALLOY_API_URL=server.url) if mode == "remote" else env_for()
    if mode == "remote":
        token = server.http.post("/api/v1/auth/register", json={
            "email": email, "password": "password123",
            "display_name": "Key Cli"}).json()["access_token"]
    else:
        cli(["auth", "register", "--email", email, "--password", "password123",
             "--display-name", "Key Cli"], env)
    login = cli(["auth", "login", "--email", email, "--password", "password123"], env).data
    if mode == "remote":
        team = _org(server, token, f"cli-{login['user_id'][-8:]}")
        key = cli(["auth", "api-key", "create", "--name", "CI"], env).data["key"]
        assert _key_org(server, key) == team
    else:
        team = cli(["org", "create", "--name", "Cli Team", "--slug",
                    f"cli-{login['user_id'][-8:]}"], env).data["id"]
        cli(["org", "switch", login["org_id"]], env)  # back on the personal org
        key = cli(["auth", "api-key", "create", "--name", "CI", "--format", "json"], env).data
        assert _embedded_key_org(env, key["key"]) == team


def test_api_the_org_named_by_the_header_wins_even_the_personal_one(server, register):
    """X-Alloy-Org-Id names the org outright: in two team orgs, a key made naming the
    personal org is the personal org's (it was a 422 asking to name one); an org the user
    is not in is still a 404."""
    pair = register("keynamed")
    token, personal = pair["access_token"], pair["org_id"]
    teams = [_org(server, token, f"{n}-{personal[-8:]}") for n in ("one", "two")]
    for org in (personal, *teams):
        made = server.http.post("/api/v1/api-keys", json={"name": "named"},
                                headers={**auth(token), "X-Alloy-Org-Id": org})
        assert made.status_code == 201, made.text
        assert _key_org(server, made.json()["key"]) == org
    stranger = register("keystranger")["org_id"]
    assert server.http.post("/api/v1/api-keys", json={"name": "x"}, headers={
        **auth(token), "X-Alloy-Org-Id": stranger}).status_code == 404


@pytest.mark.parametrize("mode", ["embedded", "remote"])
def test_cli_alloy_org_id_names_the_personal_org_for_a_key(mode, server, env_for):
    """`ALLOY_ORG_ID` names the org for one command (docs/cli.md), as the header does: in two
    team orgs, a key goes to the personal org it names. Without it the saved login's own org
    is not named, so the CLI still asks which team org (422)."""
    email = unique_email("keyenv")
    env = env_for(ALLOY_API_URL=server.url) if mode == "remote" else env_for()
    cli(["auth", "register", "--email", email, "--password", "password123",
         "--display-name", "Key Env"], env)
    login = cli(["auth", "login", "--email", email, "--password", "password123"], env).data
    personal = login["org_id"]
    for n in ("one", "two"):
        cli(["org", "create", "--name", f"Team {n}", "--slug", f"env{n}-{personal[-8:]}"], env)
    cli(["org", "switch", personal], env)  # the login's own org, as after `auth login`
    asked = cli(["auth", "api-key", "create", "--name", "CI"], env, check=False)
    assert asked.returncode != 0 and "org_id is required" in asked.stderr
    key = cli(["auth", "api-key", "create", "--name", "CI", "--format", "json"],
              {**env, "ALLOY_ORG_ID": personal}).data["key"]
    found = _key_org(server, key) if mode == "remote" else _embedded_key_org(env, key)
    assert found == personal


def test_mcp_create_api_key_goes_to_the_team_org(tmp_path):
    from tests.test_mcp_harness import connect, data, make_world

    w = make_world(tmp_path)  # embedded MCP acts as the CLI login: the personal org active
    try:
        team = _org(w.server, w.token, f"mcp-{w.user_id[-8:]}")

        async def go():
            async with connect(w, "stdio-embedded") as c:
                return data(await c.call_tool("create_api_key", {"name": "From MCP"}))

        made = anyio.run(go)
        assert _key_org(w.server, made["key"]) == team
    finally:
        w.server.stop()


def test_mcp_alloy_org_id_names_the_personal_org_for_a_key(tmp_path):
    """Embedded alloy-mcp with ALLOY_ORG_ID acts in the org it names, as the CLI does."""
    import dataclasses

    from tests.test_mcp_harness import World, connect, data, make_world

    class Named(World):
        def mcp_env(self, transport: str) -> dict:
            return {**super().mcp_env(transport), "ALLOY_ORG_ID": self.org_id}

    w = make_world(tmp_path)
    try:
        for n in ("one", "two"):
            _org(w.server, w.token, f"mcp{n}-{w.user_id[-8:]}")
        named = Named(*(getattr(w, f.name) for f in dataclasses.fields(w)))

        async def go():
            async with connect(named, "stdio-embedded") as c:
                return data(await c.call_tool("create_api_key", {"name": "Mine"}))

        made = anyio.run(go)
        assert _key_org(w.server, made["key"]) == w.org_id  # the personal org it names
    finally:
        w.server.stop()
