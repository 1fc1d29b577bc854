"""CLI start-up and round-trip cost, side by side, measured in one run.

    .venv/bin/python bench/cli_startup.py [--runs 15] [--items 10000] [--no-taskwarrior]
                                          [--no-valgrind] [--compare-typer] [--breakdown]

Rows: a one-command Typer app that prints `{}` (the baseline, written here, same interpreter);
`alloy --help`; embedded `alloy org list`, `project list`, `ticket list`, `ticket get KEY-N`,
`ticket create`, `start`, `stop`, `done` (an onboarded org, a project `use`d holding --items
tickets); Taskwarrior's `task add`, `list`, `start`, `stop`, `done` on --items tasks (temp
TASKRC/TASKDATA; installed with apt-get when missing and we are root).

Two figures per row, each with its ratio to the baseline:
- instructions (valgrind --tool=callgrind, one run per row, when valgrind is installed): what
  the budget is judged on, since a busy machine does not distort it (noise: a few 0.1%);
- wall time, min and median of --runs subprocess runs after a warm-up, rows interleaved.
The budget: every alloy row within 1.25x of the baseline (a row over it is marked `!`).
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
import re
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
BUDGET = 1.25
BASELINE = """import typer

app = typer.Typer()


@app.command()
def main() -> None:
    print("{}")


app()
"""


class Row:
    """One command line; `argv(i)` may differ per run (a finished task cannot be redone)."""

    def __init__(self, name: str, argv, env: dict, judged: bool = True) -> None:
        self.name, self.env, self.judged = name, env, judged
        self.argv = argv if callable(argv) else (lambda _i, fixed=argv: fixed)


def run_once(argv: list[str], env: dict, prefix: tuple[str, ...] = ()) -> tuple[float, str]:
    """(wall seconds, stderr) of one run; a failing command stops the bench."""
    start = time.perf_counter()
    proc = subprocess.run([*prefix, *argv], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    err = proc.stderr.decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {err[-500:]}")
    return wall, err


def measure(rows: list[Row], runs: int) -> dict[str, tuple[float, float]]:
    """Round-robin over the rows (machine load hits every row alike; a start is followed by
    its stop), one warm-up round; (min, median) wall seconds per row."""
    samples: dict[str, list[float]] = {row.name: [] for row in rows}
    for i in range(runs + 1):
        for row in rows:
            took, _ = run_once(row.argv(i), row.env)
            if i:
                samples[row.name].append(took)
    return {name: (min(s), statistics.median(s)) for name, s in samples.items()}


def instructions(rows: list[Row], i: int) -> dict[str, int]:
    """Instructions each row executes: one callgrind run each, in row order."""
    counts = {}
    for row in rows:
        _, err = run_once(row.argv(i), row.env, prefix=(
            "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"))
        found = re.search(r"Collected : (\d+)", err)
        if found:
            counts[row.name] = int(found.group(1))
    return counts


def alloy_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLOY_")}
    env.update(ALLOY_DATA_DIR=str(home / "data"), ALLOY_CONFIG_DIR=str(home / "config"),
               ALLOY_DATABASE_URL=f"sqlite:///{home / 'data' / 'alloy.db'}", NO_COLOR="1")
    return env


def seed_alloy(env: dict, items: int) -> None:
    """Onboard a user (its org current) and a project holding `items` tickets, `use`d."""
    subprocess.run([str(ALLOY), "onboard", "--email", "bench@example.com", "--password",
                    "password123", "--org-name", "Bench", "--org-slug", "bench"], env=env,
                   check=True, capture_output=True)
    os.environ.update({k: v for k, v in env.items() if k.startswith("ALLOY_")})
    from alloy.client.connect import connect

    client = connect()
    project = client.call("projects.create", body={"org_id": client.org_id, "key": "BENCH",
                                                   "name": "Bench"})
    start = time.perf_counter()
    for i in range(items):
        client.call("tickets.create", project_id=project["id"],
                    body={"title": f"Ticket {i}", "priority": "Medium"})
    client.close()
    print(f"seeded {items} tickets in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    subprocess.run([str(ALLOY), "project", "use", "BENCH"], env=env, check=True,
                   capture_output=True)


def alloy_rows(env: dict, items: int) -> list[Row]:
    def alloy(*words: str) -> list[str]:
        return [str(ALLOY), *words, "--format", "json"]

    return [Row("alloy --help", [str(ALLOY), "--help"], env),
            Row("alloy org list", alloy("org", "list"), env),
            Row("alloy project list", alloy("project", "list"), env),
            Row(f"alloy ticket list ({items} tickets)", alloy("ticket", "list"), env),
            Row("alloy ticket get BENCH-1", alloy("ticket", "get", "BENCH-1"), env),
            Row("alloy ticket create", alloy("ticket", "create", "--title", "Bench"), env),
            Row("alloy start BENCH-2", alloy("start", "BENCH-2"), env),
            Row("alloy stop", alloy("stop", "--activity", "Coding"), env),
            Row("alloy done BENCH-2", alloy("done", "BENCH-2"), env)]


def taskwarrior(home: Path, items: int) -> list[Row]:
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
    ids = [str(uuid.uuid4()) for _ in range(items)]
    dump.write_text("\n".join(json.dumps({
        "description": f"Task {i}", "status": "pending", "entry": "20260101T000000Z",
        "uuid": ids[i]}) for i in range(items)))
    subprocess.run([task, "import", str(dump)], env=env, check=True, capture_output=True)
    # start/stop/done walk through the tasks: a finished task cannot be started again
    return [Row("task add", [task, "add", "Bench task"], env, judged=False),
            Row(f"task list ({items} pending)", [task, "list"], env, judged=False),
            Row("task start", lambda i: [task, ids[i], "start"], env, judged=False),
            Row("task stop", lambda i: [task, ids[i], "stop"], env, judged=False),
            Row("task done", lambda i: [task, ids[i], "done"], env, judged=False)]


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
        took = measure([Row("import", [py, "-c", "import typer"], dict(os.environ)),
                        Row("app", [py, str(base)], dict(os.environ))], runs)
        print(f"typer {version:<8} import typer {took['import'][0] * 1000:5.0f} ms"
              f"   '{{}}' app {took['app'][0] * 1000:5.0f} ms  [min wall]")


STEPS = {
    "python (nothing)": "pass",
    "import typer": "import typer",
    "import alloy.cli.main": "import alloy.cli.main",
    "import msgspec": "import alloy, msgspec",
    "import sqlite3": "import sqlite3",
    "import tomllib (first run after a save)": "import tomllib",
    "import alloy.client.local": "import alloy.client.local",
    "import alloy.services.tickets": "import alloy.services.tickets",
    "bootstrap() (open + migrate check)": "from alloy.env import bootstrap; bootstrap()",
    "credentials + LocalClient": "from alloy.cli.session import client; client()",
}


def breakdown(env: dict, runs: int) -> None:
    took = measure([Row(name, [str(PY), "-c", code], env) for name, code in STEPS.items()],
                   runs)
    base = took["python (nothing)"][0]
    print(f"\n{'fresh interpreter doing':<40} {'wall min':>8} {'added':>7}")
    for name, (low, _) in took.items():
        print(f"{name:<40} {low * 1000:6.0f}ms {(low - base) * 1000:5.0f}ms")


def report(rows: list[Row], wall: dict, counts: dict) -> None:
    base = rows[0].name
    print(f"\n{'command':<36} {'instructions':>12} {'x base':>7}   {'wall min':>8} {'median':>7}"
          f" {'x base':>7}")
    for row in rows:
        low, mid = wall[row.name]
        ratio = low / wall[base][0]
        count = counts.get(row.name)
        x = count / counts[base] if count and counts.get(base) else None
        over = row.judged and (x if x is not None else ratio) > BUDGET
        ins = f"{count / 1e6:11.1f}M {x:6.2f}x" if x is not None else f"{'-':>12} {'':>7}"
        print(f"{row.name:<36} {ins}   {low * 1000:6.0f}ms {mid * 1000:5.0f}ms {ratio:6.2f}x"
              f"{' !' if over else ''}")
    print(f"\nbudget: alloy rows <= {BUDGET}x the baseline, judged on instructions"
          f"{'' if counts else ' (no valgrind: on wall time)'}; `!` marks a row over it."
          f"\nload average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--no-taskwarrior", action="store_true")
    ap.add_argument("--no-valgrind", action="store_true")
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
        seed_alloy(env, args.items)
        rows = [Row("typer app printing {} (baseline)", [str(PY), str(home / "baseline.py")],
                    env, judged=False), *alloy_rows(env, args.items)]
        if not args.no_taskwarrior:
            rows += taskwarrior(home, args.items)
        wall = measure(rows, args.runs)
        counts = {}
        if not args.no_valgrind and shutil.which("valgrind"):
            counts = instructions(rows, args.runs + 1)
        report(rows, wall, counts)
        print(f"{args.runs} wall-time runs of each row, interleaved; one callgrind run each.")
        if args.breakdown:
            breakdown(env, args.runs)
        if args.compare_typer:
            print()
            compare_typer(home, args.runs)


if __name__ == "__main__":
    main()
