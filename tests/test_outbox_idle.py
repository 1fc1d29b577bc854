"""The outbox worker sleeps until there is work: a commit that queues a delivery wakes it
(in its own process; on PostgreSQL, in every process through LISTEN/NOTIFY), a retry wakes
it when it falls due, and looking for work when none is due takes no write transaction.

Servers here run with a fallback poll far longer than the tests wait, so a delivery can
only arrive because the worker was woken."""

from __future__ import annotations

import sqlite3

import pytest
from alloy.server.worker import OutboxWorker

from alloy.config import Settings
from alloy.env import bootstrap
from alloy.outbox import CHANNEL
from tests import pg
from tests.pg import use_postgres
from tests.support import Server, auth, registered
from tests.test_webhooks import Receiver

SLOW = "600"  # seconds: the fallback poll never fires during a test
WAIT = 60  # seconds a test waits for a delivery (a loaded machine is slow, not broken)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def _hooked(srv: Server, receiver: Receiver, email: str) -> tuple[dict, str]:
    """A new owner subscribed to ticket.created, and a project's tickets path."""
    reg = srv.http.post("/api/v1/auth/register", json={
        "email": email, "password": "password123", "display_name": "H"}).json()
    h, org = auth(reg["access_token"]), reg["org_id"]
    made = srv.http.post(f"/api/v1/orgs/{org}/webhooks", headers=h, json={
        "url": receiver.url, "event_types": ["ticket.created"]})
    assert made.status_code == 201, made.text
    project = srv.http.post("/api/v1/projects", headers=h, json={
        "org_id": org, "key": "WAKE", "name": "Wake"}).json()
    return h, f"/api/v1/projects/{project['id']}/tickets"


def test_a_commit_wakes_the_worker(tmp_path, receiver):
    srv = Server(tmp_path, ALLOY_REGISTRATION="open", ALLOY_WEBHOOK_POLL_SECONDS=SLOW)
    try:
        h, tickets = _hooked(srv, receiver, "wake@example.com")
        assert srv.http.post(tickets, headers=h, json={"title": "a"}).status_code == 201
        receiver.wait(1, seconds=WAIT)
        receiver.fail_next = 1  # the next one fails once, and is retried when it falls due
        assert srv.http.post(tickets, headers=h, json={"title": "b"}).status_code == 201
        receiver.wait(2, seconds=WAIT)
    finally:
        srv.stop()


@pytest.mark.skipif(not use_postgres(), reason="LISTEN/NOTIFY: ALLOY_TEST_DB=postgres")
def test_a_commit_in_another_process_wakes_the_worker(tmp_path, receiver):
    """Server A runs no worker; the ticket it creates is sent by server B's worker, which only
    NOTIFY can have woken."""
    worker = Server(tmp_path, ALLOY_REGISTRATION="open", ALLOY_WEBHOOK_POLL_SECONDS=SLOW)
    front = Server(tmp_path, ALLOY_REGISTRATION="open", ALLOY_WEBHOOK_POLL_SECONDS="0")
    try:
        h, tickets = _hooked(front, receiver, "notify@example.com")
        assert front.http.post(tickets, headers=h, json={"title": "a"}).status_code == 201
        receiver.wait(1, seconds=WAIT)
        # The listening connection dies (a database restart, a failover): the worker
        # listens again and sends what was queued meanwhile.
        database = worker.env["ALLOY_DATABASE_URL"].rsplit("/", 1)[1]
        pg.cluster().admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           f"WHERE datname = '{database}' AND query = 'LISTEN {CHANNEL}'")
        assert front.http.post(tickets, headers=h, json={"title": "b"}).status_code == 201
        receiver.wait(2, seconds=WAIT)
    finally:
        front.stop()
        worker.stop()


@pytest.mark.skipif(use_postgres(), reason="traces SQLite's statements")
def test_looking_for_work_takes_no_write_lock(tmp_path, monkeypatch, receiver):
    """One round of the worker, in this process, with every SQL statement traced."""
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path))
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/w.db",
                                      ALLOY_REGISTRATION="open", ALLOY_ALLOW_PRIVATE_URLS="true",
                                      ALLOY_WEBHOOK_POLL_SECONDS=SLOW))
    worker = OutboxWorker(env)
    traced: list[str] = []
    env.store.connect().set_trace_callback(traced.append)
    try:
        assert worker.round() is None  # nothing queued: nothing due, ever
        assert not [s for s in traced if s.startswith("BEGIN IMMEDIATE")], traced
        assert worker.clients == {}  # no HTTP client until something is due

        client, user, project = registered(env, "IDLE")
        client.call("webhooks.create", org_id=user["org_id"], body={
            "url": receiver.url, "event_types": ["ticket.created"]})
        client.call("tickets.create", project_id=project["id"], body={"title": "t"})
        traced.clear()
        assert worker.round() is None  # sent; nothing left
        assert [s for s in traced if s.startswith("BEGIN IMMEDIATE")]  # the lease
        assert len(receiver.got) == 1
        http = worker.clients["webhook_deliveries"]

        receiver.fail_next = 99  # fails until told otherwise
        client.call("tickets.create", project_id=project["id"], body={"title": "u"})
        assert worker.round() is not None  # failed: a retry is scheduled
        assert worker.clients["webhook_deliveries"] is http  # one client, kept
        db = sqlite3.connect(tmp_path / "w.db", isolation_level=None, timeout=30)
        pending = "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE status = 'pending'"
        db.execute(pending, ("2999-01-01T00:00:00.000Z",))
        traced.clear()
        assert worker.round() > 3600  # the retry is not due: a read only
        assert not [s for s in traced if s.startswith("BEGIN IMMEDIATE")], traced
        receiver.fail_next = 0
        db.execute(pending, ("2000-01-01T00:00:00.000Z",))  # now it is
        db.close()
        assert worker.round() is None
        assert len(receiver.got) == 2
    finally:
        http = worker.clients.pop("webhook_deliveries", None)
        if http is not None:
            http.close()
        env.close()
