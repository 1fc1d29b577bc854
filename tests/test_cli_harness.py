"""The in-process CLI runner (tests/support.py `cli`) holds to the real executable: the same
output in every format, the same exit codes and stderr lines for every command group, and
nothing left behind from one run to the next."""

from __future__ import annotations

import gc
import os
import threading

import pytest
from alloy.cli.main import COMMANDS, GROUPS

from tests.support import cli

MISSING = "00000000-0000-7000-8000-000000000000"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from tests.support import base_env

    env = base_env(tmp_path_factory.mktemp("harness"))
    cli(["onboard", "--email", "h@example.com", "--password", "password123",
         "--org-name", "Harness", "--org-slug", "harness"], env)
    cli(["project", "create", "--key", "HAR", "--name", "Harness"], env)
    cli(["ticket", "create", "--project", "HAR", "--title", "Ünïcode — ok"], env)
    return env


def same(argv: list[str], env: dict, input: str | None = None):
    inline = cli(argv, env, input=input, check=False)
    real = cli(argv, env, input=input, check=False, subprocess=True)
    assert (inline.returncode, inline.stdout, inline.stderr) == (
        real.returncode, real.stdout, real.stderr), argv
    return inline


@pytest.mark.parametrize("argv", [
    ["ticket", "list"], ["ticket", "list", "--format", "table"],
    ["--format", "plain", "ticket", "list"], ["ticket", "get", "HAR-1", "--format=table"],
    ["org", "list", "--format", "table"], ["--help"], ["ticket", "create", "--help"],
    ["usage", "ticket"], ["--version"], ["ticket", "get", MISSING], ["ticket", "create"],
    ["nosuch"], ["--format", "xml", "org", "list"],
])
def test_output_and_exit_codes_match_the_executable(env, argv):
    same(argv, env)


def test_stdin_and_environment_are_the_runs_own(env):
    assert same(["import"], env, input="not json").returncode == 7
    r = same(["org", "list"], {**env, "ALLOY_FORMAT": "plain", "COLUMNS": "40"})
    assert r.returncode == 0 and len(r.stdout.split()) == 1
    assert "ALLOY_FORMAT" not in os.environ


def test_global_flags_do_not_outlive_their_line(env):
    assert cli(["org", "list", "--format", "plain"], env).data is None
    assert cli(["org", "list"], env).data["data"]  # json again: --format was that line's
    assert cli(["org", "list", "--api-url", "http://127.0.0.1:9"], env,
               check=False).returncode == 8
    assert cli(["org", "list"], env).returncode == 0  # embedded again


@pytest.mark.parametrize("word", sorted({*GROUPS, *COMMANDS} - {"serve", "tui"}))
def test_every_command_group_exits_as_the_executable_does(env, word):
    """One real process per group: a wrong subcommand or flag is a usage error (2), one line."""
    r = same([word, "--no-such-flag"], env)
    assert r.returncode == 2 and r.stderr.startswith("error: ") and r.stdout == ""


def test_each_line_gets_its_own_command_tree():
    """A tree built for one line is never served to another: they were cached by id(app),
    which a later app reuses once the first is freed (and the cache grew with every line)."""
    from alloy.cli.main import build
    from alloy.cli.usage import click_tree

    for i in range(60):
        word = ("org", "project", "label")[i % 3]
        assert word in click_tree(build(word)).commands
        gc.collect()  # frees the app, as a long-lived process eventually does


@pytest.fixture(params=["embedded", "remote"])
def any_mode(request, env, server, tmp_path_factory):
    if request.param == "embedded":
        return env
    from tests.conftest import unique_email
    from tests.support import base_env

    remote = base_env(tmp_path_factory.mktemp("remote"), ALLOY_API_URL=server.url)
    email = unique_email("harness")
    server.http.post("/api/v1/auth/register", json={
        "email": email, "password": "password123", "display_name": "H"}).raise_for_status()
    cli(["auth", "login", "--email", email, "--password", "password123"], remote)
    org = cli(["org", "create", "--name", "H", "--slug", "h-" + email.split("@")[0]], remote).data
    cli(["org", "switch", org["id"]], remote)
    cli(["project", "create", "--key", "HAR", "--name", "Harness"], remote)
    cli(["ticket", "create", "--project", "HAR", "--title", "x"], remote)
    return remote


LINES = [["ticket", "list"], ["ticket", "get", "HAR-1", "--format", "table"],
         ["ticket", "get", MISSING], ["org", "list", "--format", "plain"]]


def open_now() -> tuple[int, int]:
    return len(os.listdir("/proc/self/fd")), threading.active_count()


def test_runs_leave_no_connection_thread_or_fd_behind(any_mode):
    """40 runs (10 of each line, after a warm-up): what a run opens does not outlive it (a
    database connection, an HTTP client and their sockets, a thread), so the in-process tests
    cannot run out of fds or see each other's state. One fd or thread kept per run would show
    40 times over; more runs would only take longer."""
    for argv in LINES:
        cli(argv, any_mode, check=False)  # warm: imports, lazily opened files
    gc.collect()
    before = open_now()
    for i in range(40):
        cli(LINES[i % len(LINES)], any_mode, check=False)
    gc.collect()  # Python 3.11's sqlite3 connection is a cycle (its statement cache)
    assert open_now() == before


def test_runs_close_what_they_open_without_the_cycle_collector(env):
    for argv in LINES:
        cli(argv, env, check=False)
    gc.collect()
    before = open_now()
    gc.disable()
    try:
        for i in range(20):
            cli(LINES[i % len(LINES)], env, check=False)
        after = open_now()
    finally:
        gc.enable()
    assert after == before
