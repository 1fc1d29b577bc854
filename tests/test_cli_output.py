"""Output: json when piped (lists as {"data", "next_cursor", "has_more"}), tables on a
terminal that never cut an id (tests/test_cli_tables.py has the layout), NO_COLOR, plain
for xargs, --format validated."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.support import BIN, cli
from tests.terminal import TMUX, Terminal

needs_tmux = pytest.mark.skipif(not TMUX, reason="tmux is not installed")
COLOR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|38;[0-9;]+|9[0-7])m")


@pytest.fixture
def env(env_for):
    env = env_for()
    cli(["onboard", "--email", "olu@example.com", "--password", "password123",
         "--org-name", "A long organization name that would not fit a narrow terminal",
         "--org-slug", "acme"], env)
    cli(["org", "create", "--name", "Second", "--slug", "second"], env)
    return env


def test_json_is_the_default_when_piped(env):
    r = cli(["org", "list"], env, subprocess=True)  # a real pipe
    assert list(r.data) == ["data", "next_cursor", "has_more"]
    assert r.stdout.startswith('{\n  "data": [') and r.stdout.endswith("}\n")
    assert len(r.data["data"]) == 2 and r.data["has_more"] is False
    one = cli(["org", "list", "--limit", "1"], env).data
    assert one["has_more"] is True and one["next_cursor"]
    rest = cli(["org", "list", "--cursor", one["next_cursor"]], env).data
    assert len(rest["data"]) == 1 and rest["data"][0]["id"] != one["data"][0]["id"]


def test_plain_is_one_value_per_line_for_xargs(env):
    ids = cli(["org", "list", "--format", "plain"], env).stdout.splitlines()
    assert len(ids) == 2 and all(re.fullmatch(r"[0-9a-f-]{36}", i) for i in ids)
    piped = subprocess.run(f"{BIN / 'alloy'} org list --format plain | "
                           f"xargs -n1 {BIN / 'alloy'} org switch --format plain",
                           shell=True, env=env, capture_output=True, text=True, check=True)
    assert piped.stdout.splitlines() == ids
    token = cli(["auth", "token", "--format", "plain"], env).stdout
    assert token.count("\n") == 1 and "*" in token


def test_format_is_validated(env):
    for argv, extra in [(["--format", "xml"], {}), ([], {"ALLOY_FORMAT": "yaml"})]:
        r = cli(["org", "list", *argv], {**env, **extra}, check=False)
        assert r.returncode == 2 and r.stdout == ""
        assert r.stderr.startswith("error: --format must be one of json, table, plain")
    assert cli(["org", "list"], {**env, "ALLOY_FORMAT": "PLAIN"}).stdout.count("\n") == 2
    assert cli(["--format=json", "org", "list"], env).data["data"]


def test_a_bad_format_stops_a_command_before_it_runs_but_not_help(env):
    """The check runs as the command line starts (the root callback): nothing is created;
    `alloy --help` reads no settings (it imports no msgspec) and still shows the help."""
    bad = {**env, "ALLOY_FORMAT": "yaml"}
    made = cli(["org", "create", "--name", "Third", "--slug", "third"], bad, check=False)
    assert made.returncode == 2 and "--format must be one of" in made.stderr
    assert len(cli(["org", "list"], env).data["data"]) == 2
    assert cli(["--help"], bad).stdout.startswith("Usage: alloy")


def test_table_when_piped_keeps_every_character(env):
    out = cli(["org", "list", "--format", "table"], {**env, "COLUMNS": "40"}).stdout
    assert "A long organization name that would not fit a narrow terminal" in out
    for org in cli(["org", "list"], env).data["data"]:
        assert org["id"] in out
    assert "\x1b[" not in out


@needs_tmux
@pytest.mark.parametrize("no_color", [False, True])
def test_table_on_a_narrow_terminal(env, tmp_path, no_color):
    ids = [o["id"] for o in cli(["org", "list"], env).data["data"]]
    extra = {"NO_COLOR": "1"} if no_color else {}
    with Terminal([str(BIN / "alloy"), "org", "list"], {**env, **extra}, tmp_path,
                  width=70) as term:
        assert term.exit_code() == 0
        screen, raw = term.screen(), term.screen(escapes=True)
    assert "SLUG" in screen and "NAME" in screen  # a table is the default on a terminal
    assert "acme" in screen and "second" in screen  # the key column is whole
    assert "A long organization name" in screen and "…" in screen  # the name shrinks
    for fragment in re.findall(r"[0-9a-f]{8}-[0-9a-f-]+", screen):
        assert fragment in ids  # an id is shown whole or not at all
    assert bool(COLOR.search(raw)) is not no_color


def test_single_objects_and_empty_lists(env):
    org = cli(["org", "list"], env).data["data"][0]
    cli(["org", "switch", org["id"]], env)
    table = cli(["org", "switch", org["id"], "--format", "table"], env).stdout
    assert org["id"] in table and "slug" in table
    empty = cli(["invite", "list", "--format", "table"], env)
    assert empty.returncode == 0 and "(none)" in empty.stdout
    assert cli(["invite", "list", "--format", "plain"], env).stdout == ""
    assert json.loads(cli(["invite", "list"], env).stdout)["data"] == []


def test_control_characters_are_escaped_on_a_terminal_kept_in_json(env):
    """A stored escape sequence is shown (`\\x1b[31m`), never obeyed; JSON keeps the data."""
    cli(["project", "create", "--key", "ESC", "--name", "Esc"], env)
    title = "\x1b[31mRed\x9b2J [bold]markup[/bold]"
    made = cli(["ticket", "create", "--project", "ESC", "--title", title,
                "--description", "set title \x1b]0;pwned\x07"], env).data
    assert made["title"] == title  # JSON: as stored, escaped by JSON
    for args in (["ticket", "list", "--project", "ESC"], ["ticket", "get", made["id"]]):
        out = cli([*args, "--format", "table"], env).stdout
        assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
        assert "\\x1b[31mRed\\x9b2J [bold]markup[/bold]" in out
    show = cli(["ticket", "get", made["id"], "--format", "table"], env).stdout
    assert "\\x1b]0;pwned\\x07" in show
    plain = cli(["ticket", "get", made["id"], "--format", "plain"], env).stdout
    assert plain.strip() == made["key"]
    r = cli(["ticket", "list", "--project", "ESC", "--status", "\x1b[2J"], env, check=False)
    assert "\x1b" not in r.stderr


@pytest.mark.parametrize("data", [
    {"data": [{"id": "x", "title": "é \u2028 \x00\x1f\x7f \"\\ / 😀", "n": 1.5, "ok": True,
               "none": None, "empty": [], "nested": {}}], "next_cursor": None},
    [0.0, -0.0, 1e-4, 123.456, 9.99e15, 2**63 - 1, -(2**63), 2**64 - 1],
    [1e16, 1e-5, 2.5e-7, float("nan"), float("inf"), 2**64, -(2**63) - 1],  # json's forms
    {1: "int key"}, ("a", "tuple"), "lone \ud800 surrogate",
])
def test_json_output_is_what_json_dumps_writes(data):
    """cli/output.py `to_json` lets msgspec write the JSON only where the text is the same."""
    import json

    import msgspec  # noqa: F401 - loaded, as in every command that prints data
    from alloy.cli.output import to_json

    assert to_json(data) == json.dumps(data, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("data", [
    {"changes": {"title": ["old", "new"], "n": 2, "ok": None}}, ["a", [], {}],
    {"title": "é"}, {"title": "del \x7f"}, {"t": "😀"}, {"x": 1e16}, {2: "int key"},
])
def test_stored_json_is_what_json_dumps_writes(data):
    """JSON columns keep json.dumps' text (ASCII, `, ` and `: `), msgspec or not."""
    import json

    from alloy.domain.values import to_json

    assert to_json(data) == json.dumps(data)
