"""alloy-mcp start-up: spawn to the `initialize` answer over stdio, beside a minimal server.

    .venv/bin/python bench/mcp_startup.py [--runs 15]

Rows: a minimal MCP server on the same SDK (a lowlevel `Server` with no tools, over stdio,
written here, same interpreter: the baseline); `alloy-mcp` embedded (a user onboarded in a
temporary data dir, as `alloy auth login` leaves it). Each run spawns the process, writes
one `initialize` request and times the first line it answers; rows are interleaved after a
warm-up. The budget: alloy-mcp within 1.2x of the baseline (a row over it is marked `!`).
Figures only: nothing here asserts, tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = Path(sys.executable)
BIN = PY.parent
BUDGET = 1.2
MINIMAL = """
import anyio
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

async def main():
    server = Server("minimal")
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())

anyio.run(main)
"""
INITIALIZE = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {},
    "clientInfo": {"name": "bench", "version": "1"}}}) + "\n"


def run_once(argv: list[str], env: dict) -> float:
    """Seconds from spawn to the `initialize` answer (the process is then ended)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    proc.stdin.write(INITIALIZE)
    proc.stdin.flush()
    line = proc.stdout.readline()
    took = time.perf_counter() - start
    proc.stdin.close()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if '"result"' not in line:
        raise SystemExit(f"{argv[0]}: no initialize result: {line!r}")
    return took


def alloy_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLOY_")}
    env.update(ALLOY_DATA_DIR=str(home / "data"), ALLOY_CONFIG_DIR=str(home / "config"),
               ALLOY_DATABASE_URL=f"sqlite:///{home / 'data' / 'alloy.db'}")
    subprocess.run([str(BIN / "alloy"), "onboard", "--email", "bench@example.com",
                    "--password", "password123", "--org-name", "Bench", "--org-slug", "bench"],
                   env=env, check=True, capture_output=True)
    return env


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=15)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = {"minimal SDK server": ([str(PY), "-c", MINIMAL], dict(os.environ)),
                "alloy-mcp (embedded)": ([str(BIN / "alloy-mcp")], alloy_env(Path(tmp)))}
        for argv, env in rows.values():
            run_once(argv, env)  # warm-up: page cache, .pyc files
        times: dict[str, list[float]] = {name: [] for name in rows}
        for _ in range(args.runs):
            for name, (argv, env) in rows.items():
                times[name].append(run_once(argv, env))
    base = min(times["minimal SDK server"])
    print(f"{'row':24} {'min ms':>8} {'median ms':>10} {'x min':>7}")
    for name, got in times.items():
        ratio = min(got) / base
        mark = " !" if ratio > BUDGET else ""
        print(f"{name:24} {min(got) * 1000:8.1f} {statistics.median(got) * 1000:10.1f} "
              f"{ratio:7.2f}{mark}")
    print(f"budget: alloy-mcp within {BUDGET}x of the minimal server (min of {args.runs} runs)")


if __name__ == "__main__":
    main()
