"""The outbound URL policy (issue 14, item 5): identity-provider and webhook URLs are checked
on input and again when the server connects; private targets only with
ALLOY_ALLOW_PRIVATE_URLS=true (which every other test server sets, for its local fakes)."""

from __future__ import annotations

import socket
import sqlite3
import time

import pytest

from tests.fake_oidc import FakeIdP
from tests.pg import use_postgres
from tests.support import Server, auth
from tests.test_webhooks import Receiver


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """A server with the default policy: no private targets."""
    srv = Server(tmp_path_factory.mktemp("strict"), ALLOY_REGISTRATION="open",
                 ALLOY_ALLOW_PRIVATE_URLS="false")
    yield srv
    srv.stop()


def _owner(server, name: str) -> tuple[dict, str]:
    reg = server.http.post("/api/v1/auth/register", json={
        "email": f"{name}-{time.time_ns()}@example.com", "password": "password123",
        "display_name": name})
    assert reg.status_code == 201, reg.text
    return auth(reg.json()["access_token"]), reg.json()["org_id"]


def _host_on_loopback() -> str:
    """A name (not `localhost`) that resolves to this machine: the DNS-rebinding stand-in."""
    name = socket.gethostname()
    try:
        addresses = {i[4][0] for i in socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)}
    except OSError:
        pytest.skip(f"{name} does not resolve")
    import ipaddress

    if name.lower() == "localhost" or any(ipaddress.ip_address(a).is_global
                                          for a in addresses):
        pytest.skip(f"{name} does not resolve to a private address only")
    return name


BAD = {"http://[::1": "not a valid URL", "ftp://example.com/x": "",
       "http://127.0.0.1:9/hooks": "private", "http://[::1]:9/": "private",
       "http://169.254.169.254/latest/meta-data": "private", "http://10.1.2.3/": "private",
       "http://localhost:9/": "private", "http://127.1/": "private"}


def test_private_and_malformed_urls_are_422_on_input(strict):
    h, org = _owner(strict, "urls")
    for url, why in BAD.items():
        hook = strict.http.post(f"/api/v1/orgs/{org}/webhooks", headers=h,
                                json={"url": url, "event_types": ["ticket.created"]})
        assert hook.status_code == 422, (url, hook.text)
        detail = hook.json()["error"]["details"][0]
        assert detail["field"] == "url" and why in detail["message"], (url, detail)
        idp = strict.http.post(f"/api/v1/orgs/{org}/identity-providers", headers=h, json={
            "issuer_url": url, "client_id": "c", "client_secret": "s"})
        assert idp.status_code == 422, (url, idp.text)
        assert idp.json()["error"]["details"][0]["field"] == "issuer_url"
    idp = strict.http.post(f"/api/v1/orgs/{org}/identity-providers", headers=h, json={
        "issuer_url": "https://idp.example.com", "client_id": "c", "client_secret": "s",
        "jwks_uri": "http://169.254.169.254/keys"})
    assert idp.status_code == 422 and idp.json()["error"]["details"][0]["field"] == "jwks_uri"
    ok = strict.http.post(f"/api/v1/orgs/{org}/webhooks", headers=h, json={
        "url": "https://hooks.example.com/alloy", "event_types": ["ticket.created"]})
    assert ok.status_code == 201, ok.text


def test_broken_issuer_discovery_is_a_clear_503_never_500(strict, server, register):
    h, org = _owner(strict, "broken")
    made = strict.http.post(f"/api/v1/orgs/{org}/identity-providers", headers=h, json={
        "issuer_url": "https://idp.invalid", "client_id": "c", "client_secret": "s"})
    assert made.status_code == 201
    found = strict.http.get("/api/v1/auth/sso/discover", params={"org_id": org})
    assert found.status_code == 503, found.text
    assert found.json()["error"]["code"] == "UNAVAILABLE"
    assert "discovery failed" in found.json()["error"]["message"]
    if not use_postgres():  # a row stored before the policy (the issue's `http://[::1`)
        with sqlite3.connect(strict.home / "data" / "alloy.db") as db:
            db.execute("UPDATE identity_providers SET issuer_url = 'http://[::1' "
                       "WHERE org_id = ?", (org,))
        found = strict.http.get("/api/v1/auth/sso/discover", params={"org_id": org})
        assert found.status_code == 503 and "discovery failed" in found.text, found.text
    # Allowed private targets still fail cleanly when nothing answers there.
    owner = register("closedidp")
    server.http.post(f"/api/v1/orgs/{owner['org_id']}/identity-providers",
                     headers=auth(owner["access_token"]), json={
                         "issuer_url": "http://127.0.0.1:9", "client_id": "c",
                         "client_secret": "s"})
    found = server.http.get("/api/v1/auth/sso/discover", params={"org_id": owner["org_id"]})
    assert found.status_code == 503 and found.json()["error"]["code"] == "UNAVAILABLE"
    assert "Traceback" not in strict.output() + server.output()


def test_names_resolving_to_private_addresses_are_refused_when_connecting(strict):
    name = _host_on_loopback()
    h, org = _owner(strict, "rebind")
    receiver, idp = Receiver(), FakeIdP()
    try:
        port = receiver.server.server_address[1]
        hook = strict.http.post(f"/api/v1/orgs/{org}/webhooks", headers=h, json={
            "url": f"http://{name}:{port}/hooks", "event_types": ["ticket.created"]})
        assert hook.status_code == 201, hook.text  # a name: no DNS on input
        project = strict.http.post("/api/v1/projects", headers=h,
                                   json={"key": "RB", "name": "Rebind"}).json()
        strict.http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h,
                         json={"title": "x"})
        url = f"/api/v1/webhooks/{hook.json()['id']}/deliveries"
        deadline = time.time() + 20
        while not (d := strict.http.get(url, headers=h).json()["items"])[0]["attempts"]:
            assert time.time() < deadline, d
            time.sleep(0.1)
        assert "private address" in d[0]["last_error"] and d[0]["status"] != "delivered"
        assert receiver.got == []

        idp_port = idp.url.rsplit(":", 1)[1]
        strict.http.post(f"/api/v1/orgs/{org}/identity-providers", headers=h, json={
            "issuer_url": f"http://{name}:{idp_port}", "client_id": idp.client_id,
            "client_secret": idp.client_secret})
        found = strict.http.get("/api/v1/auth/sso/discover", params={"org_id": org})
        assert found.status_code == 503 and "private address" in found.text
    finally:
        receiver.server.shutdown()
        idp.stop()


def test_a_url_the_sender_cannot_encode_is_a_failed_delivery_not_a_worker_crash(strict):
    """`http://xn--/` passes input checks, then the IDNA codec raises its own error at send
    time: found by the fuzz run as a worker traceback, the row left leased and retried."""
    h, org = _owner(strict, "idna")
    hook = strict.http.post(f"/api/v1/orgs/{org}/webhooks", headers=h, json={
        "url": "http://xn--/hooks", "event_types": ["ticket.created"]})
    assert hook.status_code == 201, hook.text
    project = strict.http.post("/api/v1/projects", headers=h,
                               json={"key": "IDN", "name": "Idna"}).json()
    strict.http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h, json={"title": "x"})
    url = f"/api/v1/webhooks/{hook.json()['id']}/deliveries"
    deadline = time.time() + 20
    while not (d := strict.http.get(url, headers=h).json()["items"])[0]["attempts"]:
        assert time.time() < deadline, d
        time.sleep(0.1)
    assert d[0]["status"] != "delivered" and d[0]["last_error"]
    assert "Traceback" not in strict.output()
