"""Webhooks: subscriptions, the outbox written with the change, signed delivery, retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support import auth


class Receiver:
    """An HTTP endpoint on loopback that records what it is sent; can be told to fail."""

    def __init__(self) -> None:
        self.got: list[tuple[dict, bytes]] = []
        self.fail_next = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail_next:
                    receiver.fail_next -= 1
                    self.send_response(503)
                else:
                    receiver.got.append((dict(self.headers), body))
                    self.send_response(200)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, n: int, seconds: float = 15) -> None:
        deadline = time.time() + seconds
        while len(self.got) < n and time.time() < deadline:
            time.sleep(0.05)
        assert len(self.got) >= n, f"received {len(self.got)} of {n}"


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def _settled(server, hook: dict, h: dict) -> list[dict]:
    """The hook's deliveries once none is pending: the worker records an outcome just after
    the receiver has answered, so the receiver can see a delivery before its record does."""
    deadline = time.time() + 10
    while True:
        d = server.http.get(f"/api/v1/webhooks/{hook['id']}/deliveries",
                            headers=h).json()["items"]
        if all(x["status"] != "pending" for x in d) or time.time() > deadline:
            return d
        time.sleep(0.1)


def test_ticket_created_is_delivered_signed(server, register, receiver):
    owner = register("hooks")
    h, org = auth(owner["access_token"]), owner["org_id"]
    made = server.http.post(f"/api/v1/orgs/{org}/webhooks", headers=h, json={
        "url": receiver.url, "event_types": ["ticket.created", "ticket.updated"]})
    assert made.status_code == 201
    hook = made.json()
    assert hook["secret"].startswith("whsec_") and hook["active"] is True
    assert "secret" not in server.http.get(f"/api/v1/webhooks/{hook['id']}", headers=h).json()
    project = server.http.post("/api/v1/projects", headers=h,
                               json={"key": "HOOK", "name": "Hooks"}).json()
    server.http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h,
                     json={"title": "Ship webhooks"})
    receiver.wait(1)
    headers, body = receiver.got[0]
    expected = "sha256=" + hmac.new(hook["secret"].encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Alloy-Signature"] == expected
    event = json.loads(body)
    assert event["type"] == "ticket.created" and event["data"]["key"] == "HOOK-1"
    assert [d["status"] for d in _settled(server, hook, h)] == ["delivered"]
    assert server.http.delete(f"/api/v1/webhooks/{hook['id']}", headers=h).status_code == 204


def test_failed_delivery_is_retried(server, register, receiver):
    owner = register("hookretry")
    h, org = auth(owner["access_token"]), owner["org_id"]
    hook = server.http.post(f"/api/v1/orgs/{org}/webhooks", headers=h, json={
        "url": receiver.url, "event_types": ["ticket.created"]}).json()
    receiver.fail_next = 1
    project = server.http.post("/api/v1/projects", headers=h,
                               json={"key": "RTRY", "name": "Retry"}).json()
    server.http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h, json={"title": "x"})
    receiver.wait(1, seconds=20)
    d = _settled(server, hook, h)
    assert d[0]["status"] == "delivered" and d[0]["attempts"] == 2


def test_webhook_validation_and_roles(server, register, receiver):
    owner = register("hookrules")
    h, org = auth(owner["access_token"]), owner["org_id"]
    bad = server.http.post(f"/api/v1/orgs/{org}/webhooks", headers=h,
                           json={"url": "not a url", "event_types": ["ticket.exploded"]})
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["error"]["details"]} == {"url"}
    unknown = server.http.post(f"/api/v1/orgs/{org}/webhooks", headers=h,
                               json={"url": receiver.url, "event_types": ["ticket.exploded"]})
    assert unknown.status_code == 422
    inv = server.http.post(f"/api/v1/orgs/{org}/invites", headers=h, json={"role": "member"}).json()
    member = register("hookmember", invite_code=inv["invite_code"])
    denied = server.http.post(f"/api/v1/orgs/{org}/webhooks",
                              headers=auth(member["access_token"]),
                              json={"url": receiver.url, "event_types": ["ticket.created"]})
    assert denied.status_code == 403
    stranger = register("hookstranger")
    assert server.http.get(f"/api/v1/orgs/{org}/webhooks",
                           headers=auth(stranger["access_token"])).status_code == 404


def _subscribed(server, register, receiver, name: str, key: str):
    """A fresh owner subscribed to every event type, with one project."""
    from alloy.domain.events import EVENT_TYPES

    owner = register(name)
    h, org = auth(owner["access_token"]), owner["org_id"]
    made = server.http.post(f"/api/v1/orgs/{org}/webhooks", headers=h, json={
        "url": receiver.url, "event_types": list(EVENT_TYPES)})
    assert made.status_code == 201, made.text
    project = server.http.post("/api/v1/projects", headers=h,
                               json={"org_id": org, "key": key, "name": key}).json()
    return h, project


def _events(receiver) -> list[dict]:
    return [json.loads(body) for _, body in receiver.got]


def test_a_status_change_is_the_same_events_whichever_path(server, register, receiver):
    """PATCH, transition, batch update and batch transition: one change, one set of events
    (`ticket.updated` with `changes`, `ticket.status_changed` with old and new status) and
    one audit row (`transition`)."""
    h, project = _subscribed(server, register, receiver, "hookpaths", "PATH")
    http = server.http
    ids = [http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h,
                     json={"title": f"t{i}"}).json()["id"] for i in range(4)]
    receiver.wait(4)
    moves = [("PATCH", f"/api/v1/tickets/{ids[0]}", {"status": "in progress"}),
             ("POST", f"/api/v1/tickets/{ids[1]}/transition", {"to_status": "in progress"}),
             ("POST", "/api/v1/tickets/batch-update", {"ticket_ids": [ids[2]],
                                                       "status": "in progress"}),
             ("POST", "/api/v1/tickets/batch-transition", {"ticket_ids": [ids[3]],
                                                           "to_status": "in progress"})]
    for method, path, body in moves:
        r = http.request(method, path, headers=h, json=body)
        assert r.status_code == 200, r.text
    receiver.wait(4 + 2 * 4)
    time.sleep(1.5)  # an extra event would arrive by now
    got = [e for e in _events(receiver) if e["type"] != "ticket.created"]
    assert len(got) == 8
    for ticket_id in ids:
        mine = sorted((e for e in got if e["data"]["id"] == ticket_id), key=lambda e: e["type"])
        assert [e["type"] for e in mine] == ["ticket.status_changed", "ticket.updated"]
        moved, updated = (e["data"] for e in mine)
        assert (moved["old_status"], moved["new_status"], moved["status"]) == (
            "Backlog", "InProgress", "InProgress")
        assert "from" not in moved and "changes" not in moved
        assert updated["changes"] == {"status": ["Backlog", "InProgress"]}
        feed = http.get(f"/api/v1/tickets/{ticket_id}/activity", headers=h).json()["items"]
        assert [(a["payload"]["action"], a["payload"]["changes"]) for a in feed] == [
            ("create", [{"field": "title", "old": None, "new": f"t{ids.index(ticket_id)}"},
                        {"field": "status", "old": None, "new": "Backlog"},
                        {"field": "priority", "old": None, "new": "None"}]),
            ("transition", [{"field": "status", "old": "Backlog", "new": "InProgress"}])]


def _documented() -> dict[str, dict]:
    """docs/webhooks.md: the example body under each "### `event.type`" heading."""
    import re

    from tests.support import ROOT

    text = (ROOT / "docs" / "webhooks.md").read_text()
    found = re.findall(r"^### `([a-z_.]+)`\n.*?^```json\n(.*?)^```", text, re.S | re.M)
    return {name: json.loads(body) for name, body in found}


def _shape(value):
    """Keys all the way down (with lists by their first item): what a consumer relies on."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__ if value is not None else None


def _loose(documented, emitted) -> bool:
    """Same keys at every level; a documented null may be a value when emitted (or not)."""
    if isinstance(documented, dict):
        return (isinstance(emitted, dict) and set(documented) == set(emitted)
                and all(_loose(documented[k], emitted[k]) for k in documented))
    if isinstance(documented, list):
        return isinstance(emitted, list) and all(
            _loose(documented[0], e) for e in emitted) if documented else emitted == []
    return documented is None or emitted is None or documented == emitted


def test_documented_payloads_are_what_operations_emit(server, register, receiver):
    from alloy.domain.events import EVENT_TYPES

    documented = _documented()
    assert list(documented) == list(EVENT_TYPES)  # every event, in the order they are listed
    h, project = _subscribed(server, register, receiver, "hookdocs", "DOCS")
    http = server.http
    def ok(method: str, path: str, body: dict | None = None) -> dict:
        r = http.request(method, path, headers=h, json=body)
        assert r.status_code in (200, 201), r.text
        return r.json()

    ticket = ok("POST", f"/api/v1/projects/{project['id']}/tickets", {"title": "Fix login"})
    ok("PATCH", f"/api/v1/tickets/{ticket['id']}", {"priority": "High"})
    ok("POST", f"/api/v1/tickets/{ticket['id']}/transition", {"to_status": "InProgress"})
    ok("POST", f"/api/v1/tickets/{ticket['id']}/comments", {"body": "On it"})
    other = ok("POST", f"/api/v1/projects/{project['id']}/tickets", {"title": "Release"})
    link = ok("POST", f"/api/v1/tickets/{ticket['id']}/relations",
              {"kind": "blocks", "target_id": other["id"]})
    assert http.delete(f"/api/v1/tickets/{other['id']}/relations/{link['id']}",
                       headers=h).status_code == 204
    sprint = ok("POST", f"/api/v1/projects/{project['id']}/sprints", {
        "name": "S1", "start_date": "2026-03-02", "end_date": "2026-03-13"})
    ok("POST", f"/api/v1/sprints/{sprint['id']}/start")
    ok("POST", f"/api/v1/sprints/{sprint['id']}/complete")
    receiver.wait(10)  # created, updated, updated + status_changed, comment, created,
    # relation created and deleted, started, completed
    emitted = {}
    for event in _events(receiver):
        emitted.setdefault(event["type"], event)
    assert set(emitted) == set(EVENT_TYPES)
    for name, example in documented.items():
        assert _loose(_shape(example), _shape(emitted[name])), (
            f"{name}: docs show {_shape(example)}, emitted {_shape(emitted[name])}")


def test_deleting_tickets_sends_relation_deleted_for_each_relation(server, register, receiver):
    """A ticket (alone, in a batch, with its sprint or with its project) takes its relations
    with it, each as an unlink removes one: a `relation.deleted` with the relation as it
    was, and a `relation_remove` row on the other ticket's activity. Before, the rows
    vanished silently."""
    h, project = _subscribed(server, register, receiver, "hookunrel", "UNREL")
    http = server.http
    other = http.post("/api/v1/projects", headers=h, json={
        "org_id": project["org_id"], "key": "KEEP", "name": "Keep"}).json()

    def ticket(p: dict, title: str) -> dict:
        return http.post(f"/api/v1/projects/{p['id']}/tickets", headers=h,
                         json={"title": title}).json()

    def link(a: dict, kind: str, b: dict) -> dict:
        r = http.post(f"/api/v1/tickets/{a['id']}/relations", headers=h,
                      json={"kind": kind, "target_id": b["id"]})
        assert r.status_code == 201, r.text
        return r.json()

    gone, batch, stays, kept = (ticket(project, "Gone"), ticket(project, "Batch"),
                                ticket(project, "Stays"), ticket(other, "Kept"))
    links = [link(gone, "blocks", stays), link(kept, "relates_to", gone),
             link(gone, "duplicated_by", batch), link(batch, "blocks", kept)]
    assert http.delete(f"/api/v1/tickets/{gone['id']}", headers=h).status_code == 204
    assert http.post("/api/v1/tickets/batch-delete", headers=h,
                     json={"ticket_ids": [batch["id"]]}).status_code == 200
    sprint = http.post(f"/api/v1/projects/{project['id']}/sprints", headers=h, json={
        "name": "S1", "start_date": "2026-03-02", "end_date": "2026-03-13"}).json()
    sprinted = ticket(project, "Sprinted")
    assert http.patch(f"/api/v1/tickets/{sprinted['id']}", headers=h,
                      json={"sprint_id": sprint["id"]}).status_code == 200
    links.append(link(sprinted, "blocks", kept))
    assert http.delete(f"/api/v1/sprints/{sprint['id']}?cascade=true",
                       headers=h).status_code == 204
    links.append(link(stays, "relates_to", kept))  # goes with its project
    assert http.delete(f"/api/v1/projects/{project['id']}?cascade=true",
                       headers=h).status_code == 204
    receiver.wait(5 + 1 + 6 + 6)  # tickets created, one updated, relations created, deleted
    deleted = sorted((e["data"] for e in _events(receiver) if e["type"] == "relation.deleted"),
                     key=lambda d: d["created_at"])
    assert [d["id"] for d in deleted] == [r["id"] for r in links]
    assert [(d["source"]["key"], d["kind"], d["target"]["key"]) for d in deleted] == [
        ("UNREL-1", "blocks", "UNREL-3"), ("KEEP-1", "relates_to", "UNREL-1"),
        ("UNREL-2", "duplicates", "UNREL-1"), ("UNREL-2", "blocks", "KEEP-1"),
        ("UNREL-4", "blocks", "KEEP-1"), ("UNREL-3", "relates_to", "KEEP-1")]
    feed = http.get(f"/api/v1/tickets/{kept['id']}/activity", headers=h).json()["items"]
    assert [(a["payload"]["action"], {c["field"]: c["new"] for c in a["payload"]["changes"]}
             .get("ticket")) for a in feed if a["payload"]["action"].startswith("relation")
            ] == [("relation_add", "UNREL-1"), ("relation_add", "UNREL-2"),
                  ("relation_remove", "UNREL-1"), ("relation_remove", "UNREL-2"),
                  ("relation_add", "UNREL-4"), ("relation_remove", "UNREL-4"),
                  ("relation_add", "UNREL-3"), ("relation_remove", "UNREL-3")]
