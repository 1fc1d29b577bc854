from __future__ import annotations

import itertools
import os

import pytest

from tests.support import FAST_HASHING, Server, base_env

_n = itertools.count()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One live open-registration server for the session; tests make their own users."""
    srv = Server(tmp_path_factory.mktemp("server"), ALLOY_REGISTRATION="open")
    yield srv
    srv.stop()


@pytest.fixture
def env_for(tmp_path):
    """Environment for CLI subprocesses with a private data/config dir."""
    return lambda **extra: base_env(tmp_path, **extra)


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}{next(_n)}-{id(_n)}@example.com"


@pytest.fixture
def register(server):
    """Register a fresh user on the shared server; returns the token pair."""

    def make(prefix: str = "user", **extra):
        body = {"email": unique_email(prefix), "password": "password123",
                "display_name": prefix.title(), **extra}
        r = server.http.post("/api/v1/auth/register", json=body)
        assert r.status_code == 201, r.text
        return r.json()

    return make


def pytest_configure(config):
    # In-process faces (contract LocalSide, Pilot, embedded MCP) read this process's
    # environment; subprocesses inherit it (base_env sets it again for the ones it builds).
    os.environ.setdefault("ALLOY_PASSWORD_HASHING", FAST_HASHING)
    from tests.coverage_ops import OperationCoverage

    config.pluginmanager.register(OperationCoverage(config), "alloy-operation-coverage")
