"""Every CLI flag that names a ticket, project, sprint or organization takes what a person
types (key, KEY-N, bare number with a default project, sprint name, org slug), through the
one resolver in alloy.client.refs; ambiguity is answered in the person's words."""

from __future__ import annotations

import pytest

from tests.support import cli


@pytest.fixture
def world(env_for):
    """Embedded: org Acme with projects FIN (FIN-1, FIN-2) and WEB (WEB-1), each with a
    sprint called "Sprint 1"."""
    env = env_for()
    cli(["onboard", "--email", "ref@example.com", "--password", "password123",
         "--org-name", "Acme", "--org-slug", "acme"], env)
    for key in ("FIN", "WEB"):
        cli(["project", "create", "--key", key, "--name", key.title()], env)
    tickets = {t: cli(["ticket", "create", "--project", t.split("-")[0], "--title", t,
                       "--format", "json"], env).data for t in ("FIN-1", "FIN-2", "WEB-1")}
    sprints = {key: cli(["sprint", "create", "--project", tickets[f"{key}-1"]["project_id"],
                         "--name", "Sprint 1", "--format", "json"], env).data
               for key in ("FIN", "WEB")}
    return env, tickets, sprints


def test_comment_takes_a_ticket_key_or_a_number_in_the_default_project(world):
    env, tickets, _ = world
    cli(["comment", "add", "--ticket", "fin-1", "--body", "by key"], env)
    # ALLOY_PROJECT_ID names the default project; `#N` is a bare number too
    cli(["comment", "add", "--ticket", "#1", "--body", "by number"],
        {**env, "ALLOY_PROJECT_ID": "FIN"})
    bodies = [c["body"] for c in cli(["comment", "list", "--ticket", tickets["FIN-1"]["id"],
                                      "--format", "json"], env).data["data"]]
    assert bodies == ["by key", "by number"]
    bare = cli(["comment", "add", "--ticket", "2", "--body", "x"], env, check=False)
    assert bare.returncode == 2 and "alloy project use" in bare.stderr


def test_time_log_bare_number_in_alloy_project_id(world):
    env, tickets, _ = world
    web = {**env, "ALLOY_PROJECT_ID": "WEB"}
    entry = cli(["time", "log", "--ticket", "1", "--duration", "30", "--activity-type", "dev",
                 "--format", "json"], web).data
    assert entry["ticket_id"] == tickets["WEB-1"]["id"]
    listed = cli(["time", "list", "--ticket", "1", "--project", "web", "--format", "json"],
                 web).data["data"]
    assert [e["id"] for e in listed] == [entry["id"]]


def test_sprint_commands_take_project_keys_and_sprint_names(world):
    env, tickets, sprints = world
    names = [s["id"] for s in cli(["sprint", "list", "--project", "FIN", "--format", "json"],
                                  env).data["data"]]
    assert names == [sprints["FIN"]["id"]]
    cli(["sprint", "create", "--project", "fin", "--name", "Sprint 2"], env)
    ambiguous = cli(["sprint", "start", "Sprint 1"], env, check=False)
    assert ambiguous.returncode == 7
    assert "'Sprint 1' matches 2 sprints in FIN, WEB: give its id" in ambiguous.stderr
    fin = {**env, "ALLOY_PROJECT_ID": "FIN"}  # the default project settles it
    assert cli(["sprint", "start", "sprint 1", "--format", "json"], fin).data["status"] == "Active"
    prefix = sprints["WEB"]["id"][:18]
    assert cli(["sprint", "get", prefix, "--format", "json"], env).data["id"] == \
        sprints["WEB"]["id"]
    cli(["sprint", "assign", prefix, "--ticket-ids", "WEB-1"], env)
    cli(["sprint", "assign", "Sprint 1", "--ticket-ids", "1,fin-2"], fin)
    on_board = [t["key"] for c in cli(["board", "Sprint 1", "--format", "json"], fin).data[
        "columns"] for t in c["tickets"]]
    assert sorted(on_board) == ["FIN-1", "FIN-2"]
    missing = cli(["sprint", "get", "Sprint 9"], fin, check=False)
    assert missing.returncode == 5 and "no sprint 'Sprint 9' in FIN" in missing.stderr
    made = cli(["ticket", "create", "--project", "WEB", "--title", "in sprint", "--sprint-id",
                "Sprint 1", "--format", "json"], env).data
    assert made["sprint_id"] == sprints["WEB"]["id"]
    listed = cli(["ticket", "list", "--project", "WEB", "--sprint-id", "Sprint 1",
                  "--format", "json"], env).data["data"]
    assert [t["key"] for t in listed] == ["WEB-1", "WEB-2"]


def test_batch_transition_takes_ticket_keys(world):
    env, tickets, _ = world
    cli(["ticket", "batch-transition", "--ticket-ids", "FIN-1,fin-2", "--to-status", "Todo"],
        env)
    assert {cli(["ticket", "get", k, "--format", "json"], env).data["status"]
            for k in ("FIN-1", "FIN-2")} == {"Todo"}
    wrong = cli(["ticket", "batch-transition", "--ticket-ids", "FIN-7", "--to-status", "Todo"],
                env, check=False)
    assert wrong.returncode == 5 and "ticket 'FIN-7' not found" in wrong.stderr
