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


def test_a_remote_answer_of_the_right_shape_is_plain_data(tmp_path):
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/c.db"))
    client = LocalClient(env)
    try:
        health = client.call("system.health")
        assert _decode(ops.get("system.health"), msgspec.json.encode(health)) == health
    finally:
        env.close()
