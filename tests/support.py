"""Test helpers: a real `alloy serve` on a free loopback port, and CLI runs in subprocesses."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(home: Path, **extra) -> dict:
    """An environment whose data, config and database live under `home`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ALLOY_") and k not in ("PORT", "NO_COLOR")}
    env.update(ALLOY_DATA_DIR=str(home / "data"), ALLOY_CONFIG_DIR=str(home / "config"),
               ALLOY_DATABASE_URL=f"sqlite:///{home / 'data' / 'alloy.db'}")
    from tests.pg import database_for, use_postgres

    if use_postgres():  # ALLOY_TEST_DB=postgres: a fresh PostgreSQL database per home
        env["ALLOY_DATABASE_URL"], env["ALLOY_MIGRATION_DATABASE_URL"] = database_for(home)
    env.update({k: str(v) for k, v in extra.items()})
    return env


HANG = 300  # seconds: only a hung start-up reaches this; a busy machine is just slow


def wait_ready(proc: subprocess.Popen, url: str, log: Path) -> None:
    """Wait until `url` answers, however long a loaded machine takes to start the process.

    The start is over when the server answers (ready) or its process exits (a failure, with
    its log); the HANG limit is a guard against a wedged process, not a start-up budget.
    """
    started = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{' '.join(map(str, proc.args))} exited: {log.read_text()}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() - started > HANG:
            proc.kill()
            raise RuntimeError(f"no answer from {url} after {HANG} s: {log.read_text()}")
        time.sleep(0.05)


class Server:
    """`alloy serve` in a subprocess; stopped with SIGTERM (graceful shutdown)."""

    def __init__(self, home: Path, args: tuple[str, ...] = (), **env) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = base_env(home, PORT=self.port, HOST="127.0.0.1", **env)
        self.log = open(home / f"server-{self.port}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen([str(BIN / "alloy"), "serve", *args], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_ready(self.proc, self.url + "/health", Path(self.log.name))
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def stop(self) -> None:
        self.http.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()

    def output(self) -> str:
        return Path(self.log.name).read_text()


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def cli(args: list[str], env: dict, input: str | None = None, check: bool = True):
    """Run `alloy ...` as a user would; returns CompletedProcess (json parsed into .data)."""
    proc = subprocess.run([str(BIN / "alloy"), *args], env=env, capture_output=True, text=True,
                          input=input, timeout=60)
    if check and proc.returncode != 0:
        raise AssertionError(f"alloy {' '.join(args)} -> {proc.returncode}\n{proc.stderr}")
    try:
        proc.data = json.loads(proc.stdout) if proc.stdout.strip() else None
    except json.JSONDecodeError:
        proc.data = None
    return proc
