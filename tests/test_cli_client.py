"""One client per CLI invocation, closed at exit.

`alloy ticket create --project KEY` makes two calls (the key lookup, the create); they share
one client: embedded, one database connection (one bootstrap); remote, one HTTP connection.
Counted with Python's audit events in a real `alloy` run; each connection is checked closed
after it.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import unique_email
from tests.support import ROOT, cli

RUN = """
import json, os, sys
counts = {"sqlite3.connect": 0, "socket.connect": 0}
opened = []  # the connections themselves (sqlite3 handles, sockets), checked after the run
def hook(event, args):
    if event in counts:
        counts[event] += 1
    if event in ("sqlite3.connect/handle", "socket.connect"):
        opened.append(args[0])
sys.addaudithook(hook)
sys.argv = ["alloy", *json.loads(os.environ["ARGV"])]
from alloy.cli.main import run
try:
    run()
except SystemExit as e:
    code = e.code
def is_open(conn):
    if hasattr(conn, "fileno"):
        return conn.fileno() != -1
    try:
        conn.execute("SELECT 1")
        return True
    except Exception:
        return False
counts["left_open"] = sum(map(is_open, opened))
counts["code"] = code
with open(os.environ["COUNTS"], "w") as fh:
    json.dump(counts, fh)
"""


def counted(argv: list[str], env: dict, tmp_path) -> dict:
    out = tmp_path / "counts.json"
    subprocess.run([sys.executable, "-c", RUN], cwd=ROOT, check=True, capture_output=True,
                   env={**env, "ARGV": json.dumps(argv), "COUNTS": str(out)})
    return json.loads(out.read_text())


def test_embedded_ticket_create_opens_the_database_once(env_for, tmp_path):
    env = env_for()
    cli(["onboard", "--email", "one@example.com", "--password", "password123",
         "--org-name", "One", "--org-slug", "one"], env)
    cli(["project", "create", "--key", "ONE", "--name", "One"], env)
    counts = counted(["ticket", "create", "--project", "ONE", "--title", "T", "--format", "json"],
                     env, tmp_path)
    assert counts == {"sqlite3.connect": 1, "socket.connect": 0, "left_open": 0, "code": 0}


def test_remote_ticket_create_uses_one_connection(server, env_for, tmp_path):
    email = unique_email("conn")
    server.http.post("/api/v1/auth/register", json={
        "email": email, "password": "password123", "display_name": "Conn"}).raise_for_status()
    env = env_for()
    cli(["--api-url", server.url, "auth", "login", "--email", email, "--password",
         "password123"], env)
    cli(["org", "create", "--name", "Conn", "--slug", f"c-{email.split('@')[0]}"], env)
    cli(["project", "create", "--key", "CONN", "--name", "Conn"], env)
    counts = counted(["ticket", "create", "--project", "CONN", "--title", "T", "--format", "json"],
                     env, tmp_path)
    assert counts == {"sqlite3.connect": 0, "socket.connect": 1, "left_open": 0, "code": 0}
