"""SQLite's write path: writers queue in the process (FIFO), processes share the file safely.

Ticket numbers come from the project's counter in the create's own transaction, so under
concurrent creates (many threads of one server; two server processes on one file) every
create must succeed and the numbers must be unique and gapless.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from alloy.store.writelock import FairLock
from tests.pg import use_postgres
from tests.support import Server, auth

pytestmark = pytest.mark.skipif(use_postgres(), reason="SQLite's write path")


def test_fair_lock_serves_waiters_in_arrival_order():
    lock, order = FairLock(), []
    lock.acquire()
    threads = []
    for i in range(8):
        t = threading.Thread(target=lambda i=i: (lock.acquire(), order.append(i), lock.release()))
        t.start()
        threads.append(t)
        while len(lock._queue) <= i:  # thread i is queued before thread i+1 starts
            time.sleep(0.001)
    lock.release()
    for t in threads:
        t.join()
    assert order == list(range(8))


def test_fair_lock_excludes():
    lock, inside, most = FairLock(), [0], [0]

    def work():
        for _ in range(200):
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1


def _project(srv: Server) -> tuple[dict, str]:
    reg = srv.http.post("/api/v1/auth/register", json={
        "email": "writer@example.com", "password": "password123", "display_name": "W"}).json()
    h = auth(reg["access_token"])
    project = srv.http.post("/api/v1/projects", headers=h, json={
        "org_id": reg["org_id"], "key": "WQ", "name": "Write queue"}).json()
    return h, project["id"]


def _create_many(urls: list[str], headers: dict, pid: str, n: int, threads: int) -> list[int]:
    """`n` creates from `threads` threads, spread over the servers at `urls`; statuses."""
    clients = [httpx.Client(base_url=u, timeout=120) for u in urls]

    def create(i: int) -> int:
        r = clients[i % len(clients)].post(f"/api/v1/projects/{pid}/tickets", headers=headers,
                                           json={"title": f"t{i}"})
        assert r.status_code == 201, r.text
        return r.json()["ticket_number"]

    try:
        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(create, range(n)))
    finally:
        for c in clients:
            c.close()


def _assert_numbers(srv: Server, headers: dict, pid: str, numbers: list[int], n: int) -> None:
    assert sorted(numbers) == list(range(1, n + 1))  # unique and gapless
    seen, cursor = [], None
    while True:
        page = srv.http.get(f"/api/v1/projects/{pid}/tickets", headers=headers,
                            params={"limit": 100, **({"cursor": cursor} if cursor else {})}).json()
        seen += [t["ticket_number"] for t in page["items"]]
        cursor = page.get("next_cursor")
        if not page.get("has_more"):
            break
    assert sorted(seen) == list(range(1, n + 1))


def test_concurrent_creates_on_one_server(tmp_path):
    srv = Server(tmp_path, ALLOY_REGISTRATION="open")
    try:
        h, pid = _project(srv)
        numbers = _create_many([srv.url], h, pid, 160, 16)
        _assert_numbers(srv, h, pid, numbers, 160)
    finally:
        srv.stop()


def test_two_processes_write_one_file(tmp_path):
    """Two `alloy serve` processes on one SQLite file: the busy timeout arbitrates between
    them (each process's lock only orders its own threads)."""
    first = Server(tmp_path, ALLOY_REGISTRATION="open")
    second = Server(tmp_path, ALLOY_REGISTRATION="open")
    try:
        h, pid = _project(first)
        numbers = _create_many([first.url, second.url], h, pid, 160, 16)
        _assert_numbers(first, h, pid, numbers, 160)
    finally:
        second.stop()
        first.stop()
