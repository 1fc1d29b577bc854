"""gh-style `--json FIELDS` and `--jq EXPR`, anywhere on the line, embedded and remote."""

from __future__ import annotations

import pytest

from tests.daily_support import make_day
from tests.support import cli


@pytest.fixture(params=["embedded", "remote"])
def day(request, server, env_for):
    d = make_day(request.param, server, env_for)
    for title in ("First", "Second"):
        cli(["ticket", "create", "--project", "DAY", "--title", title], d.env)
    return d


def test_json_picks_fields_of_an_object_and_of_each_row(day):
    one = cli(["ticket", "get", "DAY-1", "--json", "key,status"], day.env).data
    assert one == {"key": "DAY-1", "status": "Backlog"}
    rows = cli(["--json", "key,title", "ticket", "list", "--project", "DAY"], day.env).data
    assert sorted(r["key"] for r in rows["data"]) == ["DAY-1", "DAY-2"]
    assert all(set(r) == {"key", "title"} for r in rows["data"]) and rows["has_more"] is False
    table = cli(["ticket", "get", "DAY-1", "--format", "table", "--json=key"], day.env).data
    assert table == {"key": "DAY-1"}  # --json always prints JSON


def test_json_without_fields_lists_them(day):
    listed = cli(["ticket", "get", "DAY-1", "--json"], day.env).stdout.split()
    assert listed[:4] == ["id", "project_id", "ticket_number", "key"] and "status" in listed
    before_flag = cli(["ticket", "list", "--json", "--project", "DAY"], day.env).stdout.split()
    assert before_flag == listed


def test_an_unknown_field_is_a_usage_error(day):
    bad = cli(["ticket", "get", "DAY-1", "--json", "key,colour"], day.env, check=False)
    assert bad.returncode == 2
    assert "unknown field 'colour'; available: id, project_id" in bad.stderr


def test_jq_filters_without_an_external_jq(day):
    keys = cli(["ticket", "list", "--project", "DAY", "--jq", ".data[].key"], day.env)
    assert sorted(keys.stdout.split()) == ["DAY-1", "DAY-2"]  # strings raw, as jq -r
    both = cli(["DAY-1", "--json", "key,status", "--jq", "[.key, .status]"], day.env)
    assert both.stdout == '["DAY-1", "Backlog"]\n'
    assert cli(["DAY-1", "--jq", ".ticket_number + 1"], day.env).stdout == "2\n"


def test_jq_errors_say_what_is_wrong(day):
    syntax = cli(["DAY-1", "--jq", ".["], day.env, check=False)
    assert syntax.returncode == 2 and syntax.stderr.startswith("error: --jq: jq: error: syntax")
    runtime = cli(["DAY-1", "--jq", ".ticket_number.x"], day.env, check=False)
    assert runtime.returncode == 7 and "Cannot index number" in runtime.stderr


def test_jq_without_its_extra_says_what_to_install(env_for, monkeypatch):
    import sys

    env = env_for()
    cli(["onboard", "--email", "x@example.com", "--password", "password123", "--org-name", "X",
         "--org-slug", "x"], env)
    monkeypatch.setitem(sys.modules, "jq", None)  # as if the extra were not installed
    out = cli(["org", "list", "--jq", ".data"], env, check=False)
    assert out.returncode == 1
    assert out.stderr.strip() == "error: --jq needs the 'jq' extra: pip install 'alloy[jq]'"
