"""What a ticket create asks of the database: one read (project, role, the workflow governing
it, whether any webhook may want the event), then the writes. On PostgreSQL every statement
is a round trip (bench/statements_per_create.py counts both databases)."""

from __future__ import annotations

import sqlite3

import pytest

from alloy.client.local import LocalClient
from alloy.config import Settings
from alloy.env import bootstrap
from tests.pg import use_postgres


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
        user = LocalClient(env).call("auth.register", body={
            "email": "count@example.com", "password": "password123", "display_name": "C"})
        client = LocalClient(env, token=user["access_token"])
        project = client.call("projects.create", body={
            "org_id": user["org_id"], "key": "CNT", "name": "Count"})

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
