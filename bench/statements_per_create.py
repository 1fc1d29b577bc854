"""Statements one ticket create sends to the database, on SQLite and on PostgreSQL.

SQLite's are traced on the connection; the PostgreSQL server logs its own
(`log_statement = all`), so BEGIN and COMMIT count too. On PostgreSQL it also counts the
round trips (times the client waits for the server, through a counting relay,
tests/pg_wire.py): BEGIN and the row-level-security scope travel with the first read.
It also prints this process's CPU time per create (services, driver, no HTTP), which a busy
machine disturbs far less than requests/second.

    python bench/statements_per_create.py [--creates 400]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_postgres_vs_sqlite import postgres_cpu  # noqa: E402
from tests import pg  # noqa: E402
from tests.pg_wire import RoundTripRelay  # noqa: E402

TRACED: list[str] = []


def _traced_connect(*args, **kwargs):
    conn = _connect(*args, **kwargs)
    conn.set_trace_callback(TRACED.append)
    return conn


_connect, sqlite3.connect = sqlite3.connect, _traced_connect


def client(env: dict):
    from alloy.client.local import LocalClient
    from alloy.config import Settings
    from alloy.env import bootstrap

    os.environ.update(env)
    c = LocalClient(bootstrap(Settings.from_env()))
    reg = c.call("auth.register", body={"email": f"s{time.time_ns()}@example.com",
                                        "password": "benchpass1", "display_name": "S"})
    c.token = reg["access_token"]
    project = c.call("projects.create", body={"org_id": reg["org_id"], "key": "ST", "name": "S"})
    return c, project["id"]


def create(c, project_id: str, title: str) -> dict:
    return c.call("tickets.create", project_id=project_id, body={"title": title})


def cpu_per_create(c, project_id: str, n: int, cluster=None) -> tuple[float, float]:
    """Microseconds of CPU per ticket create of this process and of the PostgreSQL server
    (its processes together; 0 without a `cluster`), from the round this process spent least."""
    best = (float("inf"), 0.0)
    for _ in range(7):
        start, db = time.process_time(), postgres_cpu(cluster) if cluster else 0.0
        for i in range(n):
            create(c, project_id, f"t{i}")
        took = ((time.process_time() - start) / n * 1e6,
                (postgres_cpu(cluster) - db) / n * 1e6 if cluster else 0.0)
        best = min(best, took)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--creates", type=int, default=200)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="alloy-stmts-"))
    base = {"ALLOY_DATA_DIR": str(tmp), "ALLOY_CONFIG_DIR": str(tmp)}
    c, pid = client({**base, "ALLOY_DATABASE_URL": f"sqlite:///{tmp}/alloy.db"})
    create(c, pid, "warm")
    TRACED.clear()
    create(c, pid, "counted")
    # a trigger's statements come back as "-- ..." or as its statement again: not counted
    top = [s for i, s in enumerate(TRACED)
           if not s.startswith("--") and (i == 0 or s != TRACED[i - 1])]
    top = [s for i, s in enumerate(top) if i == 0 or s != top[i - 1]]
    sqlite_cpu, _ = cpu_per_create(c, pid, args.creates)
    print(f"sqlite: {len(top)} statements per ticket create, {sqlite_cpu:.0f} µs CPU each")
    for s in top:
        print("   ", s[:110])
    cluster = pg.Cluster()
    try:
        app, owner = cluster.new_database()
        relay = RoundTripRelay(cluster.port)
        c, pid = client({**base, "ALLOY_DATABASE_URL": relay.url(app),
                         "ALLOY_MIGRATION_DATABASE_URL": owner})
        for _ in range(6):  # psycopg prepares a statement on its fifth run
            create(c, pid, "warm")
        relay.count = 0
        create(c, pid, "trips")
        trips = relay.count
        cluster.admin("ALTER SYSTEM SET log_statement = 'all'", "SELECT pg_reload_conf()")
        time.sleep(0.5)
        log = cluster.base / "log"
        start = log.stat().st_size
        create(c, pid, "counted")
        time.sleep(0.5)
        with open(log, "rb") as f:
            f.seek(start)
            lines = [ln for ln in f.read().decode().splitlines()
                     if "LOG:  statement:" in ln or "LOG:  execute" in ln]
        cluster.admin("ALTER SYSTEM SET log_statement = 'none'", "SELECT pg_reload_conf()")
        # CPU without the relay, whose threads would count as this process's
        c, pid = client({**base, "ALLOY_DATABASE_URL": app, "ALLOY_MIGRATION_DATABASE_URL": owner})
        pg_cpu, db_cpu = cpu_per_create(c, pid, args.creates, cluster)
        print(f"postgres: {len(lines)} statements in {trips} round trips per ticket create, "
              f"{pg_cpu:.0f} µs CPU each ({pg_cpu / sqlite_cpu:.2f}x SQLite's), "
              f"and {db_cpu:.0f} µs in the PostgreSQL server")
        for ln in lines:
            print("   ", ln.split("LOG:  ", 1)[1][:110])
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
