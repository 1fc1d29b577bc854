"""Every flag that names a thing takes what a person would type (issue 17): `KEY-N` lists
with bare numbers, tag entities by their own kind of name, teams, workflows and people by
name or email, organizations by slug. All through alloy.client.refs, embedded and remote."""

from __future__ import annotations

import pytest

from tests.support import cli, onboarded


@pytest.fixture(params=["embedded", "remote"])
def world(request, tmp_path):
    """Ada's org `acme`: project WEEK (WEEK-1..3, sprint "Sprint 1"), team Platform,
    workflow Flow."""
    for env in onboarded(tmp_path, request.param):
        cli(["project", "create", "--key", "WEEK", "--name", "Weekly"], env)
        for n in (1, 2, 3):
            cli(["ticket", "create", "--project", "WEEK", "--title", f"chore {n}"], env)
        cli(["team", "create", "--name", "Platform"], env)
        cli(["workflow", "create", "--name", "Flow"], env)
        yield env


def _tickets(env) -> dict[str, dict]:
    rows = cli(["ticket", "list", "--project", "WEEK", "--format", "json"], env).data["data"]
    return {t["key"]: t for t in rows}


def test_sprints_by_project_key_and_name(world):
    env = world
    made = cli(["sprint", "create", "--project", "week", "--name", "Sprint 1",
                "--format", "json"], env).data
    listed = cli(["sprint", "list", "--project", "WEEK", "--format", "json"], env).data["data"]
    assert [s["id"] for s in listed] == [made["id"]]
    cli(["sprint", "assign", "Sprint 1", "--ticket-ids", "WEEK-1,2"], env)
    assigned = {k: t["sprint_id"] for k, t in _tickets(env).items()}
    assert assigned == {"WEEK-1": made["id"], "WEEK-2": made["id"], "WEEK-3": None}


def test_batch_transition_takes_a_key_and_bare_numbers(world):
    env = world
    out = cli(["ticket", "batch-transition", "--ticket-ids", "WEEK-1,2", "--to-status", "todo",
               "--format", "plain"], env).stdout.splitlines()
    assert out == ["WEEK-1\tok\tTodo", "WEEK-2\tok\tTodo"]  # shown by key, as typed
    assert {k: t["status"] for k, t in _tickets(env).items()} == {
        "WEEK-1": "Todo", "WEEK-2": "Todo", "WEEK-3": "Backlog"}
    home = {**env, "ALLOY_PROJECT_ID": "WEEK"}  # bare numbers in the default project
    cli(["ticket", "batch-transition", "--ticket-ids", "3", "--to-status", "todo"], home)
    assert _tickets(env)["WEEK-3"]["status"] == "Todo"
    lost = cli(["ticket", "batch-transition", "--ticket-ids", "3", "--to-status", "done"], env,
               check=False)
    assert lost.returncode == 2 and "alloy project use" in lost.stderr


def test_tags_name_their_entity_as_a_person_would(world):
    env = world
    cli(["tag", "set", "--entity-type", "project", "--entity-id", "WEEK", "--tag", "env=prod"],
        env)
    cli(["tag", "set", "--entity-type", "ticket", "--entity-id", "week-2", "--tag", "sev=1"], env)
    cli(["tag", "set", "--entity-type", "user", "--entity-id", "ada@example.com", "--tag",
         "tz=utc"], env)
    cli(["tag", "set", "--entity-type", "team", "--entity-id", "platform", "--tag", "oncall=yes"],
        env)
    project = cli(["project", "get", "WEEK"], env).data
    got = cli(["tag", "get", "--entity-type", "project", "--entity-id", project["id"]], env).data
    assert [(t["key"], t["value"]) for t in got["data"]] == [("env", "prod")]
    assert _tickets(env)["WEEK-2"]["id"] == cli(
        ["tag", "search", "--key", "sev", "--value", "1"], env).data["data"][0]["entity_id"]
    team = cli(["tag", "get", "--entity-type", "team", "--entity-id", "Platform"], env).data
    assert team["data"][0]["key"] == "oncall"
    cli(["tag", "delete", "--entity-type", "user", "--entity-id", "ada@example.com", "--key",
         "tz"], env)
    assert cli(["tag", "get", "--entity-type", "user", "--entity-id", "ada@example.com"],
               env).data["data"] == []
    missing = cli(["tag", "get", "--entity-type", "team", "--entity-id", "Nope"], env,
                  check=False)
    assert missing.returncode == 5 and "no team 'Nope'" in missing.stderr


def test_teams_workflows_people_and_orgs_by_name(world):
    env = world
    team = cli(["team", "get", "platform"], env).data
    flow = cli(["workflow", "show", "flow", "--format", "json"], env).data
    updated = cli(["project", "update", "WEEK", "--team-id", "Platform", "--workflow-id",
                   "Flow"], env).data
    assert (updated["team_id"], updated["workflow_id"]) == (team["id"], flow["id"])
    cli(["team", "member", "add", "--team", "Platform", "--user", "ada@example.com"], env)
    members = cli(["team", "member", "list", "--team", "platform"], env).data["data"]
    assert [m["email"] for m in members] == ["ada@example.com"]
    cli(["project", "member", "add", "--project", "WEEK", "--user", "ada@example.com"], env)
    assert cli(["project", "member", "list", "--project", "WEEK"], env).data["data"][0][
        "email"] == "ada@example.com"
    by_slug = cli(["project", "list", "--org", "acme"], env).data["data"]
    assert [p["key"] for p in by_slug] == ["WEEK"]
    key = cli(["auth", "api-key", "create", "--name", "ci", "--projects", "week"], env).data
    assert key["project_ids"] == [updated["id"]]


def test_labels_by_name(world):
    env = world
    bug = cli(["label", "create", "--name", "bug", "--color", "#FF0000"], env).data
    assert cli(["label", "get", "BUG"], env).data["id"] == bug["id"]
    cli(["ticket", "update", "WEEK-1", "--add-label", "bug"], env)
    assert [x["name"] for x in cli(["label", "list", "--ticket", "WEEK-1"], env).data[
        "data"]] == ["bug"]
    assert cli(["label", "update", "bug", "--color", "#00FF00"], env).data["color"] == "#00FF00"
    cli(["label", "delete", "bug", "--cascade", "--yes"], env)
    assert cli(["label", "list"], env).data["data"] == []
