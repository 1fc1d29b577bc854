"""The day's quick verbs beside Taskwarrior's: `alloy start/stop/done` and `task start/stop/done`.

    .venv/bin/python bench/cli_daily.py [--runs 15] [--remote]

Each round times, as subprocesses, `alloy start DAY-1`, `alloy stop --activity Coding` (logs a
draft entry), `alloy done DAY-1` (embedded, on SQLite; `--remote` against a local
`alloy serve` instead), then `task UUID start`, `task UUID stop`, `task UUID done` on a task
added for the round (untimed). Taskwarrior is installed with apt-get when missing and we
are root. Prints min and median wall time per verb and alloy's ratio to Taskwarrior's.
Figures only: nothing here asserts, tests never time anything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.cli_startup import ALLOY, alloy_env, run_once  # noqa: E402 - after the path

VERBS = ("start", "stop", "done")


def _alloy_rows(env: dict) -> dict[str, list[str]]:
    return {"start": [str(ALLOY), "start", "DAY-1"],
            "stop": [str(ALLOY), "stop", "--activity", "Coding"],
            "done": [str(ALLOY), "done", "DAY-1"]}


def seed(env: dict) -> None:
    for argv in (["onboard", "--email", "day@example.com", "--password", "password123",
                  "--org-name", "Day", "--org-slug", "day"],
                 ["project", "create", "--key", "DAY", "--name", "Day"],
                 ["ticket", "create", "--project", "DAY", "--title", "Bench the day"]):
        subprocess.run([str(ALLOY), *argv], env=env, check=True, capture_output=True)


def serve(home: Path, env: dict) -> tuple[subprocess.Popen, dict]:
    """A local `alloy serve`, and an env whose commands talk to it (logged in)."""
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server_env = {**env, "PORT": str(port), "HOST": "127.0.0.1", "ALLOY_REGISTRATION": "open"}
    proc = subprocess.Popen([str(ALLOY), "serve"], env=server_env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(600):
        if subprocess.run([str(ALLOY), "health", "--api-url", url], env=env,
                          capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    client_env = {**env, "ALLOY_CONFIG_DIR": str(home / "remote-config"), "ALLOY_API_URL": url}
    return proc, client_env


def taskwarrior(home: Path) -> tuple[str, dict] | None:
    task = shutil.which("task")
    if not task and os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing taskwarrior with apt-get ...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-qq", "taskwarrior"], capture_output=True)
        task = shutil.which("task")
    if not task:
        print("taskwarrior unavailable: its rows are skipped", file=sys.stderr)
        return None
    data = home / "taskdata"
    data.mkdir()
    rc = home / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\n")
    return task, {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--remote", action="store_true", help="alloy against a local server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = alloy_env(home)
        server = None
        if args.remote:
            server, env = serve(home, env)
        try:
            seed(env)
            alloy = _alloy_rows(env)
            tw = taskwarrior(home)
            times: dict[str, list[float]] = {f"{who} {v}": [] for who in ("alloy", "task")
                                             for v in VERBS}
            for i in range(args.runs + 1):  # round 0 warms up
                for verb in VERBS:
                    wall, _ = run_once(alloy[verb], env)
                    if i:
                        times[f"alloy {verb}"].append(wall)
                if tw:
                    task, tenv = tw
                    subprocess.run([task, "add", f"Round {i}"], env=tenv, check=True,
                                   capture_output=True)
                    uuid = subprocess.run([task, "+LATEST", "uuids"], env=tenv, check=True,
                                          capture_output=True, text=True).stdout.strip()
                    for verb in VERBS:
                        wall, _ = run_once([task, uuid, verb], tenv)
                        if i:
                            times[f"task {verb}"].append(wall)
        finally:
            if server:
                server.terminate()
                server.wait(10)
    mode = "remote (local alloy serve)" if args.remote else "embedded (SQLite)"
    print(f"alloy {mode} vs Taskwarrior, {args.runs} rounds; wall seconds")
    print(f"{'command':<12} {'min':>7} {'median':>7}   vs task (median)")
    for name, samples in times.items():
        if not samples:
            continue
        med = statistics.median(samples)
        other = times.get(f"task {name.split()[1]}") if name.startswith("alloy") else None
        ratio = f"   {med / statistics.median(other):.1f}x" if other else ""
        print(f"{name:<12} {min(samples):7.3f} {med:7.3f}{ratio}")


if __name__ == "__main__":
    main()
