"""The workflow a create or move follows is built once per version of the workflow, and an
edit is seen at once — also when another process (a second server on the file) made it."""

from __future__ import annotations

import json

from alloy.domain.flow import Flow
from tests.support import Server, auth


def _row(**changes) -> dict:
    row = {"id": "w1", "name": "Flow", "enforcement": "strict",
           "statuses": json.dumps([{"name": "Open", "category": "backlog"},
                                   {"name": "Done", "category": "done"}]),
           "transitions": json.dumps([])}
    return {**row, **changes}


def test_one_flow_per_stored_version():
    assert Flow.of(_row()) is Flow.of(_row())
    edited = Flow.of(_row(transitions=json.dumps([{"from": "Open", "to": "Done"}])))
    assert edited.allows("Open", "Done") and not Flow.of(_row()).allows("Open", "Done")
    assert Flow.of(_row(enforcement="warn")).enforcement.value == "warn"


def test_an_edit_in_another_process_is_seen_at_once(tmp_path):
    first = Server(tmp_path, ALLOY_REGISTRATION="open")
    second = Server(tmp_path, ALLOY_REGISTRATION="open")
    try:
        reg = first.http.post("/api/v1/auth/register", json={
            "email": "flow@example.com", "password": "password123", "display_name": "F"}).json()
        h, org = auth(reg["access_token"]), reg["org_id"]
        wf = first.http.post(f"/api/v1/orgs/{org}/workflows", headers=h, json={
            "name": "Strict", "enforcement": "strict",
            "statuses": [{"name": "Open", "category": "backlog"},
                         {"name": "Left", "category": "done"},
                         {"name": "Right", "category": "done"}],
            "transitions": [{"from": "Open", "to": "Left"}]})
        assert wf.status_code == 201, wf.text
        project = first.http.post("/api/v1/projects", headers=h, json={
            "org_id": org, "key": "FC", "name": "Flow cache", "workflow_id": wf.json()["id"]})
        assert project.status_code == 201, project.text
        tickets = f"/api/v1/projects/{project.json()['id']}/tickets"
        ticket = first.http.post(tickets, headers=h, json={"title": "t"}).json()
        move = f"/api/v1/tickets/{ticket['id']}/transition"
        refused = first.http.post(move, headers=h, json={"to_status": "Right"})
        assert refused.status_code == 422, refused.text  # the first server has built the flow
        edit = second.http.patch(f"/api/v1/workflows/{wf.json()['id']}", headers=h, json={
            "transitions": [{"from": "Open", "to": "Left"}, {"from": "Open", "to": "Right"}]})
        assert edit.status_code == 200, edit.text
        moved = first.http.post(move, headers=h, json={"to_status": "Right"})
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == "Right"
    finally:
        second.stop()
        first.stop()
