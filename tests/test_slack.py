"""Slack: signed slash commands and events, notifications sent to a fake Slack Web API,
thread mappings and comment sync, against a real `alloy serve`."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import urlencode

import pytest

from tests.fake_slack import FakeSlack
from tests.support import Server, auth

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test-token"


def signed(secret: str, body: bytes, ts: int | None = None) -> dict:
    ts = int(time.time()) if ts is None else ts
    base = f"v0:{ts}:".encode() + body
    return {"X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()}


def command(srv, text: str, secret: str = SECRET, **fields):
    body = urlencode({"token": "x", "team_id": "T1", "channel_id": "C1", "user_id": "U1",
                      "user_name": "jane", "command": "/ticket", "text": text, **fields}).encode()
    return srv.http.post("/api/v1/integrations/slack/commands", content=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", **signed(secret, body)})


def event(srv, payload: dict, secret: str = SECRET):
    body = json.dumps(payload).encode()
    return srv.http.post("/api/v1/integrations/slack/events", content=body, headers={
        "Content-Type": "application/json", **signed(secret, body)})


def register(srv, name: str, **extra) -> dict:
    r = srv.http.post("/api/v1/auth/register", json={
        "email": f"{name}-{uuid.uuid4().hex[:8]}@example.com", "password": "password123",
        "display_name": name.title(), **extra})
    assert r.status_code == 201, r.text
    return r.json()


def invite(srv, owner: dict, role: str, name: str) -> dict:
    code = srv.http.post(f"/api/v1/orgs/{owner['org_id']}/invites", headers=auth(
        owner["access_token"]), json={"role": role}).json()["invite_code"]
    return register(srv, name, invite_code=code)


@pytest.fixture(scope="module")
def slack():
    fake = FakeSlack(TOKEN)
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory, slack):
    """A server with two orgs; Slack acts in the owner's (ALLOY_SLACK_ORG_ID)."""
    home = tmp_path_factory.mktemp("slack")
    first = Server(home, ALLOY_REGISTRATION="open")
    try:
        owner = register(first, "owner")
        stranger = register(first, "stranger")
    finally:
        first.stop()
    srv = Server(home, ALLOY_REGISTRATION="open", ALLOY_SLACK_SIGNING_SECRET=SECRET,
                 ALLOY_SLACK_BOT_TOKEN=TOKEN, ALLOY_SLACK_API_URL=slack.url,
                 ALLOY_SLACK_NOTIFICATION_CHANNEL="engineering",
                 ALLOY_SLACK_ORG_ID=owner["org_id"], ALLOY_WEBHOOK_POLL_SECONDS="0.2")
    h = auth(owner["access_token"])
    project = srv.http.post("/api/v1/projects", headers=h, json={
        "key": "SLK", "name": "Slack", "org_id": owner["org_id"]}).json()
    yield {"srv": srv, "owner": owner, "stranger": stranger, "h": h, "project": project}
    srv.stop()


def _ticket(world, title: str = "Fix login bug") -> dict:
    r = world["srv"].http.post(f"/api/v1/projects/{world['project']['id']}/tickets",
                               headers=world["h"], json={"title": title})
    assert r.status_code == 201, r.text
    return r.json()


def test_signature_is_required_valid_and_fresh(world):
    srv = world["srv"]
    body = urlencode({"command": "/ticket", "text": "create SLK Unsigned"}).encode()
    url = "/api/v1/integrations/slack/commands"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    before = len(srv.http.get(f"/api/v1/projects/{world['project']['id']}/tickets",
                              headers=world["h"]).json()["items"])
    missing = srv.http.post(url, content=body, headers=form)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "UNAUTHORIZED"
    forged = srv.http.post(url, content=body, headers={**form, **signed("wrong-secret", body)})
    assert forged.status_code == 401 and "signature" in forged.json()["error"]["message"]
    stale = srv.http.post(url, content=body, headers={
        **form, **signed(SECRET, body, int(time.time()) - 6 * 60)})
    assert stale.status_code == 401 and "stale" in stale.json()["error"]["message"]
    tampered = srv.http.post(url, content=body + b"x", headers={**form, **signed(SECRET, body)})
    assert tampered.status_code == 401
    garbage = srv.http.post(url, content=body, headers={
        **form, "X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"})
    assert garbage.status_code == 401
    after = srv.http.get(f"/api/v1/projects/{world['project']['id']}/tickets",
                         headers=world["h"]).json()["items"]
    assert len(after) == before  # nothing was created by a rejected request
    ok = command(srv, "help")
    assert ok.status_code == 200 and ok.json()["response_type"] == "ephemeral"


def test_slash_commands_create_and_look_up(world):
    srv, h = world["srv"], world["h"]
    made = command(srv, "create slk Fix   login bug")
    assert made.status_code == 200, made.text
    answer = made.json()
    key = answer["blocks"][0]["text"]["text"].strip("*").split(":")[0]
    ticket = srv.http.get("/api/v1/tickets/resolve", headers=h, params={"ref": key}).json()["ticket"]
    assert ticket["title"] == "Fix login bug" and ticket["reporter_id"] == world["owner"]["user_id"]
    assert ticket["description"] == "Created from Slack by @jane"
    assert answer == {"response_type": "in_channel", "blocks": [{
        "type": "section", "text": {"type": "mrkdwn", "text": f"*{key}: Fix login bug*"},
        "fields": [{"type": "mrkdwn", "text": f"*Status:* {ticket['status']}"},
                   {"type": "mrkdwn", "text": "*Priority:* None"}]}]}
    srv.http.patch(f"/api/v1/tickets/{ticket['id']}", headers=h,
                   json={"status": "InProgress", "priority": "High"})
    looked = command(srv, key.lower())
    assert looked.json() == {  # the API Reference's example, exactly
        "response_type": "in_channel",
        "blocks": [{
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*{key}: Fix login bug*"},
            "fields": [{"type": "mrkdwn", "text": "*Status:* In Progress"},
                       {"type": "mrkdwn", "text": "*Priority:* High"}]}]}
    activity = srv.http.get(f"/api/v1/tickets/{ticket['id']}/activity", headers=h).json()
    assert activity["items"][0]["actor"] == world["owner"]["user_id"]  # audited as the owner


@pytest.mark.parametrize("text,expected", [
    ("create NOPE Something", "Project NOPE not found."),
    ("SLK-999", "Ticket SLK-999 not found."),
    ("NOPE-1", "Ticket NOPE-1 not found."),
    ("", "Usage:"),
    ("create SLK", "Usage:"),
    ("delete SLK-1", "Usage:"),
])
def test_slash_command_mistakes_answer_readably(world, text, expected):
    r = command(world["srv"], text)
    assert r.status_code == 200
    assert r.json()["response_type"] == "ephemeral" and r.json()["text"].startswith(expected)


def test_stranger_tickets_are_not_reachable_from_slack(world):
    srv = world["srv"]
    hs = auth(world["stranger"]["access_token"])
    theirs = srv.http.post("/api/v1/projects", headers=hs, json={"key": "THEM", "name": "T"})
    assert theirs.status_code == 201
    srv.http.post(f"/api/v1/projects/{theirs.json()['id']}/tickets", headers=hs,
                  json={"title": "Secret"})
    assert command(srv, "THEM-1").json()["text"] == "Ticket THEM-1 not found."
    assert command(srv, "create THEM Sneaky").json()["text"] == "Project THEM not found."


def test_url_verification_and_bad_payloads(world):
    srv = world["srv"]
    r = event(srv, {"type": "url_verification", "challenge": "abc123", "token": "t"})
    assert r.status_code == 200 and r.json() == {"challenge": "abc123", "status": "ok"}
    body = b"{not json"
    bad = srv.http.post("/api/v1/integrations/slack/events", content=body,
                        headers={"Content-Type": "application/json", **signed(SECRET, body)})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "BAD_REQUEST"
    unsigned = srv.http.post("/api/v1/integrations/slack/events",
                             json={"type": "url_verification", "challenge": "x"})
    assert unsigned.status_code == 401


def test_thread_replies_become_comments(world):
    srv, h = world["srv"], world["h"]
    ticket = _ticket(world, "Sync me")
    made = srv.http.post("/api/v1/integrations/slack/thread-mappings", headers=h, json={
        "ticket_id": ticket["id"], "channel_id": "C0123456789", "thread_ts": "1679012345.678900"})
    assert made.status_code == 201, made.text
    mapping = made.json()
    assert set(mapping) == {"id", "ticket_id", "channel_id", "thread_ts", "created_at"}
    assert mapping["ticket_id"] == ticket["id"] and mapping["thread_ts"] == "1679012345.678900"

    def msg(**ev):
        return event(srv, {"type": "event_callback", "team_id": "T1", "event": {
            "type": "message", "channel": "C0123456789", "user": "U42",
            "ts": "1679012399.000100", "thread_ts": "1679012345.678900", **ev}})

    assert msg(text="Repro steps attached").json() == {"status": "ok"}
    assert msg(text="Repro steps attached").json() == {"status": "duplicate"}  # Slack's retry
    assert msg(text="   ", ts="1679012399.000200").json() == {"status": "ignored"}
    assert msg(text="from a bot", bot_id="B1").json() == {"status": "ignored"}
    assert msg(text="edited", subtype="message_changed").json() == {"status": "ignored"}
    assert msg(text="elsewhere", thread_ts="1111.2222").json() == {"status": "ignored"}
    assert msg(text="parent", ts="1679012345.678900").json() == {"status": "ignored"}
    assert msg(text="other channel", channel="C999").json() == {"status": "ignored"}
    comments = srv.http.get(f"/api/v1/tickets/{ticket['id']}/comments", headers=h).json()
    assert [c["body"] for c in comments["items"]] == ["Repro steps attached\n\n— <@U42> via Slack"]
    assert comments["items"][0]["author_id"] == world["owner"]["user_id"]
    listed = srv.http.get("/api/v1/integrations/slack/thread-mappings", headers=h,
                          params={"ticket_id": ticket["id"]}).json()
    assert [m["id"] for m in listed["items"]] == [mapping["id"]]


def test_thread_mapping_rules(world):
    srv, h = world["srv"], world["h"]
    ticket, other = _ticket(world, "Mapped"), _ticket(world, "Other")
    url = "/api/v1/integrations/slack/thread-mappings"
    body = {"ticket_id": ticket["id"], "channel_id": "C77", "thread_ts": "1700000000.000001"}
    assert srv.http.post(url, headers=h, json=body).status_code == 201
    dup = srv.http.post(url, headers=h, json={**body, "ticket_id": other["id"]})
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "CONFLICT"
    again = srv.http.post(url, headers=h, json={**body, "thread_ts": "1700000000.000002"})
    assert again.status_code == 409  # one thread per ticket and channel
    hs = auth(world["stranger"]["access_token"])
    assert srv.http.post(url, headers=hs, json={**body, "channel_id": "C78"}).status_code == 404
    assert srv.http.get(url, headers=hs, params={"org_id": world["owner"]["org_id"]}
                        ).status_code == 404
    missing = srv.http.post(url, headers=h, json={**body, "ticket_id": str(uuid.uuid4())})
    assert missing.status_code == 404
    bad = srv.http.post(url, headers=h, json={"ticket_id": ticket["id"], "channel_id": "",
                                              "thread_ts": "yesterday"})
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["error"]["details"]} >= {"thread_ts"}
    viewer = invite(srv, world["owner"], "viewer", "mapviewer")
    denied = srv.http.post(url, headers=auth(viewer["access_token"]),
                           json={**body, "channel_id": "C79"})
    assert denied.status_code == 403
    assert srv.http.delete(f"/api/v1/tickets/{ticket['id']}", headers=h).status_code == 204
    left = srv.http.get(url, headers=h, params={"ticket_id": ticket["id"]}).json()
    assert left["items"] == []  # a deleted ticket takes its mapping with it


def test_notify_is_delivered_to_slack(world, slack):
    srv, h = world["srv"], world["h"]
    ticket = _ticket(world, "Ship it")
    key = ticket["key"]
    url = "/api/v1/integrations/slack/notify"
    start = len(slack.messages)
    r = srv.http.post(url, headers=h, json={
        "notification_type": "status_change", "ticket_id": ticket["id"],
        "channel_id": "C0123456789", "old_status": "In Progress", "new_status": "Done",
        "actor_name": "Jane Smith"})
    assert r.status_code == 202 and r.json() == {"status": "queued",
                                                 "notification_type": "status_change"}
    sent = slack.wait(start + 1)[start]
    assert sent["channel"] == "C0123456789" and "thread_ts" not in sent
    assert sent["text"] == f"*{key}: Ship it* moved from In Progress to Done by Jane Smith"
    assert sent["blocks"][0]["text"]["text"] == sent["text"]
    srv.http.post(url, headers=h, json={"notification_type": "comment_sync",
                                        "ticket_id": ticket["id"], "message": "LGTM",
                                        "thread_ts": "1679012345.678900"})
    srv.http.post(url, headers=h, json={"notification_type": "assignment",
                                        "ticket_id": ticket["id"], "user_slack_id": "U0DM"})
    got = slack.wait(start + 3)[start + 1:]
    by_type = {("thread" if "thread_ts" in m else m["channel"]): m for m in got}
    assert by_type["thread"]["channel"] == "engineering"  # ALLOY_SLACK_NOTIFICATION_CHANNEL
    assert by_type["thread"]["thread_ts"] == "1679012345.678900"
    assert by_type["thread"]["text"] == f"New comment on *{key}: Ship it*\nLGTM"
    assert by_type["U0DM"]["text"] == f"<@U0DM> you were assigned *{key}: Ship it*"
    assert slack.rejected == []


def test_notify_validation_and_access(world):
    srv, h = world["srv"], world["h"]
    ticket = _ticket(world, "Private")
    url = "/api/v1/integrations/slack/notify"
    bad = srv.http.post(url, headers=h, json={"notification_type": "shout",
                                              "ticket_id": ticket["id"]})
    assert bad.status_code == 422
    assert [d["field"] for d in bad.json()["error"]["details"]] == ["notification_type"]
    assert srv.http.post(url, headers=h, json={"notification_type": "mention"}).status_code == 422
    assert srv.http.post(url, headers=h, json={"notification_type": "mention",
                                               "ticket_id": str(uuid.uuid4())}).status_code == 404
    hs = auth(world["stranger"]["access_token"])
    assert srv.http.post(url, headers=hs, json={"notification_type": "mention",
                                                "ticket_id": ticket["id"]}).status_code == 404
    viewer = invite(srv, world["owner"], "viewer", "notifyviewer")
    assert srv.http.post(url, headers=auth(viewer["access_token"]), json={
        "notification_type": "mention", "ticket_id": ticket["id"]}).status_code == 403
    assert srv.http.post(url, json={"notification_type": "mention",
                                    "ticket_id": ticket["id"]}).status_code == 401


def test_unconfigured_and_which_org(tmp_path, slack):
    srv = Server(tmp_path)  # no Slack variables at all
    try:
        owner = register(srv, "lonely")
        r = command(srv, "help")
        assert r.status_code == 503 and r.json()["error"]["code"] == "NOT_CONFIGURED"
        assert "ALLOY_SLACK_SIGNING_SECRET" in r.json()["error"]["message"]
        ticket_project = srv.http.post("/api/v1/projects", headers=auth(owner["access_token"]),
                                       json={"key": "ONE", "name": "One"}).json()
        tid = srv.http.post(f"/api/v1/projects/{ticket_project['id']}/tickets",
                            headers=auth(owner["access_token"]), json={"title": "t"}).json()["id"]
        n = srv.http.post("/api/v1/integrations/slack/notify", headers=auth(owner["access_token"]),
                          json={"notification_type": "mention", "ticket_id": tid})
        assert n.status_code == 503 and "ALLOY_SLACK_BOT_TOKEN" in n.json()["error"]["message"]
    finally:
        srv.stop()
    srv = Server(tmp_path, ALLOY_SLACK_SIGNING_SECRET=SECRET)
    try:  # exactly one org: Slack acts there without ALLOY_SLACK_ORG_ID
        assert command(srv, "ONE-1").json()["blocks"][0]["text"]["text"] == "*ONE-1: t*"
        register(srv, "second")
        r = command(srv, "ONE-1")
        assert r.status_code == 503 and "ALLOY_SLACK_ORG_ID" in r.json()["error"]["message"]
        verify = event(srv, {"type": "url_verification", "challenge": "c"})
        assert verify.json() == {"challenge": "c", "status": "ok"}  # needs no org
    finally:
        srv.stop()
    srv = Server(tmp_path, ALLOY_SLACK_SIGNING_SECRET=SECRET, ALLOY_SLACK_ORG_ID="no-such-org")
    try:
        r = command(srv, "ONE-1")
        assert r.status_code == 503 and "ALLOY_SLACK_ORG_ID" in r.json()["error"]["message"]
    finally:
        srv.stop()


def test_openapi_lists_every_slack_endpoint(world):
    paths = world["srv"].http.get("/schema/openapi.json").json()["paths"]
    base = "/api/v1/integrations/slack/"
    assert {"post"} <= set(paths[base + "notify"]) and {"get", "post"} <= set(
        paths[base + "thread-mappings"])
    for signed_path in ("commands", "events"):
        entry = paths[base + signed_path]["post"]
        assert "security" not in entry
        assert {p["name"] for p in entry["parameters"]} == {"X-Slack-Request-Timestamp",
                                                            "X-Slack-Signature"}


def test_role_matrix(world):
    """notify: Reporter and above (a Reporter on projects they are assigned to);
    thread mappings: Member and above; list: Member and above."""
    srv, h = world["srv"], world["h"]
    notify_url = "/api/v1/integrations/slack/notify"
    map_url = "/api/v1/integrations/slack/thread-mappings"
    expected = {"admin": (202, 201, 200), "member": (202, 201, 200),
                "reporter": (202, 403, 403), "viewer": (403, 403, 403)}
    for n, (role, (notify_code, map_code, list_code)) in enumerate(expected.items()):
        user = invite(srv, world["owner"], role, f"matrix{role}")
        if role == "reporter":
            srv.http.post(f"/api/v1/projects/{world['project']['id']}/members", headers=h,
                          json={"user_id": user["user_id"]})
        hu = auth(user["access_token"])
        ticket = _ticket(world, f"Matrix {role}")
        got = (srv.http.post(notify_url, headers=hu, json={
                   "notification_type": "mention", "ticket_id": ticket["id"]}).status_code,
               srv.http.post(map_url, headers=hu, json={
                   "ticket_id": ticket["id"], "channel_id": "CM",
                   "thread_ts": f"1700000100.00000{n}"}).status_code,
               srv.http.get(map_url, headers=hu,
                            params={"org_id": world["owner"]["org_id"]}).status_code)
        assert got == (notify_code, map_code, list_code), role
