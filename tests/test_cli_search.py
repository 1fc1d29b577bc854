"""`alloy search QUERY`, embedded and remote: json, table and plain, refs as KEY-N, a bad
query's words on stderr with the validation exit code."""

from __future__ import annotations

import pytest

from tests.support import cli, onboarded


@pytest.fixture(params=["embedded", "remote"])
def env(request, tmp_path):
    for env in onboarded(tmp_path, request.param):
        cli(["project", "create", "--key", "BACK", "--name", "Backend"], env)
        cli(["project", "create", "--key", "WEB", "--name", "Web"], env)
        cli(["ticket", "create", "--project", "BACK", "--title", "Login fails on Safari",
             "--priority", "high"], env)
        cli(["ticket", "create", "--project", "WEB", "--title", "Login button misaligned",
             "--status", "done"], env)
        cli(["comment", "add", "BACK-1", "--body", "the session cookie expires"], env)
        yield env


def test_search_answers_in_each_format(env):
    found = cli(["search", "login", "--format", "json"], env).data
    assert {t["key"] for t in found["data"]} == {"BACK-1", "WEB-1"}
    assert found["has_more"] is False and found["next_cursor"] is None
    assert cli(["search", "cookie", "is:open", "--format", "plain"], env).stdout == "BACK-1\n"
    table = cli(["search", "login priority:>=high", "--format", "table"], env).stdout
    assert "BACK-1" in table and "Login fails on Safari" in table and "WEB-1" not in table
    scoped = cli(["search", "login", "--project", "WEB", "--format", "plain"], env).stdout
    assert scoped == "WEB-1\n"
    negated = cli(["search", "--format", "plain", "--", "-is:open"], env).stdout
    assert negated == "WEB-1\n"
    page = cli(["search", "sort:number-asc", "--limit", "1", "--format", "json"], env).data
    assert [t["key"] for t in page["data"]] == ["BACK-1"] and page["has_more"]
    rest = cli(["search", "sort:number-asc", "--cursor", page["next_cursor"], "--format",
                "json"], env).data
    assert [t["key"] for t in rest["data"]] == ["WEB-1"]
    assert cli(["search", "nothing-here", "--format", "json"], env).data["data"] == []


def test_a_bad_query_says_which_token(env):
    r = cli(["search", "login", "prio:high"], env, check=False)
    assert r.returncode == 7
    assert r.stderr.strip().startswith(
        'error: unknown qualifier "prio:" — did you mean "priority:"?')
