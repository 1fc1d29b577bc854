"""TUI start-to-first-paint with 10,000 tickets (embedded), against a 100-ticket baseline.

Usage: .venv/bin/python bench/tui_startup.py [--tickets 10000]

Each measurement runs in a fresh process (imports included): from process start to the first
frame that shows ticket rows, then until every ticket is loaded; then the cost of moving the
cursor through the table and redrawing the visible rows (scrolling smoothness).
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
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
            self.call_after_refresh(lambda: setattr(self, "painted", time.perf_counter()))

    async def main() -> dict:
        app = Empty()
        app.painted = None
        async with app.run_test(size=(120, 40)) as pilot:
            while app.painted is None:
                await pilot.pause(0.005)
            return {"first_paint": app.painted - T0}

    print(json.dumps(asyncio.run(main())))


def child() -> None:
    import asyncio

    from alloy.tui.app import AlloyApp

    async def main() -> dict:
        app = AlloyApp()
        async with app.run_test(size=(120, 40)) as pilot:
            while app.first_rows_at is None and app.connection != "Not logged in":
                await pilot.pause(0.005)
            while app.loading:
                await pilot.pause(0.02)
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
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--empty-child", action="store_true")
    args = parser.parse_args()
    if args.child or args.empty_child:
        (child if args.child else empty_child)()
        return
    with tempfile.TemporaryDirectory() as small, tempfile.TemporaryDirectory() as large:
        envs = {}
        for name, root, count in (("base", small, 100), ("big", large, args.tickets)):
            started = time.perf_counter()
            envs[name] = workspace(Path(root), count)
            print(f"  created {count:,} tickets in {time.perf_counter() - started:.1f}s",
                  file=sys.stderr)
        runs: dict[str, list[dict]] = {"empty": [], "base": [], "big": []}
        for _ in range(args.rounds):  # interleaved, best of N: fair on a busy machine
            runs["empty"].append(run_child("--empty-child"))
            runs["base"].append(run_child("--child", envs["base"]))
            runs["big"].append(run_child("--child", envs["big"]))
    empty, base, big = (min(runs[k], key=lambda r: r["first_paint"])
                        for k in ("empty", "base", "big"))
    print(f"bare Textual app:       first paint {empty['first_paint'] * 1000:7.0f} ms")
    print(f"baseline 100 tickets:   first paint {base['first_paint'] * 1000:7.0f} ms, "
          f"all loaded {base['all_loaded'] * 1000:7.0f} ms")
    print(f"{args.tickets:,} tickets: first paint {big['first_paint'] * 1000:7.0f} ms, "
          f"all loaded {big['all_loaded'] * 1000:7.0f} ms ({big['rows']:,} rows)")
    print(f"first-paint ratio {args.tickets:,}/100: {big['first_paint'] / base['first_paint']:.2f}x;"
          f" vs bare Textual: {big['first_paint'] / empty['first_paint']:.2f}x "
          f"(+{(big['first_paint'] - empty['first_paint']) * 1000:.0f} ms for Alloy)")
    print(f"milestones (s from process start), 100: {base['marks']}")
    print(f"milestones (s from process start), {args.tickets:,}: {big['marks']}")
    print(f"scrolling: {big['per_move_ms']:.3f} ms per cursor move + full redraw; "
          f"bottom-of-table frame {big['bottom_frame_ms']:.2f} ms "
          f"(baseline {base['per_move_ms']:.3f} ms)")


if __name__ == "__main__":
    main()
