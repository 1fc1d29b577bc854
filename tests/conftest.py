from __future__ import annotations

import itertools
import os
import sys

import pytest

from tests.support import FAST_HASHING, Server, base_env

_n = itertools.count()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One live open-registration server for the session; tests make their own users."""
    srv = Server(tmp_path_factory.mktemp("server"), ALLOY_REGISTRATION="open")
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def no_editor(monkeypatch):
    """A developer's own $VISUAL/$EDITOR must never open during tests (the TUI's `e`)."""
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)


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


# The longest files (CPU-s measured on the SQLite pass), started first: xdist hands out whole
# files in collection order (scripts/test passes --no-loadscope-reorder; its default order,
# most tests first, put the one-test fuzz file last), so the run ends on short files instead
# of one worker finishing a minute-long file while the other idles.
LONGEST_FIRST = ("test_fuzz_openapi.py", "test_spec_curl.py", "test_spec_curl_reference.py",
                 "test_races.py",
                 "test_mcp_tools.py", "test_docs.py", "test_mcp_transports.py",
                 "test_cli_harness.py", "test_cli_labels.py", "test_pg_workers.py",
                 "test_docs_cli.py", "test_docs_work.py", "test_docs_time.py",
                 "test_mcp_tutorial.py", "test_mcp_docs.py", "test_scim.py")


def pytest_collection_modifyitems(items):
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: files stay whole


def pytest_configure(config):
    # In-process faces (contract LocalSide, Pilot, embedded MCP) read this process's
    # environment; subprocesses inherit it (base_env sets it again for the ones it builds).
    os.environ.setdefault("ALLOY_PASSWORD_HASHING", FAST_HASHING)
    from tests.coverage_ops import OperationCoverage

    config.pluginmanager.register(OperationCoverage(config), "alloy-operation-coverage")


@pytest.fixture(autouse=True)
def _close_local_sides():
    """Close the in-process contract sides a test opened (tests/contract.py LocalSide)."""
    yield
    contract = sys.modules.get("tests.contract")
    while contract is not None and contract.OPEN:
        contract.OPEN.pop().env.close()
