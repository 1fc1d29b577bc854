"""Ticket create and list throughput: Alloy's API vs a bare Litestar + sqlite3 endpoint.

Both servers run in their own uvicorn process (one worker, same SQLite pragmas) and get the
same load from this process: N creates into one project, then M lists (`limit=50`) of a
project holding 10,000 tickets. The bare endpoint does the same insert (counter bump +
insert) and the same keyset select, without auth, roles, audit or validation.

    .venv/bin/python bench/api_tickets.py [--creates 2000] [--lists 2000] [--concurrency 8] [--rounds 5]

Rounds alternate between the two servers so machine noise hits both alike; the medians
are printed side by side with the ratio (bare / alloy; budget: <= 1.5).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from litestar import Litestar, get, post

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 10_000


# --- the bare endpoint -------------------------------------------------------------------

def bare_app():
    """uvicorn factory: POST/GET /projects/{pid}/tickets over sqlite3, nothing else."""
    path = os.environ["BARE_DB"]
    local = threading.local()

    def conn() -> sqlite3.Connection:
        c = getattr(local, "c", None)
        if c is None:
            c = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                           "busy_timeout=30000"):
                c.execute(f"PRAGMA {pragma}")
            local.c = c
        return c

    @post("/projects/{pid:str}/tickets", sync_to_thread=True, status_code=201)
    def create(pid: str, data: dict) -> dict:
        c = conn()
        c.execute("BEGIN IMMEDIATE")
        n = c.execute("UPDATE projects SET ticket_counter = ticket_counter + 1 WHERE id = ? "
                      "RETURNING ticket_counter", (pid,)).fetchone()[0]
        tid, now = str(uuid.uuid4()), time.strftime("%Y-%m-%dT%H:%M:%SZ")
        c.execute("INSERT INTO tickets VALUES (?, ?, ?, ?, ?, 'Backlog', ?, ?, ?)",
                  (tid, pid, n, data["title"], data.get("description"),
                   data.get("priority", "None"), now, now))
        c.execute("COMMIT")
        return {"id": tid, "project_id": pid, "ticket_number": n, "title": data["title"],
                "status": "Backlog"}

    @get("/projects/{pid:str}/tickets", sync_to_thread=True)
    def listing(pid: str, limit: int = 20) -> dict:
        c = conn()
        c.execute("BEGIN")
        cur = c.execute("SELECT * FROM tickets WHERE project_id = ? ORDER BY id LIMIT ?",
                        (pid, limit + 1))
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        c.execute("COMMIT")
        return {"items": rows[:limit], "next_cursor": None, "has_more": len(rows) > limit}

    return Litestar([create, listing], logging_config=None)


def bare_schema(path: str) -> None:
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    c.executescript("""
        CREATE TABLE projects (id TEXT PRIMARY KEY, ticket_counter INTEGER NOT NULL);
        CREATE TABLE tickets (id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects,
            ticket_number INTEGER NOT NULL, title TEXT NOT NULL, description TEXT,
            status TEXT NOT NULL, priority TEXT NOT NULL, created_at TEXT, updated_at TEXT,
            UNIQUE (project_id, ticket_number));
        CREATE INDEX tickets_project_list ON tickets(project_id, id);
        INSERT INTO projects VALUES ('create', 0), ('list', 0);
    """)
    seed(c, "INSERT INTO tickets VALUES (?, 'list', ?, ?, NULL, 'Backlog', 'None', ?, ?)",
         lambda i, tid, t: (tid, i, f"seed {i}", t, t))
    c.execute("UPDATE projects SET ticket_counter = ? WHERE id = 'list'", (SEED,))
    c.close()


def seed(c: sqlite3.Connection, sql: str, row) -> None:
    from alloy.domain.values import new_id, now

    t = now()
    c.execute("BEGIN")
    c.executemany(sql, (row(i, new_id(), t) for i in range(1, SEED + 1)))
    c.execute("COMMIT")


# --- load --------------------------------------------------------------------------------

async def hammer(url: str, n: int, concurrency: int, method: str, headers: dict,
                 body: dict | None) -> float:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        left = iter(range(n))

        async def worker():
            for _ in left:
                r = await client.request(method, url, headers=headers,
                                         content=json.dumps(body) if body else None)
                assert r.status_code < 300, r.text

        for _ in range(2):  # warm up
            await client.request(method, url, headers=headers,
                                 content=json.dumps(body) if body else None)
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return n / (time.perf_counter() - start)


def start_bare(home: Path) -> tuple[subprocess.Popen, str]:
    from tests.support import free_port

    db = str(home / "bare.db")
    bare_schema(db)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.api_tickets:bare_app", "--factory",
         "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "BARE_DB": db}, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    import httpx

    for _ in range(100):
        try:
            httpx.get(url + "/projects/list/tickets?limit=1")
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    return proc, url


def start_alloy(home: Path):
    from tests.support import Server, auth

    srv = Server(home, ALLOY_REGISTRATION="open")
    reg = srv.http.post("/api/v1/auth/register", json={
        "email": "bench@example.com", "password": "password123",
        "display_name": "Bench"}).json()
    h = auth(reg["access_token"])
    ids = {}
    for key in ("CREATE", "LIST"):
        ids[key] = srv.http.post("/api/v1/projects", headers=h, json={
            "org_id": reg["org_id"], "key": key, "name": key}).json()["id"]
    c = sqlite3.connect(str(home / "data" / "alloy.db"), isolation_level=None, timeout=30)
    seed(c, "INSERT INTO tickets (id, org_id, project_id, ticket_number, title, status, "
            "priority, reporter_id, created_at, updated_at) "
            f"VALUES (?, '{reg['org_id']}', '{ids['LIST']}', ?, ?, 'Backlog', 'None', "
            f"'{reg['user_id']}', ?, ?)", lambda i, tid, t: (tid, i, f"seed {i}", t, t))
    c.execute("UPDATE projects SET ticket_counter = ? WHERE id = ?", (SEED, ids["LIST"]))
    c.close()
    return srv, h, ids


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--creates", type=int, default=2000)
    ap.add_argument("--lists", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="alloy-bench-"))
    (home / "alloy").mkdir()
    body = {"title": "Benchmark ticket", "description": "x", "priority": "High"}
    bare, bare_url = start_bare(home)
    srv, headers, ids = start_alloy(home / "alloy")
    try:
        results = {}
        for name, (a_url, b_url, method, payload, n) in {
            "create": (f"{srv.url}/api/v1/projects/{ids['CREATE']}/tickets",
                       f"{bare_url}/projects/create/tickets", "POST", body, args.creates),
            "list 50 of 10k": (f"{srv.url}/api/v1/projects/{ids['LIST']}/tickets?limit=50",
                               f"{bare_url}/projects/list/tickets?limit=50", "GET", None,
                               args.lists),
        }.items():
            hdr = {"Content-Type": "application/json"} if payload else {}
            per_round = max(1, n // args.rounds)
            bare_rates, alloy_rates = [], []
            for _ in range(args.rounds):  # interleaved, so machine noise hits both alike
                bare_rates.append(asyncio.run(hammer(b_url, per_round, args.concurrency,
                                                     method, hdr, payload)))
                alloy_rates.append(asyncio.run(hammer(a_url, per_round, args.concurrency,
                                                      method, {**hdr, **headers}, payload)))
            results[name] = (statistics.median(alloy_rates), statistics.median(bare_rates))
        print(f"{'operation':<16}{'alloy req/s':>14}{'bare req/s':>14}{'ratio':>8}")
        for name, (a, b) in results.items():
            print(f"{name:<16}{a:>14.0f}{b:>14.0f}{b / a:>8.2f}")
        print(f"(median of {args.rounds} interleaved rounds, concurrency {args.concurrency}; "
              "ratio = bare / alloy; budget <= 1.5)")
    finally:
        srv.stop()
        bare.terminate()
        bare.wait(10)


if __name__ == "__main__":
    main()
