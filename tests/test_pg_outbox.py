"""The outbox: concurrent claimers (separate connections) take each event exactly once."""

from __future__ import annotations

import threading

import pytest

from alloy.domain.values import new_id
from alloy.store import IDENTITY, open_store
from alloy.store.outbox import WORKER, Worker, claim, complete, enqueue, fail
from tests import pg


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    if request.param == "sqlite":
        u = f"sqlite:///{tmp_path}/outbox.db"
        open_store(u).migrate()
        return u
    return pg.cluster().new_database()[0]


def _seed(url: str, n: int) -> set[str]:
    store = open_store(url)
    ids = set()
    with store.unit(scope=IDENTITY) as db:
        for org in ("org-a", "org-b"):
            db.insert("orgs", {"id": org, "name": org, "slug": org + new_id()[-8:],
                               "created_at": "t", "updated_at": "t"})
        for i in range(n):
            ids.add(enqueue(db, ("org-a", "org-b")[i % 2], "ticket.created", {"i": i}))
        db.commit()
    store.close()
    return ids


def test_each_event_is_claimed_once_by_concurrent_workers(url):
    ids = _seed(url, 200)
    claimed: list[str] = []
    lock = threading.Lock()

    def work():
        store = open_store(url)  # a connection of its own, like another process
        while rows := claim(store, new_id(), limit=7):
            with lock:
                claimed.extend(r["id"] for r in rows)
            for r in rows:
                complete(store, r)
        store.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(ids)
    assert claim(open_store(url), "late") == []


def test_failed_delivery_is_retried_later_and_expired_leases_are_reclaimed(url):
    _seed(url, 2)
    store = open_store(url)
    calls = []

    def deliver(row):
        calls.append(row["id"])
        if len(calls) == 1:
            raise ConnectionError("receiver down")

    worker = Worker(store, deliver)
    assert worker.run_once() == 2
    assert claim(store, "again") == []  # one delivered, one backing off
    with store.unit(scope=WORKER) as db:
        assert db.value("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == 1
        db.run("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000Z'")  # time passes
        db.commit()
    leased = claim(store, "crashy", lease_seconds=-1)  # a worker that dies mid-delivery
    assert len(leased) == 1 and leased[0]["attempts"] == 2
    retry = claim(store, "rescuer")
    assert [r["id"] for r in retry] == [leased[0]["id"]]
    fail(store, retry[0], "still down")
    store.close()
