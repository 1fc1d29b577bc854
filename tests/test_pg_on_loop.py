"""PostgreSQL units of work on the server's event loop (alloy.store.on_loop): a unit waiting
for the database, a row lock or a pooled connection holds up only its own request."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

import httpx
import pytest

from alloy.errors import Conflict, Unavailable
from alloy.store import IDENTITY, on_loop
from alloy.store.postgres import PostgresStore
from tests import pg
from tests.support import Server, auth


@pytest.fixture()
def store():
    store = PostgresStore(pg.cluster().new_database()[1], pool_size=2)  # the owner
    yield store
    store.close()


def _sleep(store, seconds: float) -> int:
    with store.unit(scope=IDENTITY) as db:
        db.value("SELECT pg_sleep(?)", seconds)
        return db.value("SELECT 7")


async def _ticking(work) -> tuple[object, int]:
    """`work`'s result, and how often a 10 ms timer fired on the loop meanwhile."""
    ticks = 0
    done = asyncio.Event()

    async def tick():
        nonlocal ticks
        while not done.is_set():
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)
    try:
        return await work, ticks
    finally:
        done.set()
        await ticker


def test_a_unit_on_the_loop_lets_the_loop_run_while_the_database_works(store):
    async def main():
        on, ticks_on = await _ticking(on_loop.run(_sleep, store, 0.3))

        async def blocking():  # what the loop did with the same call outside `on_loop.run`
            return _sleep(store, 0.3)

        off, ticks_off = await _ticking(blocking())
        return on, ticks_on, off, ticks_off

    on, ticks_on, off, ticks_off = asyncio.run(main())
    assert on == off == 7
    assert ticks_off == 0  # a blocking wait stalls the loop ...
    assert ticks_on >= 3  # ... an awaited one does not (30 at most in 0.3 s)


def test_errors_context_and_the_connection_come_back_from_the_loop(store):
    """The unit's error reaches the awaiting request mapped as ever, its transaction rolled
    back; context variables set before `run` are seen inside; the pool gets the connection
    back in working order."""
    var = contextvars.ContextVar("var", default="unset")

    def failing():
        with store.unit(scope=IDENTITY) as db:
            db.run("CREATE TEMP TABLE IF NOT EXISTS t (id INT PRIMARY KEY)")
            db.run("INSERT INTO t VALUES (1)")
            db.run("INSERT INTO t VALUES (1)")

    def seen():
        with store.unit(scope=IDENTITY) as db:
            return var.get(), db.value("SELECT 1")

    async def main():
        with pytest.raises(Conflict, match="already exists"):
            await on_loop.run(failing)
        var.set("set")
        return [await on_loop.run(seen) for _ in range(3)]

    assert asyncio.run(main()) == [("set", 1)] * 3


def test_a_unit_waiting_for_a_pooled_connection_waits_off_the_loop(store):
    """Both pooled connections busy in threads: the unit on the loop gets one when it is
    returned, and the loop keeps running meanwhile."""
    holding = threading.Semaphore(0)
    release = threading.Event()

    def hold():
        with store.unit(scope=IDENTITY) as db:
            db.value("SELECT 1")
            holding.release()
            release.wait(30)

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for t in threads:
        t.start()
    for _ in threads:
        assert holding.acquire(timeout=30)  # both have their connection

    async def main():
        asyncio.get_running_loop().call_later(0.3, release.set)
        return await _ticking(on_loop.run(_sleep, store, 0))

    started = time.monotonic()
    result, ticks = asyncio.run(main())
    for t in threads:
        t.join()
    assert result == 7 and time.monotonic() - started >= 0.3
    assert ticks >= 3  # (none if the loop had waited)


def test_a_request_waiting_for_a_row_lock_holds_up_no_other_request(tmp_path):
    """A PATCH waiting for a ticket's row lock (taken here, as another writer would) waits on
    the loop: a GET of the same ticket is answered meanwhile, and the PATCH goes through
    when the lock is released."""
    import psycopg

    cluster = pg.cluster()
    app, owner = cluster.new_database()
    superuser = cluster.url(owner.rsplit("/", 1)[1], "postgres")  # sees every session
    server = Server(tmp_path, ALLOY_DATABASE_URL=app, ALLOY_MIGRATION_DATABASE_URL=owner,
                    ALLOY_REGISTRATION="open")
    try:
        http = server.http
        reg = http.post("/api/v1/auth/register", json={
            "email": "lock@example.com", "password": "password123", "display_name": "L"}).json()
        h = auth(reg["access_token"])
        project = http.post("/api/v1/projects", headers=h, json={
            "org_id": reg["org_id"], "key": "LCK", "name": "Lock"}).json()
        ticket = http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h,
                           json={"title": "locked"}).json()
        patched = {}
        with psycopg.connect(owner) as holder, psycopg.connect(superuser, autocommit=True) as look:
            holder.execute("SELECT 1 FROM tickets WHERE id = %s FOR UPDATE", (ticket["id"],))

            def patch():
                patched["answer"] = httpx.patch(f"{server.url}/api/v1/tickets/{ticket['id']}",
                                                headers=h, json={"title": "moved"}, timeout=30)

            writer = threading.Thread(target=patch)
            writer.start()
            for _ in range(200):  # until the PATCH waits for the lock
                if look.execute("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = "
                                  "'Lock' AND datname = current_database()").fetchone():
                    break
                time.sleep(0.05)
            else:
                writer.join(5)
                pytest.fail(f"the PATCH never waited for the lock: {patched}")
            got = http.get(f"/api/v1/tickets/{ticket['id']}", headers=h, timeout=5)
            assert got.status_code == 200 and got.json()["title"] == "locked"
            assert "answer" not in patched
        # the lock is released with the holder's transaction
        writer.join(30)
        assert patched["answer"].status_code == 200
        assert patched["answer"].json()["title"] == "moved"
    finally:
        server.stop()


def test_a_request_waits_for_a_turn_on_the_loop_as_long_as_for_a_connection():
    """All turns taken (say, by units waiting for a row lock that is never released): the
    next request waits as long as it would for a pooled connection, then gets 503, not an
    endless queue; a turn given back is taken at once."""
    from alloy.server.app import _Turns

    turns = _Turns(2, wait=0.2)

    async def main():
        held = [await turns.take(), await turns.take()]
        started = time.monotonic()
        with pytest.raises(Unavailable, match="no free connection after 0.2 s"):
            await turns.take()
        waited = time.monotonic() - started
        asyncio.get_running_loop().call_later(0.05, held.pop().release)
        (await turns.take()).release()  # the turn given back meanwhile
        return waited

    assert 0.2 <= asyncio.run(main()) < 2
