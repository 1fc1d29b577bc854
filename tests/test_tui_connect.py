"""The TUI on a live server (ALLOY_BASE_URL / --api-url), org discovery, and failures shown."""

from __future__ import annotations

import pytest
from alloy.tui.app import AlloyApp

from tests.support import auth, free_port
from tests.tui_support import screen_text, settle


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    for name in ("ALLOY_ORG_ID", "ALLOY_BASE_URL", "ALLOY_API_URL", "ALLOY_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ALLOY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ALLOY_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'alloy.db'}")
    return monkeypatch


def seed(server, register, key: str) -> tuple[dict, str]:
    pair = register("tui")
    h = auth(pair["access_token"])
    me = server.http.get("/api/v1/auth/me", headers=h).json()
    org = {"id": me["org_id"]} if me.get("org_id") else server.http.post(
        "/api/v1/orgs", json={"name": f"Org {key}", "slug": key.lower()}, headers=h).json()
    project = server.http.post("/api/v1/projects", headers=h, json={
        "org_id": org["id"], "key": key, "name": key}).json()
    for title in ("Remote one", "Remote two"):
        r = server.http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h,
                             json={"title": title})
        assert r.status_code == 201, r.text
    return org, pair["access_token"]


async def test_remote_with_alloy_base_url_discovers_org_from_auth_me(server, register,
                                                                     clean_env):
    org, token = seed(server, register, "REMA")
    clean_env.setenv("ALLOY_BASE_URL", server.url)
    clean_env.setenv("ALLOY_API_TOKEN", token)
    app = AlloyApp()
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        assert app.connection == "Connected" and app.client.mode == "remote"
        assert app.model.org_id == org["id"]
        assert "REMA-2" in screen_text(app) and "Remote two" in screen_text(app)
        await pilot.press("n", *"Made remotely", "enter")
        await settle(pilot)
    titles = [t["title"] for t in server.http.get(
        f"/api/v1/projects/{app.model.projects[0].id}/tickets",
        headers=auth(token)).json()["items"]]
    assert "Made remotely" in titles


async def test_api_url_flag_and_alloy_org_id_override(server, register, clean_env):
    first, token = seed(server, register, "REMB")
    h = auth(token)
    second = server.http.post("/api/v1/orgs", json={"name": "Second", "slug": "second-remb"},
                              headers=h).json()
    clean_env.setenv("ALLOY_API_TOKEN", token)
    clean_env.setenv("ALLOY_ORG_ID", second["id"])
    app = AlloyApp(api_url=server.url)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        assert app.model.org_id == second["id"] != first["id"]
        assert app.model.projects == [] and "REMB-1" not in screen_text(app)


async def test_unreachable_server_is_shown_not_crashed(clean_env):
    clean_env.setenv("ALLOY_API_TOKEN", "whatever")
    app = AlloyApp(api_url=f"http://127.0.0.1:{free_port()}")
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        assert app.connection == "Offline" and app.is_running
        assert "Offline" in screen_text(app)
        await pilot.press("s", "j", "n", "colon", *"sort title", "enter")
        assert app.is_running


async def test_not_logged_in_is_shown_not_crashed(clean_env):
    app = AlloyApp()
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        assert app.connection == "Not logged in" and app.is_running


async def test_connection_state_recovers_when_the_server_answers_again(server, register,
                                                                       clean_env):
    """Issue 18, bug 5: after an outage a successful change still showed Offline."""
    from tests.tui_support import Relay

    _, token = seed(server, register, "REMC")
    relay = Relay(server.port)
    clean_env.setenv("ALLOY_API_TOKEN", token)
    app = AlloyApp(api_url=relay.url)
    try:
        async with app.run_test(size=(110, 30)) as pilot:
            await settle(pilot)
            assert app.connection == "Connected"
            relay.cut()
            await pilot.press("p", "k", "enter")
            await settle(pilot)
            assert app.connection == "Offline" and "Offline" in screen_text(app)
            relay.restore()
            await pilot.press("p", "k", "enter")
            await settle(pilot)
            assert app.connection == "Connected" and "Connected" in screen_text(app)
    finally:
        relay.cut()


async def test_unknown_alloy_org_id_says_what_is_wrong(tmp_path, clean_env):
    """Issue 18, bug 5: an org id that is not one of yours left `Connecting…` forever."""
    import uuid

    from tests.tui_support import Workspace

    ws = Workspace(tmp_path)
    clean_env.setenv("ALLOY_ORG_ID", str(uuid.uuid4()))
    app = ws.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert app.connection == "Not connected" and "Connecting" not in text
        assert "ALLOY_ORG_ID is not one of your organizations" in text
