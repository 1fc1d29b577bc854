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
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/s.db"))
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


def test_concurrent_moves_are_judged_on_the_locked_row(tmp_path, monkeypatch):
    """PostgreSQL: a move waits for a concurrent one and is judged from the status it left.

    Strict A->B and A->C: while one transaction moves A->B, another asks for C. It must wait
    for the row (`FOR UPDATE`) and then be refused (B->C is not allowed), not read the stale
    A, pass the check and overwrite B.
    """
    import threading
    import time

    from alloy.domain.values import Role
    from alloy.services import tickets
    from alloy.store import Scope
    from alloy.store.postgres import PostgresStore
    from tests import pg

    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path))
    app_url, _ = pg.cluster().new_database()
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=app_url))
    user = LocalClient(env, None).call("auth.register", body={
        "email": "race@example.com", "password": "password123", "display_name": "R"})
    client, org = LocalClient(env, token=user["access_token"]), user["org_id"]
    wf = client.call("workflows.create", org_id=org, body={
        "name": "Fork", "enforcement": "strict",
        "statuses": [{"name": n, "category": "todo"} for n in ("A", "B", "C")],
        "transitions": [{"from": "A", "to": "B"}, {"from": "A", "to": "C"}]})
    project = client.call("projects.create", body={"org_id": org, "key": "RACE", "name": "R",
                                                   "workflow_id": wf["id"]})
    ticket = client.call("tickets.create", project_id=project["id"], body={"title": "fork"})
    assert ticket["status"] == "A"
    actor, scope = Actor(user_id=user["user_id"], org_id=org), Scope(user_id=user["user_id"])
    moved, release, outcome = threading.Event(), threading.Event(), {}

    def move(to: str, hold: bool) -> None:
        try:
            with env.store.unit(scope=scope) as db:
                ctx = Ctx(db, actor, env, scope)
                row, proj = tickets.load(ctx, ticket["id"], Role.Member)
                tickets.change_status(ctx, row, proj, to)
                if hold:
                    moved.set()
                    release.wait(30)
                db.commit()
            outcome[to] = "moved"
        except Invalid as e:
            outcome[to] = e.message

    first = threading.Thread(target=move, args=("B", True))
    first.start()
    assert moved.wait(30)
    second = threading.Thread(target=move, args=("C", False))
    second.start()
    with PostgresStore(app_url).connect() as watch:  # its own role: sees the wait event
        for _ in range(600):  # until the second transaction waits for the first one's lock
            if watch.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type"
                             " = 'Lock' AND datname = current_database()").fetchone()["n"]:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the second move never waited for the first one's row lock")
    release.set()
    first.join(30)
    second.join(30)
    assert outcome == {"B": "moved",
                       "C": "transition from 'B' to 'C' is not allowed by workflow 'Fork'"}
    assert client.call("tickets.get", ticket_id=ticket["id"])["status"] == "B"
