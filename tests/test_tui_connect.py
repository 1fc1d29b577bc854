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
        f"/api/v1/projects/{app.model.projects[0]['id']}/tickets",
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
