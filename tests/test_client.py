"""The typed client: one `Client` protocol, two implementations, answers checked by type."""

from __future__ import annotations

import msgspec
import pytest

from alloy import ops
from alloy.client import Client
from alloy.client.local import LocalClient
from alloy.client.remote import RemoteClient, _decode
from alloy.config import Settings
from alloy.env import bootstrap


def test_both_clients_are_clients(tmp_path):
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/c.db"))
    local, remote = LocalClient(env), RemoteClient("http://127.0.0.1:9")
    try:
        assert isinstance(local, Client) and isinstance(remote, Client)
        assert (local.mode, remote.mode) == ("embedded", "remote")
    finally:
        local.close()
        remote.close()
        env.close()


def test_a_remote_answer_of_the_wrong_shape_fails_loudly():
    with pytest.raises(msgspec.ValidationError, match="tickets.get"):
        _decode(ops.get("tickets.get"), b'{"id": 42}')
    with pytest.raises(msgspec.ValidationError, match="tickets.list"):
        _decode(ops.get("tickets.list"), b'[{"id": "a"}]')


def test_a_remote_answer_of_the_right_shape_is_the_local_struct(tmp_path):
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/c.db"))
    client = LocalClient(env)
    try:
        health = client.run("system.health")
        assert isinstance(health, ops.get("system.health").result)
        assert _decode(ops.get("system.health"), msgspec.json.encode(health)) == health
        assert client.call("system.health") == msgspec.to_builtins(health)
    finally:
        env.close()


def test_both_clients_answer_the_declared_structs(server, tmp_path):
    """`run` gives the operation's result type on both sides; a field read by name is a
    Struct attribute, so a misspelt one fails here and not for a user."""
    from alloy.domain.page import Page
    from tests.conftest import unique_email

    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/c.db",
                                      ALLOY_REGISTRATION="open"))
    anonymous = {"local": LocalClient(env), "remote": RemoteClient(server.url)}
    try:
        for kind, anon in anonymous.items():
            email = unique_email(kind)
            pair = anon.run("auth.register", body={"email": email, "password": "password123",
                                                   "display_name": kind})
            assert isinstance(pair, ops.get("auth.register").result)
            client = (LocalClient(env, token=pair.access_token) if kind == "local"
                      else RemoteClient(server.url, pair.access_token))
            me = client.run("auth.me")
            assert isinstance(me, ops.get("auth.me").result) and me.email == email
            orgs = client.run("orgs.list")
            assert isinstance(orgs, Page) and orgs.items[0].id == me.org_id
            assert client.call("auth.me") == msgspec.to_builtins(me)
            client.close()
    finally:
        env.close()


def test_a_plain_http_client_loads_no_certificate_store_and_https_still_verifies():
    """Loading the CA store cost every remote command ~30 ms though plain http never uses
    it; an https server's certificate is still checked (tests/test_tls.py goes end to end)."""
    import ssl

    plain, secure = RemoteClient("http://127.0.0.1:9"), RemoteClient("https://127.0.0.1:9")
    try:
        context = plain._http._transport._pool._ssl_context  # httpx's, made at construction
        assert context.cert_store_stats()["x509_ca"] == 0
        context = secure._http._transport._pool._ssl_context
        assert context.verify_mode == ssl.CERT_REQUIRED and context.cert_store_stats()["x509_ca"]
    finally:
        plain.close()
        secure.close()


def test_a_verified_token_is_checked_once_until_it_expires(tmp_path, monkeypatch):
    """The signature check is cached in one place (`JwtKeys.verify`) for the server and for
    an in-process client holding a token alike, and only until the token's `exp`."""
    import time

    import jwt

    from alloy.security import JwtKeys

    decoded = []
    real = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **kw: decoded.append(1) or real(*a, **kw))
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/c.db",
                                      ALLOY_REGISTRATION="open"))
    try:
        pair = LocalClient(env).run("auth.register", body={
            "email": "once@example.com", "password": "password123", "display_name": "Once"})
        client = LocalClient(env, token=pair.access_token)
        decoded.clear()
        assert client.run("auth.me").email == client.run("auth.me").email == "once@example.com"
        assert len(decoded) == 1
        keys = env.jwt
        short = JwtKeys(keys.private_pem, keys.public_pem, keys.issuer, keys.audience, ttl=1)
        token = short.issue({"sub": "someone"})
        assert short.verify(token)["sub"] == "someone"
        time.sleep(2.1)
        assert short.verify(token) is None  # its exp has passed: not answered from the cache
    finally:
        env.close()
