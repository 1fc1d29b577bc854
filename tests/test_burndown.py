"""Burndown is computed from ticket history: a scripted sprint where tickets join, leave,
finish and reopen on known days gives known rows."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from alloy.client.local import LocalClient
from alloy.config import Settings
from alloy.domain.flow import burndown_rows
from alloy.env import bootstrap


def test_rows_from_scripted_histories():
    category = {"Done": "done"}.get
    histories = [
        # created before the sprint, in it from day 1, done on day 2
        [("2026-03-30T09:00:00.000Z", None, "Backlog"), ("2026-03-31T09:00:00.000Z", "S", "Backlog"),
         ("2026-04-02T15:00:00.000Z", "S", "Done")],
        # joins on day 3 (scope creep), never finishes
        [("2026-03-30T09:00:00.000Z", None, "Todo"), ("2026-04-03T23:59:59.999Z", "S", "Todo")],
        # done on day 2, reopened on day 4
        [("2026-03-31T00:00:00.000Z", "S", "Todo"), ("2026-04-02T00:00:00.000Z", "S", "Done"),
         ("2026-04-04T12:00:00.000Z", "S", "InProgress")],
        # in the sprint on day 1 only, then moved to another sprint
        [("2026-03-31T00:00:00.000Z", "S", "Todo"), ("2026-04-02T08:00:00.000Z", "T", "Todo")],
        # created after the sprint ended
        [("2026-04-09T00:00:00.000Z", "S", "Done")],
    ]
    rows = burndown_rows("2026-04-01", "2026-04-05", "S", histories, category,
                         date(2026, 4, 30))
    got = [(r.date, r.total_tickets, r.completed_tickets, r.remaining_tickets) for r in rows]
    assert got == [("2026-04-01", 3, 0, 3), ("2026-04-02", 2, 2, 0), ("2026-04-03", 3, 2, 1),
                   ("2026-04-04", 3, 1, 2), ("2026-04-05", 3, 1, 2)]


@pytest.fixture
def embedded(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path))
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/b.db"))
    anon = LocalClient(env, None)
    user = anon.call("auth.register", body={"email": "burn@example.com",
                                            "password": "password123", "display_name": "B"})
    client = LocalClient(env, token=user["access_token"])
    org = client.call("orgs.create", body={"name": "Burn", "slug": "burn-org"})
    project = client.call("projects.create", body={"org_id": org["id"], "key": "BD",
                                                   "name": "Burndown"})
    return client, project, tmp_path / "b.db"


def test_scripted_sprint_through_real_operations(embedded):
    """Tickets move through real operations; each history row is then dated to its
    scripted day (the day it happens on in the script), and the burndown reads them."""
    client, project, path = embedded
    db = sqlite3.connect(path, timeout=30)

    def on(day: str, entity_id: str, count: int = 1) -> None:
        """Date the newest `count` history rows of an entity to noon of `day`."""
        rows = db.execute("SELECT id FROM audit_log WHERE entity_id = ? "
                          "ORDER BY created_at DESC, id DESC LIMIT ?", (entity_id, count))
        for (row_id,) in rows.fetchall():
            db.execute("UPDATE audit_log SET created_at = ? WHERE id = ?",
                       (f"{day}T12:00:00.000Z", row_id))
        db.commit()

    pid = project["id"]
    sprint = client.call("sprints.create", project_id=pid, body={
        "name": "Scripted", "start_date": "2026-04-01", "end_date": "2026-04-05"})
    other = client.call("sprints.create", project_id=pid, body={
        "name": "Next", "start_date": "2026-04-06", "end_date": "2026-04-10"})
    t = [client.call("tickets.create", project_id=pid, body={"title": f"T{i}"})["id"]
         for i in range(1, 6)]
    for tid in t:
        db.execute("UPDATE tickets SET created_at = '2026-03-30T09:00:00.000Z' WHERE id = ?",
                   (tid,))
        on("2026-03-30", tid)
    db.commit()

    def assign(sprint_id, ids, day):
        client.call("sprints.batch_assign", sprint_id=sprint_id, body={"ticket_ids": ids})
        for tid in ids:
            on(day, tid)

    def move(tid, status, day):
        client.call("transitions.transition", ticket_id=tid, body={"to_status": status})
        on(day, tid)

    assign(sprint["id"], [t[0], t[1], t[2], t[4]], "2026-03-31")
    client.call("sprints.start", sprint_id=sprint["id"])
    move(t[0], "Done", "2026-04-02")
    move(t[1], "InProgress", "2026-04-02")
    assign(other["id"], [t[4]], "2026-04-02")
    move(t[2], "Done", "2026-04-03")
    assign(sprint["id"], [t[3]], "2026-04-03")
    move(t[1], "done", "2026-04-04")
    move(t[2], "In Progress", "2026-04-04")
    db.close()

    burn = client.call("sprints.burndown", sprint_id=sprint["id"])
    assert burn["sprint_id"] == sprint["id"]
    assert [(d["date"], d["total_tickets"], d["completed_tickets"], d["remaining_tickets"])
            for d in burn["data"]] == [
        ("2026-04-01", 4, 0, 4),
        ("2026-04-02", 3, 1, 2),
        ("2026-04-03", 4, 2, 2),
        ("2026-04-04", 4, 2, 2),
        ("2026-04-05", 4, 2, 2)]
    board = client.call("sprints.board", sprint_id=sprint["id"])
    counts = {c["status"]: len(c["tickets"]) for c in board["columns"]}
    assert counts == {"Backlog": 1, "Todo": 0, "InProgress": 1, "InReview": 0, "Done": 2,
                      "Cancelled": 0}


def test_real_timestamps(embedded):
    """Without any dating: days before the tickets existed are empty, today shows the moves
    made today, and tomorrow has no counts yet."""
    client, project, _ = embedded
    pid = project["id"]
    first = client.call("tickets.create", project_id=pid, body={"title": "a"})
    today = date.fromisoformat(first["created_at"][:10])
    sprint = client.call("sprints.create", project_id=pid, body={
        "name": "Now", "start_date": (today - timedelta(days=1)).isoformat(),
        "end_date": (today + timedelta(days=1)).isoformat()})
    second = client.call("tickets.create", project_id=pid, body={"title": "b"})
    client.call("sprints.batch_assign", sprint_id=sprint["id"],
                body={"ticket_ids": [first["id"], second["id"]]})
    moved = client.call("transitions.transition", ticket_id=first["id"],
                        body={"to_status": "Done"})
    assert moved["updated_at"][:10] == today.isoformat()  # no midnight in between
    rows = client.call("sprints.burndown", sprint_id=sprint["id"])["data"]
    assert [(r["total_tickets"], r["completed_tickets"], r["remaining_tickets"])
            for r in rows] == [(0, 0, 0), (2, 1, 1), (None, None, None)]


def test_custom_done_statuses_count(embedded):
    """'Done' means the done category of whatever workflow defines the status."""
    client, project, _ = embedded
    org_id = project["org_id"]
    client.call("workflows.create", org_id=org_id, body={
        "name": "Ship", "statuses": [{"name": "Open", "category": "todo"},
                                     {"name": "Shipped", "category": "done"}],
        "transitions": [{"from": "Open", "to": "Shipped"}], "enforcement": "strict"})
    ticket = client.call("tickets.create", project_id=project["id"],
                         body={"title": "x", "status": "Open"})
    today = ticket["created_at"][:10]
    sprint = client.call("sprints.create", project_id=project["id"], body={
        "name": "S", "start_date": today, "end_date": today})
    client.call("sprints.batch_assign", sprint_id=sprint["id"], body={"ticket_ids": [ticket["id"]]})
    client.call("transitions.transition", ticket_id=ticket["id"], body={"to_status": "shipped"})
    (row,) = client.call("sprints.burndown", sprint_id=sprint["id"])["data"]
    assert (row["total_tickets"], row["completed_tickets"], row["remaining_tickets"]) == (1, 1, 0)
