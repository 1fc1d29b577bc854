"""The server under load from a load generator that is not Python (wrk), against budgets.

One run, side by side: the real `alloy serve` (SQLite, one worker) and the bare Litestar +
sqlite3 endpoint of `bench/api_tickets.py` (same insert and keyset list, no auth, audit or
validation) get the same wrk load (16 connections; a Lua script makes each POST body
unique). A Python client would itself be the bottleneck on a small machine and hide the
server's cost, hence wrk. Then `alloy serve` on a throwaway PostgreSQL (as tests/pg.py
starts it) takes the same create load, and both idle servers' CPU is read from
/proc/<pid>/stat over 30 s.

    .venv/bin/python bench/api_load.py [--seconds 5] [--rounds 3] [--connections 16] [--idle 30]

Runs take turns (`--rounds`, medians reported) so the noise of a shared machine hits the
servers compared alike. Each run also reports the server process's CPU time per request
(from /proc), which a busy machine disturbs far less than requests/second, and how the
event loop thread spent the run: running, waiting for a core (other processes, wrk), or
neither (blocked in a disk sync or a lock, or idle) -- a server that spends less CPU per
request yet serves fewer is waiting, not working. Prints each figure with its budget: create >= 0.67x bare,
list(50 of 10,000) >= 0.9x bare, create p99 <= 50 ms, PostgreSQL create >= 0.7x SQLite
create, idle CPU <= 0.2% of a core.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_postgres_vs_sqlite import post_lua, start  # noqa: E402
from bench.api_tickets import SEED, seed, start_bare  # noqa: E402

_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: int, connections: int, token: str = "",
        lua: Path | None = None, pid: int | None = None) -> dict[str, float]:
    """Requests/second and latency percentiles (ms) of one wrk run; with the server's `pid`,
    also the CPU time (ms) the server process spent per request."""
    cpu_before = cpu_seconds(pid) if pid else 0.0
    loop_before, started = (loop_times(pid) if pid else (0, 0)), time.monotonic()
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if token:
        cmd[1:1] = ["-H", f"Authorization: Bearer {token}"]
    if lua:
        cmd += ["-s", str(lua)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        print(f"  warning: {bad.group(1)} non-2xx responses from {url}", file=sys.stderr)
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    if pid:
        done = int(re.search(r"(\d+) requests in", out).group(1))
        result["cpu"] = 1000 * (cpu_seconds(pid) - cpu_before) / max(done, 1)
        took, (ran, queued) = time.monotonic() - started, loop_times(pid)
        result["loop"] = 100 * (ran - loop_before[0]) / took
        result["queued"] = 100 * (queued - loop_before[1]) / took
    for pct in ("50", "99"):
        m = re.search(rf"\b{pct}%\s+([\d.]+)(us|ms|s)\b", out)
        result[f"p{pct}"] = float(m.group(1)) * _UNIT[m.group(2)]
    return result


def interleaved(runs: dict[str, tuple], rounds: int, seconds: int,
                connections: int) -> dict[str, dict[str, float]]:
    """Each run (url, token, lua, server pid) `rounds` times, taking turns so that a machine
    busy with other work slows every run alike; the median of each figure."""
    got: dict[str, list[dict]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, (url, token, lua, pid) in runs.items():
            got[name].append(wrk(url, seconds, connections, token, lua, pid))
    return {name: {k: statistics.median(m[k] for m in ms) for k in ms[0]}
            for name, ms in got.items()}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def loop_times(pid: int) -> tuple[float, float]:
    """Seconds the process's main thread (the event loop) has run and has waited for a core
    (/proc/<pid>/task/<pid>/schedstat). The rest of a run's time it was blocked (a disk sync,
    a lock) or had nothing to do: the gap between working and waiting."""
    ran, queued = Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()[:2]
    return int(ran) / 1e9, int(queued) / 1e9


def idle_cpu(pids: dict[str, int], seconds: int) -> dict[str, float]:
    """Percent of one core each process used while nobody called it, measured together."""
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    start_t = time.monotonic()
    time.sleep(seconds)
    took = time.monotonic() - start_t
    return {name: 100 * (cpu_seconds(pid) - before[name]) / took for name, pid in pids.items()}


def prepare(url: str) -> tuple[dict, str]:
    """Register a user and make a project to create tickets in: (registration, tickets URL)."""
    reg = httpx.post(url + "/api/v1/auth/register", timeout=30, json={
        "email": f"bench-{time.time_ns()}@example.com", "password": "benchpass1",
        "display_name": "Bench"}).json()
    return reg, project_url(url, reg, "CRE")


def project_url(url: str, reg: dict, key: str) -> str:
    """A new project's tickets URL."""
    project = httpx.post(url + "/api/v1/projects", timeout=30, json={
        "org_id": reg["org_id"], "key": key, "name": key},
        headers={"Authorization": f"Bearer {reg['access_token']}"}).json()
    return f"{url}/api/v1/projects/{project['id']}/tickets"


def seeded_project(url: str, reg: dict, db: Path) -> str:
    """A project holding SEED tickets (written straight into the SQLite file): its list URL."""
    tickets = project_url(url, reg, "LIS")
    pid = tickets.rsplit("/", 2)[1]
    c = sqlite3.connect(str(db), isolation_level=None, timeout=30)
    seed(c, "INSERT INTO tickets (id, org_id, project_id, ticket_number, title, status, "
            "priority, reporter_id, created_at, updated_at) "
            f"VALUES (?, '{reg['org_id']}', '{pid}', ?, ?, 'Backlog', 'None', "
            f"'{reg['user_id']}', ?, ?)", lambda i, tid, t: (tid, i, f"seed {i}", t, t))
    c.execute("UPDATE projects SET ticket_counter = ? WHERE id = ?", (SEED, pid))
    c.close()
    return tickets + "?limit=50"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--idle", type=int, default=30)
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="alloy-bench-load-"))
    (tmp / "sqlite").mkdir()
    (tmp / "pg").mkdir()
    procs, cluster = [], None
    s, c = args.seconds, args.connections
    try:
        bare, bare_url = start_bare(tmp)
        procs.append(bare)
        db = tmp / "sqlite" / "alloy.db"
        alloy, url = start({"ALLOY_DATABASE_URL": f"sqlite:///{db}"}, tmp / "sqlite", 1)
        procs.append(alloy)
        reg, tickets = prepare(url)
        token = reg["access_token"]
        listing = seeded_project(url, reg, db)
        body = post_lua(tmp, "create", '{"title": "t {n}", "description": "x", '
                                       '"priority": "High"}')
        for u in (f"{bare_url}/projects/create/tickets", tickets):  # warm up both
            wrk(u, 1, c, token, body)
        runs = {"bare create": (f"{bare_url}/projects/create/tickets", "", body, bare.pid),
                "alloy create": (tickets, token, body, alloy.pid),
                "bare list": (f"{bare_url}/projects/list/tickets?limit=50", "", None, bare.pid),
                "alloy list": (listing, token, None, alloy.pid)}
        r = interleaved(runs, args.rounds, s, c)
        pids = {"sqlite": alloy.pid}
        if not args.no_postgres:
            from tests import pg

            cluster = pg.Cluster()
            app_url, owner_url = cluster.new_database()
            pg_proc, pg_url = start({"ALLOY_DATABASE_URL": app_url,
                                     "ALLOY_MIGRATION_DATABASE_URL": owner_url}, tmp / "pg", 1)
            procs.append(pg_proc)
            pg_reg, pg_tickets = prepare(pg_url)
            pg_token = pg_reg["access_token"]
            wrk(pg_tickets, 1, c, pg_token, body)
            r.update(interleaved({"postgres create": (pg_tickets, pg_token, body, pg_proc.pid),
                                  "sqlite create": (tickets, token, body, alloy.pid)},
                                 args.rounds, s, c))
            pids["postgres"] = pg_proc.pid
        time.sleep(2)  # let the last requests' background work settle
        idle = idle_cpu(pids, args.idle)

        print(f"wrk: {c} connections, one server worker; median of {args.rounds} interleaved "
              f"runs of {s} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'run':<18}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'cpu ms/req':>12}"
              f"{'loop run/queue/idle %':>24}")
        for name, m in r.items():
            split = f"{m['loop']:.0f}/{m['queued']:.0f}/{100 - m['loop'] - m['queued']:.0f}"
            print(f"{name:<18}{m['rps']:>9.0f}{m['p50']:>9.1f}{m['p99']:>9.1f}{m['cpu']:>12.3f}"
                  f"{split:>24}")
        create = r["alloy create"]["rps"] / r["bare create"]["rps"]
        lists = r["alloy list"]["rps"] / r["bare list"]["rps"]
        checks = [("create vs bare", f"{create:.2f}x", ">= 0.67x", create >= 0.67),
                  ("list(50 of 10k) vs bare", f"{lists:.2f}x", ">= 0.9x", lists >= 0.9),
                  ("create p99", f"{r['alloy create']['p99']:.1f} ms", "<= 50 ms",
                   r["alloy create"]["p99"] <= 50)]
        if "postgres create" in r:
            ratio = r["postgres create"]["rps"] / r["sqlite create"]["rps"]
            checks.append(("postgres vs sqlite create", f"{ratio:.2f}x", ">= 0.7x", ratio >= 0.7))
        for name, pct in idle.items():
            checks.append((f"idle CPU {name} ({args.idle} s)", f"{pct:.2f}%", "<= 0.2%",
                           pct <= 0.2))
        cpu = {k: r[f"bare {k}"]["cpu"] / r[f"alloy {k}"]["cpu"] for k in ("create", "list")}
        print(f"server CPU per request, bare / alloy: create {cpu['create']:.2f}x, list "
              f"{cpu['list']:.2f}x (steadier than req/s when the machine is busy)")
        print(f"\n{'figure':<28}{'value':>10}{'budget':>11}")
        for name, value, budget, ok in checks:
            print(f"{name:<28}{value:>10}{budget:>11}  {'ok' if ok else 'OVER BUDGET'}")
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait(15)
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
