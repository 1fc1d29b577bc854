"""Start-up discipline (bench/cli_startup.py has the figures): the common paths import no
second copy of click (typer 0.28 vendors its own), no rich (only tables need it) and no
prompt library (only a terminal prompt needs it)."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.support import ROOT, base_env, cli

HEAVY = {"click", "rich", "questionary", "prompt_toolkit", "litestar", "textual", "httpx",
         "psycopg", "mcp", "uvicorn", "pydantic"}


def loaded(argv: list[str], env: dict, *, full: bool = False) -> set[str]:
    return set(after(argv, env, "sorted({m if " + repr(full) + " else m.split('.')[0] "
                                "for m in sys.modules})"))


def after(argv: list[str], env: dict, probe: str):
    """The value of the Python expression `probe` (a literal) once `alloy *argv` has run in a
    fresh interpreter."""
    code = ("import sys, io, contextlib\nsys.argv = ['alloy', *" + repr(argv) + "]\n"
            "from alloy.cli.main import run\nout = io.StringIO()\n"
            "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):\n"
            "    try:\n        run()\n    except SystemExit:\n        pass\n"
            "print(repr(" + probe + "))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True)
    return ast.literal_eval(proc.stdout.strip().splitlines()[-1])


def _onboarded(tmp_path) -> dict:
    """A data dir with a user and their org (the environment for `cli`/`loaded`)."""
    env = base_env(tmp_path)
    cli(["onboard", "--email", "s@example.com", "--password", "password123",
         "--org-name", "S", "--org-slug", "s"], env)
    return env


def _onboarded_with_ticket(tmp_path) -> dict:
    """Plus a project FAST, `use`d, holding FAST-1."""
    env = _onboarded(tmp_path)
    cli(["project", "create", "--key", "FAST", "--name", "Fast"], env)
    cli(["project", "use", "FAST"], env)
    cli(["ticket", "create", "--title", "One"], env)
    return env


@pytest.mark.parametrize("argv", [["--help"], ["org", "list", "--format", "json"],
                                  ["usage"], ["org", "list", "--format", "plain"]])
def test_common_paths_stay_light(argv, tmp_path):
    env = _onboarded(tmp_path)
    assert loaded(argv, env) & HEAVY == set()


@pytest.mark.parametrize("argv", [["--help"], ["org", "list", "--format", "json"]])
def test_reads_load_no_json_module_and_no_typing_backport(argv, tmp_path):
    """msgspec writes the JSON a read prints (cli/output.py `to_json`); the json module and
    typing_extensions (alloy/__init__.py) are start-up a read does not need."""
    env = _onboarded(tmp_path)
    assert loaded(argv, env) & {"json", "typing_extensions"} == set()


def test_tables_load_rich_only_when_drawn(tmp_path):
    env = _onboarded(tmp_path)
    assert "rich" in loaded(["org", "list", "--format", "table"], env)


def test_the_executable_skips_teardown_but_not_what_exit_promises(tmp_path):
    """`alloy` leaves without freeing every object (cli/main.py `_leave`): atexit handlers
    still run, buffered output still arrives, the exit code is kept; an object's finalizer
    (teardown's work) does not run."""
    code = ("import atexit, sys\nclass Kept:\n    def __del__(self):\n        print('teardown')\n"
            "kept = Kept()\natexit.register(lambda: print('atexit ran'))\n"
            "sys.argv = ['alloy', '--version']\nfrom alloy.cli import run\nrun()")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base_env(tmp_path),
                          capture_output=True, text=True)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.splitlines()[1:] == ["atexit ran"]
    assert proc.stdout.startswith("alloy ")


def test_embedded_writes_and_listings_load_no_json_module(tmp_path):
    """A listing with a next page (its cursor: binascii, not base64), a create, a start:
    their JSON, read or written, goes through msgspec (alloy.domain.values.to_json,
    from_json); no regex-heavy or backport module is loaded either."""
    env = _onboarded_with_ticket(tmp_path)
    cli(["ticket", "create", "--title", "Two"], env)
    for argv in (["ticket", "list", "--limit", "1"], ["ticket", "create", "--title", "Three"],
                 ["start", "FAST-1"], ["stop", "--activity", "Coding"]):
        got = loaded([*argv, "--format", "json"], env)
        assert got & {"json", "typing_extensions", "base64"} == set(), argv


def test_ticket_commands_load_no_search_language(tmp_path):
    """The query language (`alloy.domain.query`: regexes, dataclasses) is search's; a ticket
    get, create or list must not pay for it (it once came with the tickets service: +3%)."""
    env = _onboarded_with_ticket(tmp_path)
    for argv in (["ticket", "get", "FAST-1"], ["ticket", "list"],
                 ["ticket", "create", "--title", "Two"], ["done", "FAST-1"]):
        got = loaded([*argv, "--format", "json"], env, full=True)
        assert "alloy.domain.query" not in got, argv
    assert "alloy.domain.query" in loaded(["search", "one", "--format", "json"], env, full=True)


def test_commands_compile_no_regex_at_import(tmp_path):
    """A compiled pattern at module level is paid by every command that imports the module
    (~0.5M instructions each): the modules of the common commands compile theirs on use."""
    env = _onboarded_with_ticket(tmp_path)
    probe = ("sorted(f'{n}.{k}' for n, m in list(sys.modules.items()) if n.startswith('alloy')"
             " for k, v in list(vars(m).items()) if type(v).__name__ == 'Pattern')")
    for argv in (["org", "list"], ["ticket", "list"], ["ticket", "get", "FAST-1"],
                 ["ticket", "create", "--title", "Two"], ["start", "FAST-1"],
                 ["stop", "--activity", "Coding"], ["done", "FAST-1"]):
        assert after([*argv, "--format", "json"], env, probe) == [], argv


def test_quick_verbs_on_a_plain_ticket_load_no_relations_or_time_entries(tmp_path):
    """Sub-issue rules (alloy.services.relations) are asked only about a ticket that has
    sub-issues, and only `stop` logs time (alloy.services.timeentries): `start` and `done`
    on a plain ticket load neither."""
    env = _onboarded_with_ticket(tmp_path)
    kept_out = {"alloy.services.relations", "alloy.domain.relations",
                "alloy.services.timeentries"}
    for argv in (["start", "FAST-1"], ["done", "FAST-1"]):
        assert loaded([*argv, "--format", "json"], env, full=True) & kept_out == set(), argv
    cli(["ticket", "create", "--title", "Parent"], env)  # FAST-2
    cli(["ticket", "create", "--title", "Child", "--parent", "FAST-2"], env)
    assert "alloy.services.relations" in loaded(["done", "FAST-2", "--format", "json"], env,
                                                full=True)
