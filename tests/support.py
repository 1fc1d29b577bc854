"""Test helpers: a real `alloy serve` on a free loopback port, and CLI runs (in-process by
default, or as a real `alloy` process)."""

from __future__ import annotations

import io
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A loopback port no one listens on, chosen below the kernel's ephemeral range.

    Port 0 would hand out a port from the ephemeral range, where any outgoing connection
    (curl, a client, a worker) may take it as its local port before the server binds it;
    CI saw `alloy serve` fail to start that way.
    """
    low = _EPHEMERAL_LOW
    while True:
        port = _RANDOM.randrange(low // 2, low)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


_EPHEMERAL_LOW = _ephemeral_low()
_RANDOM = random.SystemRandom()  # not the global one: a test may seed that


# argon2id at argon2's floor: the suite registers thousands of users, and OWASP's cost made
# hashing a large share of its CPU time. The production parameters are tested in
# test_security_identity.py; pass ALLOY_PASSWORD_HASHING="" for the default.
FAST_HASHING = "minimal"


def base_env(home: Path, **extra) -> dict:
    """An environment whose data, config and database live under `home`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ALLOY_") and k not in ("PORT", "NO_COLOR")}
    env.update(ALLOY_DATA_DIR=str(home / "data"), ALLOY_CONFIG_DIR=str(home / "config"),
               ALLOY_DATABASE_URL=f"sqlite:///{home / 'data' / 'alloy.db'}",
               # the tests' identity providers and webhook receivers listen on 127.0.0.1
               ALLOY_ALLOW_PRIVATE_URLS="true", ALLOY_PASSWORD_HASHING=FAST_HASHING)
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
    The probe is one client for the whole wait, without certificates for a plain-http URL:
    `httpx.get` per poll built a verifying TLS context each time (~30 ms of CPU), as much
    CPU as the server's own start-up, taken from it on a busy machine.
    """
    started = time.monotonic()
    with httpx.Client(timeout=5, verify=url.startswith("https:")) as probe:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{' '.join(map(str, proc.args))} exited: {log.read_text()}")
            try:
                if probe.get(url).status_code < 500:
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
        self.http = httpx.Client(base_url=self.url, timeout=30, verify=False)  # plain http

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


def registered(env, key: str):
    """A user registered on `env` (open registration): a LocalClient acting as them, their
    registration answer, and a project `key` in their org."""
    from alloy.client.local import LocalClient

    user = LocalClient(env).call("auth.register", body={
        "email": f"{key.lower()}@example.com", "password": "password123", "display_name": key})
    client = LocalClient(env, token=user["access_token"])
    project = client.call("projects.create", body={
        "org_id": user["org_id"], "key": key, "name": key.title()})
    return client, user, project


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def cli(args: list[str], env: dict, input: str | None = None, check: bool = True,
        subprocess: bool = False):
    """Run `alloy ...` as a user would; returns CompletedProcess (json parsed into .data).

    In this process by default (alloy.cli.main.invoke, the same parse and run as the
    executable, without paying its start-up), with `env` as the whole environment, `input`
    (or nothing) as stdin and stdout/stderr captured: none of them a terminal, as in a pipe.
    `subprocess=True` runs the real executable: for exit codes and stdio as the shell sees
    them, start-up, signals, terminals, and commands that keep running (serve, tui).
    """
    run = _process if subprocess else _inline
    proc = run(list(map(str, args)), env, input)
    if check and proc.returncode != 0:
        raise AssertionError(f"alloy {' '.join(args)} -> {proc.returncode}\n{proc.stderr}")
    try:
        proc.data = json.loads(proc.stdout) if proc.stdout.strip() else None
    except json.JSONDecodeError:
        proc.data = None
    return proc


def _process(args: list[str], env: dict, input: str | None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "alloy"), *args], env=env, capture_output=True, text=True,
                          input=input, timeout=60)


def _inline(args: list[str], env: dict, input: str | None) -> subprocess.CompletedProcess:
    """One command line through `invoke`, with this process's environment, argv and stdio
    swapped for the run's and put back after."""
    import traceback

    from alloy.cli.main import invoke

    streams = ("stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__")
    saved = dict(os.environ), sys.argv, [getattr(sys, name) for name in streams]
    out, err = _stream("strict"), _stream("backslashreplace")
    os.environ.clear()
    os.environ.update(env)
    sys.argv = [str(BIN / "alloy"), *args]
    # The __std*__ too: the terminal size is read from sys.__stdout__ (a pipe has none).
    for name, stream in zip(streams, [io.StringIO(input or ""), out, err] * 2, strict=True):
        setattr(sys, name, stream)
    try:
        code = invoke(args)
    except Exception:  # what the interpreter does with an uncaught one (ALLOY_DEBUG=1)
        traceback.print_exc()
        code = 1
    finally:
        environ, sys.argv, kept = saved
        for name, stream in zip(streams, kept, strict=True):
            setattr(sys, name, stream)
        os.environ.clear()
        os.environ.update(environ)
    return subprocess.CompletedProcess(["alloy", *args], code, _text(out), _text(err))


def _stream(errors: str) -> io.TextIOWrapper:
    """A stream like a pipe's: UTF-8, not a terminal, no fileno."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors)


def _text(stream: io.TextIOWrapper) -> str:
    """What `subprocess.run(text=True)` would read: decoded, universal newlines."""
    stream.flush()
    data = stream.buffer.getvalue().decode("utf-8", "strict")
    return data.replace("\r\n", "\n").replace("\r", "\n")


def onboarded(home: Path, mode: str):
    """A CLI environment where Ada onboarded org `acme`, embedded or against a server of its
    own (`mode` "remote", logged in). A generator: the caller's fixture yields its env and
    lets it stop the server."""
    server = None
    env = base_env(home / "cli")
    if mode == "remote":
        (home / "server").mkdir()
        server = Server(home / "server")
        env["ALLOY_API_URL"] = server.url
    cli(["onboard", "--email", "ada@example.com", "--password", "password123",
         "--org-name", "Acme", "--org-slug", "acme"], env)
    if server:
        cli(["auth", "login", "--email", "ada@example.com", "--password", "password123"], env)
    try:
        yield env
    finally:
        if server:
            server.stop()
