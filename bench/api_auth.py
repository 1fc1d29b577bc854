"""Login and /auth/me throughput: Alloy's API vs a bare Litestar + sqlite3 app, side by side.

Both servers run one uvicorn process on loopback; wrk drives each for the same duration.
Prints requests/second and the ratio (baseline / alloy; the budget is 1.5x).

    python bench/api_auth.py [--seconds 5] [--connections 4]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str) -> None:
    for _ in range(200):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise SystemExit(f"server at {url} did not start")


def wrk(url: str, seconds: int, connections: int, script: str | None = None,
        headers: dict | None = None) -> float:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        print(f"  warning: {non2xx.group(1)} non-2xx responses from {url}", file=sys.stderr)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=4)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    tmp = Path(tempfile.mkdtemp(prefix="alloy-bench-"))
    env = {**os.environ, "ALLOY_DATA_DIR": str(tmp), "ALLOY_CONFIG_DIR": str(tmp),
           "ALLOY_DATABASE_URL": f"sqlite:///{tmp}/alloy.db", "ALLOY_REGISTRATION": "open",
           "HOST": "127.0.0.1"}
    procs = []
    try:
        a_port, b_port = free_port(), free_port()
        procs.append(subprocess.Popen([str(BIN / "alloy"), "serve", "--port", str(a_port)],
                                      env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        alloy = f"http://127.0.0.1:{a_port}"
        wait(alloy + "/health")
        creds = {"email": "bench@example.com", "password": "benchpass1"}
        token = httpx.post(alloy + "/api/v1/auth/register",
                           json={**creds, "display_name": "Bench"}).json()["access_token"]

        # The baseline shares the user row and the key file, so both do identical crypto.
        base_db = tmp / "base.db"
        src = sqlite3.connect(tmp / "alloy.db")
        user = src.execute("SELECT id, email, display_name, password_hash FROM users").fetchone()
        src.close()
        b = sqlite3.connect(base_db)
        b.execute("CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT UNIQUE, display_name TEXT,"
                  " password_hash TEXT)")
        b.execute("CREATE TABLE refresh_tokens (id TEXT PRIMARY KEY, user_id TEXT, token_hash TEXT)")
        b.execute("INSERT INTO users VALUES (?, ?, ?, ?)", user)
        b.commit()
        b.close()
        benv = {**env, "ALLOY_BASE_DB": str(base_db), "ALLOY_BASE_KEY": str(tmp / "jwt_ed25519.pem"),
                "PYTHONPATH": str(ROOT)}
        procs.append(subprocess.Popen([str(BIN / "uvicorn"), "bench.baseline_auth_app:app",
                                       "--port", str(b_port), "--log-level", "warning"],
                                      env=benv, cwd=ROOT, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        base = f"http://127.0.0.1:{b_port}"
        wait(base + "/me")
        base_token = httpx.post(base + "/login", json=creds).json()["access_token"]

        lua = tmp / "login.lua"
        lua.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                       f'wrk.body = \'{{"email": "{creds["email"]}", '
                       f'"password": "{creds["password"]}"}}\'\n')
        rows = [
            ("login", wrk(alloy + "/api/v1/auth/login", args.seconds, args.connections, str(lua)),
             wrk(base + "/login", args.seconds, args.connections, str(lua))),
            ("me", wrk(alloy + "/api/v1/auth/me", args.seconds, args.connections,
                       headers={"Authorization": f"Bearer {token}"}),
             wrk(base + "/me", args.seconds, args.connections,
                 headers={"Authorization": f"Bearer {base_token}"})),
        ]
        print(f"{'endpoint':<10}{'alloy req/s':>14}{'bare req/s':>14}{'bare/alloy':>12}")
        for name, a, bb in rows:
            print(f"{name:<10}{a:>14.0f}{bb:>14.0f}{bb / a:>11.2f}x")
        print("budget: bare/alloy <= 1.50x")
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
