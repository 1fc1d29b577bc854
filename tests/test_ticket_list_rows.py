"""The ticket list builds its Structs straight from row tuples (`tickets.ticket_of`): every
field must come out as a single read shows it, whatever the column order of the table."""

from __future__ import annotations

from tests.tui_support import Workspace


def test_a_listed_ticket_equals_the_same_ticket_read_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ALLOY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ALLOY_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'alloy.db'}")
    ws = Workspace(tmp_path, tickets=2)
    c, project = ws.client, ws.project
    sprint = c.call("sprints.create", project_id=project["id"], body={
        "name": "S1", "start_date": "2026-01-05", "end_date": "2026-01-16"})
    parent = ws.tickets[0]
    child = c.call("tickets.create", project_id=project["id"], body={
        "title": "Child", "description": "Some *words*", "priority": "Urgent",
        "status": "In Progress", "assignee_id": ws.user_id, "sprint_id": sprint["id"],
        "parent_id": parent["id"]})
    listed = c.call("tickets.list", project_id=project["id"], query={"limit": 2})
    rest = c.call("tickets.list", project_id=project["id"],
                  query={"limit": 2, "cursor": listed["next_cursor"]})
    items = listed["items"] + rest["items"]
    assert listed["has_more"] and not rest["has_more"] and len(items) == 3
    for item in items:
        alone = ws.get(item["id"])
        alone.pop("progress", None)  # a single read of a parent adds its sub-issues' progress
        assert item == alone
    mine = next(i for i in items if i["id"] == child["id"])
    assert (mine["key"], mine["priority"], mine["status"], mine["description"]) == (
        f"PROJ-{child['ticket_number']}", "Urgent", child["status"], "Some *words*")
    assert (mine["assignee_id"], mine["sprint_id"], mine["parent_id"]) == (
        ws.user_id, sprint["id"], parent["id"])
