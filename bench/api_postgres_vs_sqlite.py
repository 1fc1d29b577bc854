"""API throughput on PostgreSQL vs SQLite: create and list, side by side.

Starts a throwaway PostgreSQL (initdb + pg_ctl, as the tests do), then one `alloy serve` on
SQLite and one on PostgreSQL (runtime role under RLS), each with `--workers N`, and drives
them in turns with wrk for the same duration, `--rounds` times. Prints the median
requests/second, postgres/sqlite, and the CPU per create of each server and of PostgreSQL.

    python bench/api_postgres_vs_sqlite.py [--seconds 5] [--connections 8] [--workers 1] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests import pg  # noqa: E402
from tests.support import free_port  # noqa: E402


def wait(url: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"server at {url} did not start")


def postgres_cpu(cluster: pg.Cluster) -> float:
    """Seconds of CPU the cluster's server processes (the postmaster's children) have used."""
    from bench.api_load import cpu_seconds

    postmaster = (cluster.data / "postmaster.pid").read_text().split()[0]
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1] == postmaster:
                total += cpu_seconds(int(pid))
        except (OSError, IndexError):
            pass  # gone meanwhile
    return total


def post_lua(tmp: Path, name: str, body: str) -> Path:
    """A wrk script POSTing JSON; `{n}` in the body becomes a per-request counter."""
    path = tmp / f"{name}.lua"
    path.write_text(
        'wrk.headers["Content-Type"] = "application/json"\n'
        'local threads = 0\n'
        'function setup(thread) threads = threads + 1; thread:set("tid", threads) end\n'
        'local n = 0\n'
        'request = function()\n  n = n + 1\n'
        f'  local body = string.gsub(\'{body}\', "{{n}}", "{time.time_ns()}-" .. tid .. "-" .. n)\n'
        '  return wrk.format("POST", nil, nil, body)\n'
        'end\n')
    return path


def start(db_env: dict, tmp: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ALLOY_")},
           "ALLOY_DATA_DIR": str(tmp), "ALLOY_CONFIG_DIR": str(tmp),
           "ALLOY_REGISTRATION": "open", "HOST": "127.0.0.1", "PORT": str(port), **db_env}
    proc = subprocess.Popen([str(BIN / "alloy"), "serve", "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait(url + "/health")
    return proc, url


def register(url: str) -> dict:
    return httpx.post(url + "/api/v1/auth/register", timeout=30, json={
        "email": f"bench-{time.time_ns()}@example.com", "password": "benchpass1",
        "display_name": "Bench"}).json()


def prepare(url: str, tmp: Path) -> dict[str, tuple]:
    """A user, a project with 50 tickets; per operation, what wrk is run with: (url, token,
    JSON body to POST or None).

    Orgs are made by another user: on PostgreSQL every transaction's scope lists the orgs of
    its user, and the thousands `orgs.create` makes would slow the next round's tickets."""
    reg = register(url)
    token, org = reg["access_token"], reg["org_id"]
    founder = register(url)["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    project = httpx.post(url + "/api/v1/projects", headers=h, timeout=30,
                         json={"org_id": org, "key": "BEN", "name": "Bench"}).json()
    tickets = f"{url}/api/v1/projects/{project['id']}/tickets"
    for i in range(50):  # something to list
        httpx.post(tickets, headers=h, json={"title": f"seed {i}"}, timeout=30)
    # a body is written into a fresh wrk script for every run: slugs must not repeat
    return {
        "tickets.create": (tickets, token, '{"title": "t {n}"}'),
        "tickets.list": (tickets + "?limit=20", token, None),
        "orgs.create": (url + "/api/v1/orgs", founder, '{"name": "O", "slug": "o-{n}"}'),
        "orgs.list": (url + "/api/v1/orgs", founder, None),
    }


def measure(runs: dict, tmp: Path, args, pid: int, cluster=None) -> dict[str, float]:
    """One wrk run of each operation: req/s, and for creates the CPU per request (µs) of
    the server and of PostgreSQL's processes (steadier than req/s on a busy machine)."""
    from bench.api_load import wrk  # it imports this module

    out = {}
    for op, (url, token, body) in runs.items():
        lua = post_lua(tmp, op, body) if body else None
        db_before = postgres_cpu(cluster) if cluster else 0.0
        got = wrk(url, args.seconds, args.connections, token, lua, pid)
        out[op] = got["rps"]
        if op == "tickets.create":
            done = got["rps"] * args.seconds
            out["create µs CPU"] = 1000 * got["cpu"]
            out["create µs DB CPU"] = ((postgres_cpu(cluster) - db_before) * 1e6 / done
                                       if cluster else 0.0)  # SQLite works in the server
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    cluster = pg.Cluster()
    tmp = Path(tempfile.mkdtemp(prefix="alloy-bench-pg-"))
    procs = []
    try:
        app_url, owner_url = cluster.new_database()
        servers = {}
        for name, db_env, db in (
                ("sqlite", {"ALLOY_DATABASE_URL": f"sqlite:///{tmp}/alloy.db"}, None),
                ("postgres", {"ALLOY_DATABASE_URL": app_url,
                              "ALLOY_MIGRATION_DATABASE_URL": owner_url}, cluster)):
            proc, url = start(db_env, tmp, args.workers)
            procs.append(proc)
            servers[name] = (prepare(url, tmp), proc.pid, db)
        # Both servers stay up and take turns, round after round: a machine busy with other
        # work slows both alike, and the medians keep one unlucky run out of the ratio.
        got: dict[str, list[dict]] = {name: [] for name in servers}
        loads = []
        for _ in range(args.rounds):
            for name, (runs, pid, db) in servers.items():
                got[name].append(measure(runs, tmp, args, pid, db))
            loads.append(os.getloadavg()[0])
        results = {name: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
                   for name, rs in got.items()}
        print(f"workers={args.workers} connections={args.connections} seconds={args.seconds} "
              f"rounds={args.rounds} (medians), load average {min(loads):.1f}-{max(loads):.1f} "
              f"on {os.cpu_count()} cores")
        print(f"{'operation':<18}{'sqlite':>10}{'postgres':>10}{'pg/sqlite':>11}")
        for op in results["sqlite"]:
            a, b = results["sqlite"][op], results["postgres"][op]
            print(f"{op:<18}{a:>10.0f}{b:>10.0f}" + (f"{b / a:>10.2f}x" if a else ""))
        print("(req/s; the `µs` rows are CPU per create)")
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait(15)
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
