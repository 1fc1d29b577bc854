"""One way for an integration to act: `run_as` a declared operation as its acting Owner,
and one error mapper for every HTTP answer (core only; the HTTP faces are tested in
test_scim, test_slack and test_github)."""

from __future__ import annotations

import sqlite3

import pytest

from alloy import ops
from alloy.client.local import LocalClient
from alloy.config import Settings
from alloy.dispatch import run_as
from alloy.domain.work import Project
from alloy.env import bootstrap
from alloy.errors import Conflict, NotConfigured
from alloy.integrations import acting_actor
from tests.support import ROOT


@pytest.fixture
def embedded(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path))
    for name in ("ALLOY_SCIM_ORG_ID", "ALLOY_SLACK_ORG_ID", "ALLOY_GITHUB_ORG_ID"):
        monkeypatch.delenv(name, raising=False)
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/i.db"))
    return env, tmp_path / "i.db"


def register(env, email: str) -> dict:
    return LocalClient(env, None).call("auth.register", body={
        "email": email, "password": "password123", "display_name": "Owner"})


def test_run_as_runs_the_operation_in_one_audited_unit_of_work(embedded):
    env, path = embedded
    with pytest.raises(NotConfigured, match="ALLOY_GITHUB_ORG_ID"):
        acting_actor(env, "github")  # no organization yet
    owner = register(env, "owner@example.com")
    actor = acting_actor(env, "github")  # the only org, as its Owner
    assert (actor.user_id, actor.org_id) == (owner["user_id"], owner["org_id"])
    project = run_as(env, actor, "projects.create",
                     body={"org_id": actor.org_id, "key": "RUN", "name": "Run as"})
    assert isinstance(project, Project)  # the operation's own result, not wire JSON
    with pytest.raises(Conflict):  # the same rules as any request
        run_as(env, actor, "projects.create",
               body={"org_id": actor.org_id, "key": "RUN", "name": "Again"})
    db = sqlite3.connect(path)
    audit = db.execute("SELECT actor_id, action FROM audit_log WHERE entity_id = ?",
                       (project.id,)).fetchall()
    assert audit == [(owner["user_id"], "create")]
    assert db.execute("SELECT COUNT(*) FROM projects").fetchone() == (1,)
    register(env, "second@example.com")  # a second org: the integration must be told which
    with pytest.raises(NotConfigured, match="ALLOY_SLACK_ORG_ID"):
        acting_actor(env, "slack")


def test_integration_operations_are_not_in_the_bearer_api():
    from alloy.server.integrations.scim import SHAPES

    scim = {o.name for o in ops.integration_ops("scim")}
    assert scim == set(SHAPES)  # every SCIM operation has its OpenAPI shapes
    slack = {o.name for o in ops.integration_ops("slack")}
    assert slack == {"slack.sync_reply"}
    assert not {o.name for o in ops.all_ops()} & (scim | slack)
    with pytest.raises(KeyError):
        ops.get("slack.sync_reply")  # no client can call it


def test_the_error_envelope_is_written_once_in_server():
    writers = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "server").rglob("*.py")
                     if ".envelope()" in p.read_text() or "error_body(" in p.read_text())
    assert writers == ["server/errors.py", "server/integrations/scim.py"]
    assert ".envelope()" not in (ROOT / "server" / "integrations" / "scim.py").read_text()
