"""workflow, sprint, board, burndown and ticket (batch-)transition from the CLI, embedded
and remote, as the CLI Reference and the guides write them."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.conftest import unique_email
from tests.support import cli

KANBAN_STATUSES = json.dumps([{"name": "Open", "category": "todo"},
                              {"name": "Coding", "category": "in_progress"},
                              {"name": "Review", "category": "in_progress"},
                              {"name": "Shipped", "category": "done"}])
KANBAN_TRANSITIONS = json.dumps([{"from": "Open", "to": "Coding"},
                                 {"from": "Coding", "to": "Review"},
                                 {"from": "Review", "to": "Shipped"}])


def _client(kind, env, server, email, monkeypatch):
    """A client on the same data the CLI uses, for setup the CLI of this branch lacks
    (projects and tickets)."""
    from alloy.client.local import LocalClient
    from alloy.client.remote import RemoteClient

    if kind == "remote":
        token = server.http.post("/api/v1/auth/login", json={
            "email": email, "password": "password123"}).json()["access_token"]
        return RemoteClient(server.url, token)
    from alloy.config import Settings
    from alloy.env import bootstrap

    monkeypatch.setenv("ALLOY_DATA_DIR", env["ALLOY_DATA_DIR"])
    local = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=env["ALLOY_DATABASE_URL"]))
    token = LocalClient(local, None).call("auth.login", body={
        "email": email, "password": "password123"})["access_token"]
    return LocalClient(local, token=token)


@pytest.fixture(params=["embedded", "remote"])
def mode(request, server, env_for, monkeypatch):
    email = unique_email("flowcli")
    if request.param == "remote":
        env = env_for(ALLOY_API_URL=server.url)
        server.http.post("/api/v1/auth/register", json={
            "email": email, "password": "password123", "display_name": "Cli"})
    else:
        env = env_for()
        cli(["onboard", "--email", email, "--password", "password123", "--org-name", "Acme",
             "--org-slug", "acme"], env)
    cli(["auth", "login", "--email", email, "--password", "password123"], env)
    org = cli(["org", "create", "--name", "Flow CLI", "--slug", f"flowcli-{email[7:15]}",
               "--format", "json"], env).data
    cli(["org", "switch", org["id"]], env)
    client = _client(request.param, env, server, email, monkeypatch)
    project = client.call("projects.create", body={"org_id": org["id"], "key": "CLI",
                                                   "name": "CLI project"})
    return env, client, org, project


def test_workflow_commands(mode):
    env, client, org, project = mode
    listed = cli(["workflow", "list", "--org-id", org["id"], "--format", "json"], env).data
    assert [w["name"] for w in listed["data"]] == ["Default"] and listed["has_more"] is False
    wf = cli(["workflow", "create", "--org-id", org["id"], "--name", "Kanban",
              "--statuses", KANBAN_STATUSES, "--transitions", KANBAN_TRANSITIONS,
              "--enforcement", "strict", "--format", "json"], env).data
    assert wf["enforcement"] == "strict" and [s["name"] for s in wf["statuses"]] == [
        "Open", "Coding", "Review", "Shipped"]
    table = cli(["workflow", "show", wf["id"], "--format", "table"], env).stdout
    assert "Coding" in table and "in_progress" in table and "Shipped" in table
    assert cli(["workflow", "get", wf["id"], "--format", "json"], env).data["id"] == wf["id"]
    renamed = cli(["workflow", "update", wf["id"], "--name", "Engineering Flow"], env).data
    assert renamed["name"] == "Engineering Flow" and renamed["enforcement"] == "strict"
    plain = cli(["workflow", "list", "--format", "plain"], env).stdout.split()
    assert wf["id"] in plain

    ticket = client.call("tickets.create", project_id=project["id"],
                         body={"title": "t", "status": "Open"})
    moved = cli(["ticket", "transition", ticket["id"], "--to-status", "Coding"], env).data
    assert moved["status"] == "Coding"
    bad = cli(["ticket", "transition", "--id", ticket["id"], "--status", "Shipped"], env,
              check=False)
    assert bad.returncode == 7
    assert bad.stderr.strip() == ("error: transition from 'Coding' to 'Shipped' is not allowed "
                                  "by workflow 'Engineering Flow'")
    bad = cli(["workflow", "create", "--name", "X", "--statuses", "not json"], env, check=False)
    assert bad.returncode == 7 and "--statuses" in bad.stderr

    busy = cli(["workflow", "delete", wf["id"], "--yes"], env).data
    assert busy == {"id": wf["id"], "deleted": True}
    default = listed["data"][0]["id"]
    refused = cli(["workflow", "delete", default, "--yes"], env, check=False)
    assert refused.returncode == 6


def test_sprint_board_burndown(mode):
    env, client, org, project = mode
    pid = project["id"]
    ids = [client.call("tickets.create", project_id=pid, body={"title": f"Task {i}",
                                                               "priority": "High"})["id"]
           for i in range(3)]
    sprint = cli(["sprint", "create", "--project", pid, "--name", "Sprint 12",
                  "--start-date", "2026-03-25", "--end-date", "2026-04-08",
                  "--goal", "Ship authentication and onboarding", "--format", "json"], env).data
    assert sprint["status"] == "Planned" and sprint["end_date"] == "2026-04-08"
    quick = cli(["sprint", "create", "--project-id", pid, "--name", "Sprint 1",
                 "--goal", "Complete the walkthrough"], env).data
    start = date.fromisoformat(quick["start_date"])
    assert date.fromisoformat(quick["end_date"]) == start + timedelta(days=14)
    listed = cli(["sprint", "list", "--project", pid, "--format", "json"], env).data["data"]
    assert [s["name"] for s in listed] == ["Sprint 12", "Sprint 1"]
    sid = sprint["id"]
    assert cli(["sprint", "get", sid], env).data["name"] == "Sprint 12"
    assert cli(["sprint", "update", sid, "--goal", "Ship auth and landing page"],
               env).data["goal"] == "Ship auth and landing page"
    assert cli(["sprint", "assign", sid, "--ticket-ids", ",".join(ids)], env).data == {
        "assigned": 3}
    assert cli(["sprint", "start", sid], env).data["status"] == "Active"
    again = cli(["sprint", "start", sid], env, check=False)
    assert again.returncode == 7 and "only a Planned sprint can be started" in again.stderr

    cli(["ticket", "transition", ids[0], "--to-status", "in_progress"], env)
    out = cli(["ticket", "batch-transition", "--ticket-ids", f"{ids[1]},{ids[2]}",
               "--to-status", "Done"], env).data
    assert [m["status"] for m in out["succeeded"]] == ["Done", "Done"] and out["failed"] == []
    missing = "00000000-0000-7000-8000-000000000000"
    partial = cli(["ticket", "batch-transition", "--ticket-ids", f"{ids[0]},{missing}",
                   "--to-status", "Done", "--format", "table"], env, check=False)
    assert partial.returncode == 1 and "failed" in partial.stdout and "not found" in \
        partial.stdout

    board = cli(["board", sid, "--format", "json"], env).data
    assert [c["status"] for c in board["columns"]] == ["Backlog", "Todo", "InProgress",
                                                       "InReview", "Done", "Cancelled"]
    table = cli(["board", sid, "--format", "table"], env).stdout
    assert "Sprint 12" in table and "Done (3)" in table and "Backlog (0)" in table
    assert "CLI-1" in table and "High" in table and "Task 0" in table
    plain = cli(["board", sid, "--format", "plain"], env).stdout.splitlines()
    assert plain == [f"Done\tCLI-{n}\tHigh\tTask {n - 1}" for n in (1, 2, 3)]

    burn = cli(["burndown", sid, "--format", "json"], env).data
    assert burn["sprint_id"] == sid and len(burn["data"]) == 15
    table = cli(["burndown", sid, "--format", "table"], env).stdout
    for word in ("DATE", "TOTAL", "COMPLETED", "REMAINING", "2026-03-25", "2026-04-08"):
        assert word in table
    tsv = cli(["burndown", sid, "--format", "plain"], env).stdout.splitlines()
    assert tsv[0] == "date\ttotal\tcompleted\tremaining" and len(tsv) == 16
    assert tsv[1].split("\t")[0] == "2026-03-25"

    assert cli(["sprint", "complete", sid], env).data["status"] == "Completed"
    preview = cli(["sprint", "delete", sid, "--cascade", "--dry-run"], env).data
    assert preview == {"sprint_id": sid, "dependents": {"tickets": 3}}
    blocked = cli(["sprint", "delete", sid], env, check=False)
    assert blocked.returncode == 6 and "tickets: 3" in blocked.stderr
    assert cli(["sprint", "delete", quick["id"]], env).data == {"id": quick["id"],
                                                                 "deleted": True}
