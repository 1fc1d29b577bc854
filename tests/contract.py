"""Contract harness: the same scenario through LocalClient and RemoteClient, results compared.

A scenario is a function taking a `Side` and returning what it observed. It runs once on a
fresh local database (embedded) and once against a live server on its own database; the
observations, with ids, timestamps and secrets replaced by stable placeholders, must match.
"""

from __future__ import annotations

import re

from alloy.client.local import LocalClient
from alloy.client.remote import RemoteClient
from alloy.config import Settings
from alloy.env import bootstrap
from alloy.errors import AlloyError

CALLED: set[str] = set()

_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T[\d:.]+Z$")
_SECRET_KEYS = {"secret", "access_token", "refresh_token", "key", "api_key", "invite_code", "invite_link",
                "key_prefix", "api_key_prefix", "next_cursor"}


class Recording:
    """Wraps a client, records which operations ran, and turns errors into observations."""

    def __init__(self, client) -> None:
        self.client = client

    def call(self, name: str, **kw):
        """The typed answer (`run`), observed as JSON: both sides' Structs are compared."""
        import msgspec

        CALLED.add(name)
        result = self.client.run(name, **kw)
        return result if isinstance(result, bytes) else msgspec.to_builtins(result)

    def attempt(self, name: str, **kw):
        """Call, returning the result or {"error": code, "status": http status}."""
        try:
            return self.call(name, **kw)
        except AlloyError as e:
            return {"error": e.code, "status": e.status}


OPEN: list[LocalSide] = []  # closed after each test (tests/conftest.py)


class LocalSide:
    """The in-process side: its own Env (and, on PostgreSQL, its own connection pool),
    closed when the test ends, not left to the garbage collector: a pool collected on
    one of its own worker threads cannot join that thread."""

    kind = "local"

    def __init__(self, home, **settings) -> None:
        import os

        from tests.pg import database_for, use_postgres

        os.environ["ALLOY_DATA_DIR"] = str(home)
        url = database_for(home)[0] if use_postgres() else f"sqlite:///{home}/local.db"
        settings.setdefault("ALLOY_ALLOW_PRIVATE_URLS", "true")  # as base_env: local fakes
        self.env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=url, **settings))
        self.anon = Recording(LocalClient(self.env, None))
        OPEN.append(self)

    def as_user(self, token: str, org_id: str | None = None) -> Recording:
        return Recording(LocalClient(self.env, token=token, org_id=org_id))


class RemoteSide:
    kind = "remote"

    def __init__(self, server) -> None:
        self.server = server
        self.anon = Recording(RemoteClient(server.url))

    def as_user(self, token: str, org_id: str | None = None) -> Recording:
        return Recording(RemoteClient(self.server.url, token, org_id=org_id))


def normalize(value, ids: dict | None = None):
    """Replace ids, timestamps and secrets with placeholders numbered by first appearance."""
    ids = {} if ids is None else ids

    def walk(v, key=None):
        if isinstance(v, dict):
            return {k: walk(x, k) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        if key == "uptime_seconds":  # each side's own process: never equal
            return "<uptime>"
        if isinstance(v, str):
            if key in _SECRET_KEYS:
                return "<secret>"
            if _TS.match(v):
                return "<ts>"
            return _UUID.sub(lambda m: ids.setdefault(m.group(0), f"<id{len(ids)}>"), v)
        return v

    return walk(value)
