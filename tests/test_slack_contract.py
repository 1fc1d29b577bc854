"""Slack operations embedded = remote (contract), and docs/slack.md executed."""

from __future__ import annotations

import uuid

import pytest

from tests.contract import LocalSide, RemoteSide, normalize
from tests.docs_runner import run_doc
from tests.fake_slack import FakeSlack
from tests.support import ROOT, Server
from tests.test_slack import SECRET, TOKEN


@pytest.fixture(scope="module")
def slack():
    fake = FakeSlack(TOKEN)
    yield fake
    fake.stop()


def scenario_slack(side, tag: str) -> list:
    owner = side.anon.call("auth.register", body={
        "email": f"slack-{tag}@example.com", "password": "password123", "display_name": "S"})
    o = side.as_user(owner["access_token"])
    project = o.call("projects.create", body={"key": "CTR", "name": "Contract"})
    ticket = o.call("tickets.create", project_id=project["id"], body={"title": "Notify me"})
    seen = [o.call("slack.notify", body={"notification_type": "mention",
                                         "ticket_id": ticket["id"], "user_slack_id": "U1"})]
    seen.append(o.attempt("slack.notify", body={"notification_type": "nope",
                                                "ticket_id": ticket["id"]}))
    seen.append(o.attempt("slack.notify", body={"notification_type": "mention",
                                                "ticket_id": str(uuid.UUID(int=1))}))
    mapping = o.call("slack.create_thread_mapping", body={
        "ticket_id": ticket["id"], "channel_id": "C1", "thread_ts": "1679012345.678900"})
    seen.append(mapping)
    seen.append(o.attempt("slack.create_thread_mapping", body={
        "ticket_id": ticket["id"], "channel_id": "C1", "thread_ts": "1679012345.678900"}))
    seen.append(o.call("slack.list_thread_mappings", query={"channel_id": "C1"}))
    seen.append(o.call("slack.list_thread_mappings", query={"thread_ts": "1.2"}))
    stranger = side.anon.call("auth.register", body={
        "email": f"slack-stranger-{tag}@example.com", "password": "password123",
        "display_name": "X"})
    s = side.as_user(stranger["access_token"])
    seen.append(s.attempt("slack.create_thread_mapping", body={
        "ticket_id": ticket["id"], "channel_id": "C2", "thread_ts": "1679012345.678901"}))
    seen.append(s.attempt("slack.notify", body={"notification_type": "mention",
                                                "ticket_id": ticket["id"]}))
    return seen


def test_slack_contract(tmp_path, slack, monkeypatch):
    monkeypatch.setenv("ALLOY_SLACK_BOT_TOKEN", TOKEN)
    (tmp_path / "srv").mkdir()
    (tmp_path / "local").mkdir()
    srv = Server(tmp_path / "srv", ALLOY_SLACK_BOT_TOKEN=TOKEN, ALLOY_SLACK_API_URL=slack.url)
    try:
        remote = scenario_slack(RemoteSide(srv), "c1")
        local = scenario_slack(LocalSide(tmp_path / "local"), "c1")
    finally:
        srv.stop()
    assert normalize(local) == normalize(remote)
    assert local[0] == {"status": "queued", "notification_type": "mention"}
    assert local[4]["status"] == 409 and local[-1]["status"] == 404


def test_slack_doc_examples_run(tmp_path, slack):
    srv = Server(tmp_path, ALLOY_REGISTRATION="open", ALLOY_SLACK_SIGNING_SECRET=SECRET,
                 ALLOY_SLACK_BOT_TOKEN=TOKEN, ALLOY_SLACK_API_URL=slack.url,
                 ALLOY_WEBHOOK_POLL_SECONDS="0.2")
    try:
        start = len(slack.messages)
        run = run_doc(ROOT / "docs" / "slack.md", {**srv.env, "BASE_URL": srv.url}, tmp_path)
        assert "DOCS-1" in run.stdout
        assert any(m["channel"] == "C0123456789" for m in slack.wait(start + 1))
    finally:
        srv.stop()
