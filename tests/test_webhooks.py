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
    deliveries = server.http.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=h).json()
    assert [d["status"] for d in deliveries["items"]] == ["delivered"]
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
    d = server.http.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=h).json()["items"]
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
