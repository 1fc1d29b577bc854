"""What a ticket create asks of the database: one read (project, role, the workflow governing
it, whether any webhook may want the event), then the writes. On PostgreSQL BEGIN and the
row-level-security scope travel with that read (pipeline mode), and COMMIT travels with the
counted insert, so a create waits for the network twice (bench/statements_per_create.py
counts both databases)."""

from __future__ import annotations

import sqlite3

import pytest

from alloy.config import Settings
from alloy.env import bootstrap
from tests import pg
from tests.pg import use_postgres
from tests.pg_wire import RoundTripRelay
from tests.support import registered


def _top(traced: list[str]) -> list[str]:
    """Statements we sent: a trigger's own come back as "-- ..." or as its statement again."""
    sent = [s for s in traced if not s.startswith("--")]
    return [s for i, s in enumerate(sent) if i == 0 or s != sent[i - 1]]


@pytest.mark.skipif(use_postgres(), reason="traces SQLite's statements")
def test_a_create_reads_once_and_still_sees_a_webhook_made_a_moment_before(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path))
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/s.db",
                                      ALLOY_REGISTRATION="open", ALLOY_ALLOW_PRIVATE_URLS="true"))
    traced: list[str] = []
    try:
        client, user, project = registered(env, "CNT")

        def create(title: str) -> list[str]:
            traced.clear()
            env.store.connect().set_trace_callback(traced.append)
            try:
                client.call("tickets.create", project_id=project["id"], body={"title": title})
            finally:
                env.store.connect().set_trace_callback(None)
            return _top(traced)

        def deliveries() -> int:
            with sqlite3.connect(tmp_path / "s.db") as db:
                return db.execute("SELECT COUNT(*) FROM webhook_deliveries").fetchone()[0]

        sent = create("first")
        assert [s.split(" ", 2)[:2] for s in sent] == [
            ["BEGIN", "IMMEDIATE"], ["SELECT", "p.*,"], ["UPDATE", "projects"],
            ["INSERT", "INTO"], ["INSERT", "INTO"], ["COMMIT"]], sent
        assert "workflows wf" in sent[1] and "FROM webhooks h" in sent[1]

        client.call("webhooks.create", org_id=user["org_id"], body={
            "url": "http://127.0.0.1:9/other", "event_types": ["ticket.updated"]})
        assert len(create("not subscribed")) == 6 and deliveries() == 0

        client.call("webhooks.create", org_id=user["org_id"], body={
            "url": "http://127.0.0.1:9/hook", "event_types": ["ticket.created"]})
        create("subscribed")
        assert deliveries() == 1  # the hook made just before is seen: nothing cached
    finally:
        env.close()


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_a_counted_insert_writes_nothing_when_the_counter_row_is_gone(tmp_path, database):
    """A project deleted while its ticket waited for the counter: no ticket, no audit row."""
    from alloy.store import IDENTITY, open_store
    from tests import pg

    if database == "sqlite":
        store = open_store(f"sqlite:///{tmp_path}/c.db")
        store.migrate()
    else:
        store = open_store(pg.cluster().new_database()[1])  # the owner: no tenant scope
    try:
        with store.unit(scope=IDENTITY) as db:
            row = db.insert_counted(
                "tickets", {"id": "t1", "title": "orphan"}, "ticket_number",
                ("projects", "ticket_counter", "gone"),
                ("audit_log", {"id": "a1", "entity_type": "ticket", "entity_id": "t1",
                               "action": "create", "changes": {}, "created_at": "now"}))
            assert row is None
            assert db.value("SELECT COUNT(*) FROM tickets") == 0
            assert db.value("SELECT COUNT(*) FROM audit_log WHERE id = 'a1'") == 0
    finally:
        store.close()


def test_a_postgres_create_waits_for_the_network_twice_and_a_move_seven(tmp_path, monkeypatch):
    """A create: BEGIN + scope + the read, then the counted insert + COMMIT (five before;
    three while COMMIT had a trip of its own). Moves read their workflow and webhooks with
    the project."""
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path))
    cluster = pg.cluster()
    app, owner = cluster.new_database()
    relay = RoundTripRelay(cluster.port)
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=relay.url(app),
                                      ALLOY_MIGRATION_DATABASE_URL=owner,
                                      ALLOY_REGISTRATION="open"))
    try:
        client, _, project = registered(env, "TRP")

        def trips(op: str, **kw) -> int:
            relay.count = 0
            client.call(op, **kw)
            return relay.count

        for title in ("warm", "up"):  # statements get prepared after a few runs
            client.call("tickets.create", project_id=project["id"], body={"title": title})
        assert [trips("tickets.create", project_id=project["id"], body={"title": f"t{i}"})
                for i in range(8)] == [2] * 8
        with pytest.raises(Exception, match="project not found"):  # errors still map
            client.call("tickets.create", project_id="nope", body={"title": "x"})
        # an event to queue after the insert: COMMIT waits for it (the insert, the hooks,
        # the delivery, its NOTIFY, COMMIT)
        client.call("webhooks.create", org_id=project["org_id"], body={
            "url": "https://example.com/hook", "event_types": ["ticket.created"]})
        assert trips("tickets.create", project_id=project["id"], body={"title": "ev"}) == 6
        with env.store.connect() as conn:
            assert conn.execute("SELECT COUNT(*) AS n FROM webhook_deliveries").fetchone()["n"] == 1
        # a move: the ticket (with BEGIN), its project (with role, workflow and webhooks),
        # the ticket locked, its sub-issues, the update, the audit row, COMMIT (ten before)
        ticket = client.call("tickets.create", project_id=project["id"], body={"title": "m"})
        moves = [trips("tickets.update", ticket_id=ticket["id"], body={"status": "Todo"}),
                 trips("transitions.transition", ticket_id=ticket["id"],
                       body={"to_status": "Backlog"})]
        assert moves == [7, 7]
    finally:
        env.close()
        relay.close()


def test_a_final_counted_insert_commits_in_its_own_round_trip(tmp_path, monkeypatch):
    """`final=True`: the row is committed (another connection sees it) before the unit ends,
    so the counter's row lock was not held for a trip back to us; a statement after it is a
    bug and says so; an insert that fails still rolls back, its number too."""
    from alloy.errors import Conflict
    from alloy.store import IDENTITY, open_store

    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path))
    cluster = pg.cluster()
    app, owner = cluster.new_database()
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=app, ALLOY_MIGRATION_DATABASE_URL=owner,
                                      ALLOY_REGISTRATION="open"))
    relay = RoundTripRelay(cluster.port)
    store = open_store(relay.url(owner))  # the owner: no tenant scope to set up
    try:
        _, user, project = registered(env, "FIN")

        def ticket(id_: str) -> tuple:
            return ("tickets", {"id": id_, "org_id": project["org_id"],
                                "project_id": project["id"], "title": id_, "status": "Backlog",
                                "priority": "medium", "reporter_id": user["user_id"],
                                "created_at": "now", "updated_at": "now"}, "ticket_number",
                    ("projects", "ticket_counter", project["id"]),
                    ("audit_log", {"id": f"a-{id_}", "entity_type": "ticket", "entity_id": id_,
                                   "action": "create", "changes": {}, "created_at": "now"}))

        def committed(sql: str):
            with store.connect() as conn:
                return conn.execute(sql).fetchone()

        with store.unit(scope=IDENTITY) as db:
            db.value("SELECT 1")
            relay.count = 0
            row = db.insert_counted(*ticket("t1"), final=True)
            assert relay.count == 1 and row["ticket_number"] == 1
            assert committed("SELECT id FROM tickets WHERE id = 't1'")  # the unit is open
            with pytest.raises(RuntimeError, match="after the unit committed"):
                db.value("SELECT 1")
        with pytest.raises(Conflict), store.unit(scope=IDENTITY) as db:
            db.insert_counted(*ticket("t1"), final=True)  # the same id: refused
        assert committed("SELECT ticket_counter FROM projects") == {"ticket_counter": 1}
    finally:
        store.close()
        env.close()
        relay.close()


@pytest.mark.skipif(use_postgres(), reason="traces SQLite's statements")
@pytest.mark.parametrize("move", ["tickets.update", "transitions.transition"])
def test_a_move_reads_its_workflow_and_webhooks_with_the_project(tmp_path, monkeypatch, move):
    """PATCH and transition read the governing workflow and "may a webhook want this?" in
    the project's query, as create does; a webhook made a moment before is still seen."""
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path))
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/s.db",
                                      ALLOY_REGISTRATION="open", ALLOY_ALLOW_PRIVATE_URLS="true"))
    traced: list[str] = []
    try:
        client, user, project = registered(env, "TRP")
        ticket = client.call("tickets.create", project_id=project["id"], body={"title": "m"})

        def to(status: str) -> list[str]:
            body = {"status": status} if move == "tickets.update" else {"to_status": status}
            traced.clear()
            env.store.connect().set_trace_callback(traced.append)
            try:
                client.call(move, ticket_id=ticket["id"], body=body)
            finally:
                env.store.connect().set_trace_callback(None)
            return _top(traced)

        sent = to("Todo")
        assert not [s for s in sent if "FROM workflows" in s and "FROM projects" not in s], sent
        assert not [s for s in sent if "FROM webhooks" in s and "FROM projects" not in s], sent
        client.call("webhooks.create", org_id=user["org_id"], body={
            "url": "http://127.0.0.1:9/hook", "event_types": ["ticket.status_changed"]})
        to("InProgress")
        with sqlite3.connect(tmp_path / "s.db") as db:
            assert db.execute("SELECT event_type FROM webhook_deliveries").fetchall() == [
                ("ticket.status_changed",)]
    finally:
        env.close()
