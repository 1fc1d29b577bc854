"""CLI start-up and round-trip time, side by side, measured in one run.

    .venv/bin/python bench/cli_startup.py [--runs 15] [--items 10000] [--no-taskwarrior]
                                          [--compare-typer]

Rows (min and median wall time of --runs subprocess runs, after a warm-up):
- baseline: a one-command Typer app that prints `{}` (written here, same interpreter);
- `alloy --help`, embedded `alloy org list`, and, when those commands exist, embedded
  `alloy ticket list` / `alloy ticket create` on a project holding --items tickets;
- Taskwarrior `task add` / `task list` on --items tasks (temp TASKRC/TASKDATA; installed with
  apt-get when missing and we are root).
Each row prints its ratio to the baseline; the budget is <= 1.25x for the alloy rows.
--breakdown times, in fresh interpreters, what an embedded command adds to a Typer app
(core imports, bootstrap, credentials) so the next cut is easy to pick.
--compare-typer builds throwaway venvs with typer 0.28.0 and 0.29.x and times `import typer`
and the baseline app in each (needs the package index), to justify the pin in pyproject.toml.
Figures only: nothing here asserts, tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PY = Path(sys.executable)
ROOT = Path(__file__).resolve().parents[1]
ALLOY = PY.parent / "alloy"
BASELINE = """import typer

app = typer.Typer()


@app.command()
def main() -> None:
    print("{}")


app()
"""


def run_once(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall, cpu) seconds of one run; CPU is the child's user+system time (less sensitive
    than wall time to other work on the machine)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {err[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime


def measure(rows: list[tuple[str, list[str], dict]], runs: int) -> list[tuple]:
    """Round-robin over the rows (so machine load hits every row alike), one warm-up round;
    returns (name, min wall, median wall, min cpu) per row."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in rows}
    for i in range(runs + 1):
        for name, argv, env in rows:
            took = run_once(argv, env)
            if i:
                samples[name].append(took)
    return [(name, min(w for w, _ in samples[name]),
             statistics.median(w for w, _ in samples[name]),
             min(c for _, c in samples[name])) for name, _, _ in rows]


def alloy_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLOY_")}
    env.update(ALLOY_DATA_DIR=str(home / "data"), ALLOY_CONFIG_DIR=str(home / "config"),
               ALLOY_DATABASE_URL=f"sqlite:///{home / 'data' / 'alloy.db'}", NO_COLOR="1")
    return env


def has_command(env: dict, *path: str) -> bool:
    probe = subprocess.run([str(ALLOY), *path, "--help"], env=env, capture_output=True)
    return probe.returncode == 0


def seed_alloy(env: dict, items: int) -> dict:
    """Onboard a user; with ticket commands present, a project holding `items` tickets."""
    subprocess.run([str(ALLOY), "onboard", "--email", "bench@example.com", "--password",
                    "password123", "--org-name", "Bench", "--org-slug", "bench"], env=env,
                   check=True, capture_output=True)
    if not (has_command(env, "ticket", "list") and has_command(env, "ticket", "create")):
        return {}
    os.environ.update({k: v for k, v in env.items() if k.startswith("ALLOY_")})
    import tomllib

    from alloy.actor import Actor
    from alloy.client.local import LocalClient

    creds = tomllib.loads((Path(env["ALLOY_CONFIG_DIR"]) / "credentials.toml").read_text())
    client = LocalClient(None, Actor(user_id=creds["user_id"], email=creds["email"],
                                     org_id=creds["org_id"]))
    project = client.call("projects.create", body={"org_id": creds["org_id"], "key": "BENCH",
                                                   "name": "Bench"})
    start = time.perf_counter()
    for i in range(items):
        client.call("tickets.create", project_id=project["id"],
                    body={"title": f"Ticket {i}", "priority": "Medium"})
    print(f"seeded {items} tickets in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    return project


def taskwarrior(home: Path, items: int) -> list[tuple[str, list[str], dict]]:
    task = shutil.which("task")
    if not task and os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing taskwarrior with apt-get ...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-qq", "taskwarrior"],
                       capture_output=True)
        task = shutil.which("task")
    if not task:
        print("taskwarrior unavailable: skipped", file=sys.stderr)
        return []
    data = home / "taskdata"
    data.mkdir()
    rc = home / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\n")
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data)}
    dump = home / "tasks.json"
    dump.write_text("\n".join(json.dumps({
        "description": f"Task {i}", "status": "pending", "entry": "20260101T000000Z",
        "uuid": str(uuid.uuid4())}) for i in range(items)))
    subprocess.run([task, "import", str(dump)], env=env, check=True, capture_output=True)
    return [("task add", [task, "add", "Bench task"], env),
            (f"task list ({items} pending)", [task, "list"], env)]


def compare_typer(home: Path, runs: int) -> None:
    base = home / "baseline.py"
    for version in ("0.28.0", "0.29.2"):
        venv = home / f"typer-{version}"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", f"typer=={version}"],
                             capture_output=True, text=True)
        if pip.returncode != 0:
            print(f"typer {version}: install failed ({pip.stderr.strip()[-200:]})")
            continue
        py = str(venv / "bin" / "python")
        (_, imp, _, imp_cpu), (_, app, _, app_cpu) = measure(
            [("import", [py, "-c", "import typer"], dict(os.environ)),
             ("app", [py, str(base)], dict(os.environ))], runs)
        print(f"typer {version:<8} import typer {imp * 1000:5.0f} ms (cpu {imp_cpu * 1000:4.0f})"
              f"   '{{}}' app {app * 1000:5.0f} ms (cpu {app_cpu * 1000:4.0f})  [min]")


STEPS = {
    "python (nothing)": "pass",
    "import typer": "import typer",
    "import alloy.cli.main": "import alloy.cli.main",
    "import msgspec": "import msgspec",
    "import sqlite3": "import sqlite3",
    "import tomllib (first run after a save)": "import tomllib",
    "import alloy.client.local": "import alloy.client.local",
    "import alloy.services.tickets": "import alloy.services.tickets",
    "bootstrap() (open + migrate check)": "from alloy.env import bootstrap; bootstrap()",
    "credentials + LocalClient": "from alloy.cli.session import client; client()",
}


def breakdown(env: dict, runs: int) -> None:
    rows = [(name, [str(PY), "-c", code], env) for name, code in STEPS.items()]
    results = measure(rows, runs)
    base = results[0][3]
    print(f"\n{'fresh interpreter doing':<40} {'cpu min':>8} {'added':>7}")
    for name, _, _, cpu in results:
        print(f"{name:<40} {cpu * 1000:6.0f}ms {(cpu - base) * 1000:5.0f}ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--no-taskwarrior", action="store_true")
    ap.add_argument("--compare-typer", action="store_true")
    ap.add_argument("--breakdown", action="store_true")
    args = ap.parse_args()
    # Time what an install runs: byte-compiled modules (scripts/setup compiles them; an edit
    # since then, with PYTHONDONTWRITEBYTECODE set, would otherwise be compiled on every run).
    subprocess.run([str(PY), "-m", "compileall", "-q", "alloy", "cli", "server", "tui",
                    "migrations"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)

    with tempfile.TemporaryDirectory(prefix="alloy-bench-") as tmp:
        home = Path(tmp)
        (home / "baseline.py").write_text(BASELINE)
        env = alloy_env(home)
        project = seed_alloy(env, args.items)
        rows = [("typer app printing {} (baseline)", [str(PY), str(home / "baseline.py")], env),
                ("alloy --help", [str(ALLOY), "--help"], env),
                ("alloy org list (embedded)", [str(ALLOY), "org", "list", "--format", "json"],
                 env)]
        if project:
            rows.append((f"alloy ticket list ({args.items} tickets)",
                         [str(ALLOY), "ticket", "list", "--project", project["id"],
                          "--format", "json"], env))
            rows.append(("alloy ticket create",
                         [str(ALLOY), "ticket", "create", "--project", project["id"],
                          "--title", "Bench ticket", "--format", "json"], env))
        else:
            print("ticket commands not present yet: ticket rows skipped", file=sys.stderr)
        if not args.no_taskwarrior:
            rows += taskwarrior(home, args.items)

        results = measure(rows, args.runs)
        base_wall, base_cpu = results[0][1], results[0][3]
        print(f"\n{'command':<36} {'wall min':>9} {'median':>7} {'x base':>7}"
              f" {'cpu min':>8} {'x base':>7}")
        for name, low, mid, cpu in results:
            print(f"{name:<36} {low * 1000:7.0f}ms {mid * 1000:5.0f}ms {low / base_wall:6.2f}x"
                  f" {cpu * 1000:6.0f}ms {cpu / base_cpu:6.2f}x")
        print(f"\n{args.runs} runs each, interleaved; budget: alloy rows <= 1.25x the baseline."
              f"\nload average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        if args.breakdown:
            breakdown(env, args.runs)
        if args.compare_typer:
            print()
            compare_typer(home, args.runs)


if __name__ == "__main__":
    main()
