"""`statuses.apply` / `statuses.initial`: the one entry point ticket create, update and
transition use. Exercised in-process on a real database, the way those services call it."""

from __future__ import annotations

import pytest

from alloy.actor import Actor
from alloy.client.local import LocalClient
from alloy.config import Settings
from alloy.context import Ctx
from alloy.env import bootstrap
from alloy.errors import Invalid
from alloy.services import statuses, workflows

FLOW = {"statuses": [{"name": "To Do", "category": "todo"},
                     {"name": "In Progress", "category": "in_progress"},
                     {"name": "Done", "category": "done"}],
        "transitions": [{"from": "To Do", "to": "In Progress"},
                        {"from": "In Progress", "to": "Done"}]}


@pytest.fixture
def world(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path))
    env = bootstrap(Settings(database_url=f"sqlite:///{tmp_path}/s.db"))
    user = LocalClient(env, None).call("auth.register", body={
        "email": "rules@example.com", "password": "password123", "display_name": "R"})
    client = LocalClient(env, token=user["access_token"])
    org = client.call("orgs.create", body={"name": "Rules", "slug": "rules-org"})
    project = client.call("projects.create", body={"org_id": org["id"], "key": "RL",
                                                   "name": "Rules"})
    actor = Actor(user_id=user["user_id"], email="rules@example.com", org_id=org["id"])

    def run(fn):
        with env.store.unit() as db:
            ctx = Ctx(db, actor, env)
            row = db.one("SELECT * FROM projects WHERE id = ?", project["id"])
            out = fn(ctx, row)
            db.commit()
            return out

    def flow(enforcement, name="Team Flow"):
        wf = client.call("workflows.create", org_id=org["id"],
                         body={**FLOW, "name": name, "enforcement": enforcement})
        run(lambda ctx, row: workflows.assign(ctx, row, wf["id"]))
        return wf

    return run, flow


def test_default_workflow_accepts_anything_and_canonicalizes(world):
    run, _ = world
    assert run(statuses.initial) == "Backlog"
    apply = statuses.apply
    assert run(lambda c, p: apply(c, p, None, "in_progress")) == ("InProgress", None)
    assert run(lambda c, p: apply(c, p, "Backlog", " IN REVIEW ")) == ("InReview", None)
    assert run(lambda c, p: apply(c, p, "Backlog", "Waiting on vendor")) == (
        "Waiting on vendor", None)
    with pytest.raises(Invalid) as err:
        run(lambda c, p: apply(c, p, None, "  "))
    assert err.value.details[0]["field"] == "status"


def test_strict_create_and_move(world):
    run, flow = world
    flow("strict")
    apply = statuses.apply
    assert run(statuses.initial) == "To Do"  # no backlog category: the first status
    assert run(lambda c, p: apply(c, p, None, "todo")) == ("To Do", None)
    with pytest.raises(Invalid) as err:
        run(lambda c, p: apply(c, p, None, "Backlog"))
    assert err.value.message == "status 'Backlog' is not defined by workflow 'Team Flow'"
    with pytest.raises(Invalid) as err:
        run(lambda c, p: apply(c, p, "To Do", "done"))
    assert err.value.message == (
        "transition from 'To Do' to 'Done' is not allowed by workflow 'Team Flow'")
    assert err.value.details == []
    assert run(lambda c, p: apply(c, p, "To Do", "in-progress")) == ("In Progress", None)
    assert run(lambda c, p: apply(c, p, "To Do", "To Do")) == ("To Do", None)
    # a ticket left in a status the workflow does not know may re-enter it anywhere
    assert run(lambda c, p: apply(c, p, "Backlog", "Done")) == ("Done", None)


def test_warn_create_and_move(world):
    run, flow = world
    flow("warn", "Simple Flow")
    apply = statuses.apply
    assert run(lambda c, p: apply(c, p, "To Do", "Done")) == ("Done", (
        "transition from 'To Do' to 'Done' is not allowed by workflow 'Simple Flow', "
        "but enforcement is set to warn"))
    assert run(lambda c, p: apply(c, p, None, "Parked")) == ("Parked", (
        "status 'Parked' is not defined by workflow 'Simple Flow', "
        "but enforcement is set to warn"))


def test_none_on_a_custom_workflow(world):
    run, flow = world
    flow("none")
    assert run(lambda c, p: statuses.apply(c, p, "To Do", "Done")) == ("Done", None)


def test_assignment_must_stay_in_the_org(world):
    run, _ = world
    with pytest.raises(Invalid) as err:
        run(lambda c, p: workflows.validate_assignment(c, p["org_id"], "nope"))
    assert err.value.details[0]["field"] == "workflow_id"
    run(lambda c, p: workflows.validate_assignment(c, p["org_id"], None))


def test_ticket_sprint_check(world):
    from alloy.services import sprints

    run, _ = world
    with pytest.raises(Invalid) as err:
        run(lambda c, p: sprints.check_ticket_sprint(c, p, "nope"))
    assert err.value.details == [{"field": "sprint_id", "message": "no such sprint in this project"}]
    run(lambda c, p: sprints.check_ticket_sprint(c, p, None))
