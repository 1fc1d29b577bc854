"""Several `alloy serve --workers N` processes sharing one PostgreSQL database."""

from __future__ import annotations

import concurrent.futures
import os
import time

import httpx
import pytest

from alloy import ops
from tests import pg
from tests.support import Server, auth

HAS_PROJECTS = "projects" in ops.MODULES


def _workers_of(proc) -> int:
    """How many child processes the server's main process has (uvicorn workers)."""
    n = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == proc.pid:
                        n += 1
            except (OSError, IndexError, ValueError):
                continue
    return n


def _pg_server(home, workers: int, **env) -> Server:
    app_url, owner_url = pg.cluster().new_database()
    return Server(home, args=("--workers", str(workers)), ALLOY_REGISTRATION="open",
                  ALLOY_DATABASE_URL=app_url, ALLOY_MIGRATION_DATABASE_URL=owner_url, **env)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    srv = _pg_server(tmp_path_factory.mktemp("fleet"), 4)
    yield srv
    srv.stop()


def _register(url: str, n: int) -> dict:
    r = httpx.post(url + "/api/v1/auth/register", json={
        "email": f"worker{n}-{time.time_ns()}@example.com", "password": "password123",
        "display_name": f"W{n}"}, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()


def test_four_workers_share_keys_and_database(fleet):
    deadline = time.time() + 20
    while _workers_of(fleet.proc) < 4 and time.time() < deadline:
        time.sleep(0.2)
    assert _workers_of(fleet.proc) >= 4
    assert fleet.http.get("/health").json()["database"] == "postgresql"
    users = [_register(fleet.url, n) for n in range(8)]
    # every request on a fresh connection: tokens minted by one worker verify on the others
    for user in users:
        for _ in range(6):
            r = httpx.get(fleet.url + "/api/v1/auth/me", headers=auth(user["access_token"]),
                          timeout=30)
            assert r.status_code == 200, r.text
            assert r.json()["user_id"] == user["user_id"]


@pytest.mark.skipif(not HAS_PROJECTS, reason="needs projects and tickets (not merged yet)")
def test_ticket_numbers_are_unique_and_gap_free_under_concurrency(fleet):
    user = _register(fleet.url, 99)
    h = auth(user["access_token"])
    project = httpx.post(fleet.url + "/api/v1/projects", headers=h, timeout=30, json={
        "org_id": user["org_id"], "key": "RACE", "name": "Race"})
    assert project.status_code == 201, project.text
    pid = project.json()["id"]

    def create(i: int) -> int:
        r = httpx.post(f"{fleet.url}/api/v1/projects/{pid}/tickets", headers=h, timeout=60,
                       json={"title": f"ticket {i}"})
        assert r.status_code == 201, r.text
        body = r.json()
        return body.get("ticket_number", body.get("number"))

    with concurrent.futures.ThreadPoolExecutor(max_workers=25) as pool:
        numbers = list(pool.map(create, range(100)))
    assert sorted(numbers) == list(range(1, 101))


def test_each_webhook_event_is_delivered_once_by_four_workers(fleet):
    from tests.test_webhooks import Receiver

    receiver = Receiver()
    try:
        user = _register(fleet.url, 77)
        h = auth(user["access_token"])
        hook = httpx.post(f"{fleet.url}/api/v1/orgs/{user['org_id']}/webhooks", headers=h,
                          timeout=30, json={"url": receiver.url,
                                            "event_types": ["ticket.created"]})
        assert hook.status_code == 201, hook.text
        project = httpx.post(fleet.url + "/api/v1/projects", headers=h, timeout=30, json={
            "org_id": user["org_id"], "key": "HOOK", "name": "Hooks"}).json()

        def create(i: int) -> None:
            r = httpx.post(f"{fleet.url}/api/v1/projects/{project['id']}/tickets", headers=h,
                           timeout=60, json={"title": f"event {i}"})
            assert r.status_code == 201, r.text

        with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
            list(pool.map(create, range(40)))
        receiver.wait(40, seconds=60)
        time.sleep(2)  # any duplicate sent by a second worker would arrive by now
        ids = [headers["X-Alloy-Delivery"] for headers, _ in receiver.got]
        assert len(ids) == 40 and len(set(ids)) == 40
    finally:
        receiver.server.shutdown()
