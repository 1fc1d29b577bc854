"""A throwaway PostgreSQL for the tests: initdb + pg_ctl in a temp dir, two roles, templates.

- `alloy_owner` owns the schema and runs migrations (BYPASSRLS, as docs/deployment.md sets
  it up, so data migrations see every tenant);
- `alloy_app` is the runtime role: NOSUPERUSER NOBYPASSRLS and not the owner, so row-level
  security binds it.

Migrations run once into a template database; every test database is a cheap copy of it.
Set ALLOY_TEST_DB=postgres to run the shared `server` fixture, contract LocalSide and CLI
environments on PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

OWNER, APP = "alloy_owner", "alloy_app"


def use_postgres() -> bool:
    return os.environ.get("ALLOY_TEST_DB", "").lower() in ("postgres", "postgresql", "pg")


def bin_dir() -> Path | None:
    """The PostgreSQL server binaries (15 or newer), or None when they are not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    from tests.support import free_port

    return free_port()


class Cluster:
    def __init__(self, bare: bool = False) -> None:
        """Start a cluster; unless `bare`, with Alloy's roles and a migrated template."""
        self.bin = bin_dir()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        self.base = Path(tempfile.mkdtemp(prefix="alloy-pg-"))
        self.data = self.base / "data"
        self.port = _free_port()
        self._n = itertools.count(1)
        self._lock = threading.Lock()
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            shutil.chown(self.base, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        opts = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=400")
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.base / "log"),
                  "-w", "start")
        atexit.register(self.stop)
        if bare:
            return
        self.admin(f"CREATE ROLE {OWNER} LOGIN BYPASSRLS CREATEDB PASSWORD 'owner'",
                   f"CREATE ROLE {APP} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD 'app'",
                   f"CREATE DATABASE alloy_template OWNER {OWNER}")
        self.sql("alloy_template", OWNER,
                 f"ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP}",
                 f"ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT ON SEQUENCES TO {APP}")
        from alloy.store.postgres import PostgresStore

        PostgresStore(self.url("alloy_template", APP),
                      migrate_url=self.url("alloy_template", OWNER)).migrate()

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bin / tool), *args]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, cwd=self.base)

    def url(self, db: str, role: str = APP) -> str:
        return f"postgresql://{role}:x@127.0.0.1:{self.port}/{db}"

    def sql(self, db: str, role: str, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.url(db, role), autocommit=True) as conn:
            for s in statements:
                conn.execute(s)

    def admin(self, *statements: str) -> None:
        self.sql("postgres", "postgres", *statements)

    def new_database(self) -> tuple[str, str]:
        """A fresh, migrated database: (runtime URL, owner URL)."""
        with self._lock:
            name = f"alloy_t{next(self._n)}"
            self.admin(f"CREATE DATABASE {name} TEMPLATE alloy_template OWNER {OWNER}")
        return self.url(name, APP), self.url(name, OWNER)

    def stop(self) -> None:
        if self.data.exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
            except subprocess.CalledProcessError:
                pass
            shutil.rmtree(self.base, ignore_errors=True)


_cluster: Cluster | None = None
_made: dict[str, tuple[str, str]] = {}
_guard = threading.Lock()


def cluster() -> Cluster:
    """The session's cluster, started on first use; skips the test if PostgreSQL is absent."""
    global _cluster
    with _guard:
        if _cluster is None:
            if bin_dir() is None:
                import pytest

                pytest.skip("PostgreSQL server binaries are not installed "
                            "(apt-get install postgresql-15; .ci/run does this)")
            _cluster = Cluster()
        return _cluster


def database_for(home) -> tuple[str, str]:
    """One database per test home directory: (runtime URL, owner URL)."""
    key = str(home)
    if key not in _made:
        _made[key] = cluster().new_database()
    return _made[key]


class _Compat:
    """Just enough of sqlite3.Connection over psycopg for tests that poke a server's database
    directly (as its owner, so RLS does not hide rows): `?` placeholders, tuple rows,
    `with conn:` commits, and `rowid` read as PostgreSQL's physical row order (`ctid`)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(url)

    def execute(self, sql: str, params=()):
        import re

        from alloy.store.postgres import translate

        return self.conn.execute(translate(re.sub(r"\browid\b", "ctid", sql)), tuple(params))

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, kind, *_):
        if kind is None:
            self.conn.commit()
        else:
            self.conn.rollback()


def server_db(server):
    """A direct connection to a test server's PostgreSQL database, or None on SQLite."""
    owner = server.env.get("ALLOY_MIGRATION_DATABASE_URL", "")
    return _Compat(owner) if owner.startswith("postgres") else None
