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


def test_no_wait_unit_never_waits_for_a_writer(tmp_path):
    """A unit under `no_wait` (work on the server's event loop) raises WouldBlock at once
    when another thread holds the process's write lock or another connection holds
    SQLite's, and writes nothing; outside `no_wait` the same thread waits as before."""
    import sqlite3

    from alloy.store import WouldBlock, no_wait
    from alloy.store.sqlite import SqliteStore

    store = SqliteStore(str(tmp_path / "x.db"))
    with store.unit() as db:
        db.run("CREATE TABLE t (n INTEGER)")
        db.commit()

    def write(n: int) -> None:
        with store.unit() as db:
            db.run("INSERT INTO t VALUES (?)", n)
            db.commit()

    store._write_lock.acquire()  # another thread of this process is writing
    try:
        with no_wait(), pytest.raises(WouldBlock):
            write(1)
    finally:
        store._write_lock.release()
    other = sqlite3.connect(str(tmp_path / "x.db"), isolation_level=None,
                            check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        started = time.monotonic()
        with no_wait(), pytest.raises(WouldBlock):
            write(2)
        assert time.monotonic() - started < 1
        threading.Timer(0.3, other.execute, ("COMMIT",)).start()
        write(3)  # waits (busy timeout), then writes
    finally:
        other.close()
    with no_wait():
        write(4)  # nobody else writes: no_wait goes through
        with store.unit(write=False) as db:
            assert [r["n"] for r in db.all("SELECT n FROM t ORDER BY n")] == [3, 4]


def test_a_blocked_write_never_stalls_the_server(tmp_path):
    """Ticket create and list run on the event loop (server/app.py INLINE): while another
    process holds SQLite's write lock, a create waits in a worker thread instead, and the
    server keeps answering reads; the create goes through once the other commits."""
    import sqlite3

    srv = Server(tmp_path, ALLOY_REGISTRATION="open")
    try:
        h, pid = _project(srv)
        tickets = f"/api/v1/projects/{pid}/tickets"
        assert srv.http.post(tickets, headers=h, json={"title": "first"}).status_code == 201
        other = sqlite3.connect(str(tmp_path / "data" / "alloy.db"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with ThreadPoolExecutor(1) as pool:
            create = pool.submit(srv.http.post, tickets, headers=h, json={"title": "waits"})
            time.sleep(0.5)
            assert not create.done()  # held up by the other writer...
            started = time.monotonic()
            listed = srv.http.get(tickets, headers=h, timeout=5)
            assert listed.status_code == 200, listed.text  # ...while reads go on
            assert [t["title"] for t in listed.json()["items"]] == ["first"]
            assert srv.http.get("/health", timeout=5).status_code == 200
            assert time.monotonic() - started < 3
            other.execute("COMMIT")
            other.close()
            r = create.result(60)
        assert r.status_code == 201, r.text
        assert r.json()["ticket_number"] == 2
    finally:
        srv.stop()


def test_inline_ops_are_declared_transactional_operations():
    """A renamed op would silently fall out of INLINE; one without a unit of work (password
    hashing, network calls) must never run on the event loop."""
    from alloy.server.app import INLINE

    from alloy import ops

    for name in INLINE:
        assert ops.get(name).tx, name


def test_loop_writes_are_checkpointed_beside_the_loop(tmp_path):
    """Units on the event loop (`no_wait`) leave copying the WAL into the database file to a
    thread (alloy.store.checkpoint): SQLite's own checkpoint would sync two files inside
    their COMMIT and stall every request. Units that may wait keep SQLite's default."""
    import os

    from alloy.store import checkpoint, no_wait
    from alloy.store.sqlite import SQLITE_CHECKPOINT_PAGES, SqliteStore

    path = str(tmp_path / "x.db")
    store = SqliteStore(path)
    with store.unit() as db:
        db.run("CREATE TABLE t (n INTEGER, pad TEXT)")
        db.commit()
    assert store.connect().execute("PRAGMA wal_autocheckpoint").fetchone() == {
        "wal_autocheckpoint": SQLITE_CHECKPOINT_PAGES}
    before = os.path.getsize(path)
    with no_wait():
        for n in range(checkpoint.EVERY):  # a page each: far below any automatic checkpoint
            with store.unit() as db:
                db.run("INSERT INTO t VALUES (?, ?)", n, "x" * 3000)
                db.commit()
        assert store.connect().execute("PRAGMA wal_autocheckpoint").fetchone() == {
            "wal_autocheckpoint": checkpoint.LOOP_PAGES}
    deadline = time.monotonic() + 30
    while os.path.getsize(path) < before + checkpoint.EVERY * 3000:
        assert time.monotonic() < deadline, "the rows never reached the database file"
        time.sleep(0.05)
    with store.unit() as db:  # a waiting unit again: SQLite checkpoints as it always did
        assert db.value("SELECT COUNT(*) FROM t") == checkpoint.EVERY
    assert store.connect().execute("PRAGMA wal_autocheckpoint").fetchone() == {
        "wal_autocheckpoint": SQLITE_CHECKPOINT_PAGES}
    store.close()
