"""TUI start-to-first-paint with 10,000 tickets (embedded), against bare Textual apps.

Usage: .venv/bin/python bench/tui_startup.py [--tickets 10000] [--rounds 5]

Each measurement runs in a fresh process (imports included), started as `alloy-tui` starts
(`alloy.tui.main.make_app`): from process start to the first frame that shows ticket rows,
then until every ticket is loaded; then the cost of moving the cursor through the table and
redrawing the visible rows (scrolling smoothness). The baselines, same harness:
- bare Textual painting one line ("hello");
- bare Textual showing the same rows: it reads the 10,000 tickets with sqlite3 and shows
  them in a Line-API widget — the house budget's yardstick ("within 0.1 s of a bare Textual
  app showing the same rows").
Figures are the median of --rounds interleaved runs (`--best`: the best run); CPU is the
process's CPU time at the same moment as the wall time, steadier than wall time on a busy
machine. The load average is printed with the figures.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402


def empty_child() -> None:
    """Baseline: a bare Textual app painting one line, same harness, no Alloy at all."""
    import asyncio

    from textual.app import App
    from textual.widgets import Static

    class Empty(App):
        def compose(self):
            yield Static("hello")

        def on_mount(self) -> None:
            self.call_after_refresh(painted, self)

    print(json.dumps(asyncio.run(bare(Empty()))))


def painted(app) -> None:
    app.painted = (time.perf_counter(), time.process_time())


async def bare(app) -> dict:
    app.painted = None
    async with app.run_test(size=(120, 40)) as pilot:
        while app.painted is None:
            await pilot.pause(0.005)
        return {"first_paint": app.painted[0] - T0, "first_paint_cpu": app.painted[1]}


def rows_child() -> None:
    """Baseline: a bare Textual app showing the same rows (read with sqlite3, one str each,
    drawn by a Line-API widget): no Alloy, no client, no borders or colours."""
    import asyncio
    import sqlite3

    from rich.segment import Segment
    from textual.app import App
    from textual.geometry import Size
    from textual.scroll_view import ScrollView
    from textual.strip import Strip

    class Rows(ScrollView):
        def __init__(self, rows: list[str]) -> None:
            super().__init__()
            self.rows = rows
            self.virtual_size = Size(0, len(rows))

        def render_line(self, y: int) -> Strip:
            n, width = int(self.scroll_y) + y, self.size.width
            if n >= len(self.rows):
                return Strip.blank(width)
            return Strip([Segment(self.rows[n][:width].ljust(width))])

    class Bare(App):
        def compose(self):
            db = sqlite3.connect(os.environ["ALLOY_DATABASE_URL"].removeprefix("sqlite:///"))
            yield Rows([f"{k}-{n:<6} {t[:60]:<60} {s:<12} {a or '':<16} {p}" for k, n, t, s, a, p in
                        db.execute("SELECT p.key, t.ticket_number, t.title, t.status, "
                                   "t.assignee_id, t.priority FROM tickets t JOIN projects p "
                                   "ON p.id = t.project_id ORDER BY t.id")])

        def on_mount(self) -> None:
            self.call_after_refresh(painted, self)

    print(json.dumps(asyncio.run(bare(Bare()))))


def child() -> None:
    import asyncio

    from alloy.tui.main import make_app

    def at_cpu(method, cpu: dict, name: str):
        """`method`, noting the process's CPU time as it runs (the moment its wall time is
        taken, as the baselines' `painted` does; not a poll later)."""
        def noted(*args):
            cpu[name] = time.process_time()
            return method(*args)
        return noted

    async def main() -> dict:
        app = make_app()
        cpu: dict[str, float] = {}
        app._first_paint = at_cpu(app._first_paint, cpu, "first_paint")
        app._loaded = at_cpu(app._loaded, cpu, "all_loaded")
        async with app.run_test(size=(120, 40)) as pilot:
            while app.first_rows_at is None and app.connection != "Not logged in":
                await pilot.pause(0.005)
            while app.loading:
                await pilot.pause(0.02)
            first_paint_cpu, all_loaded_cpu = cpu["first_paint"], cpu["all_loaded"]
            table = app.tickets.table
            moves = min(2000, len(table.rows) - 1)
            start = time.perf_counter()
            for _ in range(moves):
                table.action_cursor_down()
                for y in range(table.size.height):
                    table.render_line(y)
            per_move = (time.perf_counter() - start) / max(1, moves)
            table.action_cursor_bottom()
            start = time.perf_counter()
            for y in range(table.size.height):
                table.render_line(y)
            bottom_frame = time.perf_counter() - start
            return {"first_paint": app.first_rows_at - T0, "all_loaded": app.loaded_at - T0,
                    "first_paint_cpu": first_paint_cpu, "all_loaded_cpu": all_loaded_cpu,
                    "marks": {k: round(v - T0, 3) for k, v in app.marks.items()},
                    "rows": len(table.rows), "per_move_ms": per_move * 1000,
                    "bottom_frame_ms": bottom_frame * 1000}

    print(json.dumps(asyncio.run(main())))


def workspace(root: Path, tickets: int) -> dict:
    env = {**os.environ, "ALLOY_DATA_DIR": str(root / "data"),
           "ALLOY_CONFIG_DIR": str(root / "config"),
           "ALLOY_DATABASE_URL": f"sqlite:///{root / 'data' / 'alloy.db'}"}
    os.environ.update({k: v for k, v in env.items() if k.startswith("ALLOY_")})
    from alloy.cli.session import save_credentials

    from alloy.actor import Actor
    from alloy.client.local import LocalClient
    from alloy.env import bootstrap

    e = bootstrap()
    done = LocalClient(e, None).call("onboard.run", body={
        "email": "bench@example.com", "password": "password123", "org_name": "Bench",
        "org_slug": f"bench{tickets}"})
    save_credentials({"user_id": done["user_id"], "org_id": done["org_id"],
                      "email": "bench@example.com"}, replace=True)
    client = LocalClient(e, Actor(user_id=done["user_id"], org_id=done["org_id"]))
    project = client.call("projects.create", body={"key": "BENCH", "name": "Bench"})
    for n in range(tickets):
        client.call("tickets.create", project_id=project["id"],
                    body={"title": f"Ticket {n} of the benchmark", "priority": "Medium"})
    e.store.close()
    return env


def run_child(flag: str, env: dict | None = None) -> dict:
    proc = subprocess.run([sys.executable, __file__, flag], env=env, capture_output=True,
                          text=True)
    if proc.returncode:
        raise SystemExit(f"child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--best", action="store_true", help="best round, not the median")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--empty-child", action="store_true")
    parser.add_argument("--rows-child", action="store_true")
    args = parser.parse_args()
    if args.child or args.empty_child or args.rows_child:
        (child if args.child else empty_child if args.empty_child else rows_child)()
        return
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as small, tempfile.TemporaryDirectory() as large:
        envs = {}
        for name, root, count in (("base", small, 100), ("big", large, args.tickets)):
            started = time.perf_counter()
            envs[name] = workspace(Path(root), count)
            print(f"  created {count:,} tickets in {time.perf_counter() - started:.1f}s",
                  file=sys.stderr)
        runs: dict[str, list[dict]] = {"hello": [], "rows": [], "base": [], "big": []}
        for _ in range(args.rounds):  # interleaved: fair on a busy machine
            runs["hello"].append(run_child("--empty-child"))
            runs["rows"].append(run_child("--rows-child", envs["big"]))
            runs["base"].append(run_child("--child", envs["base"]))
            runs["big"].append(run_child("--child", envs["big"]))

    def stat(kind: str, figure: str) -> float:
        """The median of the rounds (or the best, with --best), in ms."""
        values = sorted(r[figure] for r in runs[kind])
        return (values[0] if args.best else statistics.median(values)) * 1000

    def both(kind: str, figure: str) -> str:
        return f"{stat(kind, figure):5.0f} ms (CPU {stat(kind, figure + '_cpu'):4.0f} ms)"

    n = f"{args.tickets:,}"
    print(f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after "
          f"({os.cpu_count()} CPUs); {'best' if args.best else 'median'} of {args.rounds} "
          "interleaved rounds")
    print(f"bare Textual, one line:      first paint {both('hello', 'first_paint')}")
    print(f"bare Textual, {n} rows:  first paint {both('rows', 'first_paint')}")
    print(f"Alloy, 100 tickets:          first paint {both('base', 'first_paint')}, "
          f"all loaded {both('base', 'all_loaded')}")
    print(f"Alloy, {n} tickets:       first paint {both('big', 'first_paint')}, "
          f"all loaded {both('big', 'all_loaded')}")
    for label, kind in (("one line", "hello"), (f"{n} rows", "rows")):
        print(f"vs bare Textual, {label}: first paint "
              f"+{stat('big', 'first_paint') - stat(kind, 'first_paint'):.0f} ms "
              f"(CPU +{stat('big', 'first_paint_cpu') - stat(kind, 'first_paint_cpu'):.0f}), "
              f"all loaded +{stat('big', 'all_loaded') - stat(kind, 'first_paint'):.0f} ms "
              f"(CPU +{stat('big', 'all_loaded_cpu') - stat(kind, 'first_paint_cpu'):.0f}); "
              f"ratio {stat('big', 'all_loaded') / stat(kind, 'first_paint'):.2f}x")
    base, big = (min(runs[k], key=lambda r: r["first_paint"]) for k in ("base", "big"))
    print(f"milestones (s from process start), 100: {base['marks']}")
    print(f"milestones (s from process start), {n}: {big['marks']}")
    print(f"scrolling: {big['per_move_ms']:.3f} ms per cursor move + full redraw; "
          f"bottom-of-table frame {big['bottom_frame_ms']:.2f} ms "
          f"(baseline {base['per_move_ms']:.3f} ms)")


if __name__ == "__main__":
    main()
