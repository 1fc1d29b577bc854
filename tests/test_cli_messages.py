"""Messages in the user's words (issue 17): what is wrong and what to type instead. The
validator's words are translated once, in the core (alloy.domain.validate), so the remote
CLI (the HTTP API's answer) says the same as the embedded one; and tickets have one plain
identity, their KEY-N."""

from __future__ import annotations

import pytest

from tests.support import cli, onboarded


@pytest.fixture(params=["embedded", "remote"])
def env(request, tmp_path):
    for env in onboarded(tmp_path, request.param):
        cli(["project", "create", "--key", "BACK", "--name", "Backend"], env)
        cli(["ticket", "create", "--project", "BACK", "--title", "first"], env)
        yield env


def _error(env, *args) -> tuple[int, str]:
    r = cli(list(args), env, check=False)
    return r.returncode, r.stderr.strip()


def test_a_pattern_is_explained_by_the_fields_own_description(env):
    code, said = _error(env, "project", "create", "--key", "1BAD", "--name", "x")
    assert code == 7
    assert said == ("error: project key must be a letter followed by up to 9 letters or "
                    "digits (e.g. BACK)")
    code, said = _error(env, "org", "create", "--name", "X", "--slug", "Not A Slug")
    assert code == 7 and "slug must be lowercase letters, digits and dashes" in said
    assert "regex" not in said


def test_dates_bounds_and_choices_in_plain_words(env):
    code, said = _error(env, "time", "log", "--ticket", "BACK-1", "--duration", "30",
                        "--activity-type", "coding", "--date", "2026-13-01")
    assert code == 7 and said == "error: date must be YYYY-MM-DD (e.g. 2026-03-15)"
    code, said = _error(env, "labor-rate", "set", "--rate", "100", "--effective-date", "soon")
    assert code == 7 and said.endswith("must be YYYY-MM-DD (e.g. 2026-03-15)"), said
    code, said = _error(env, "time", "log", "--ticket", "BACK-1", "--duration", "2000",
                        "--activity-type", "coding")
    assert code == 7 and said == "error: duration_minutes must be at most 1440"


def test_a_refused_move_of_a_time_entry_says_why(env):
    entry = cli(["time", "log", "--ticket", "BACK-1", "--duration", "30", "--activity-type",
                 "coding"], env).data
    code, said = _error(env, "time", "approve", entry["id"])
    assert code == 6 and said.startswith(
        "error: time entry is Draft: only Submitted entries can be approved")
    cli(["time", "submit", entry["id"]], env)
    cli(["time", "approve", entry["id"]], env)
    code, said = _error(env, "time", "approve", entry["id"])
    assert code == 6 and said.startswith("error: time entry is already approved")
    assert "a Approved" not in said


def test_an_update_with_nothing_to_change_says_what_to_give(env):
    code, said = _error(env, "ticket", "update", "BACK-1")
    assert code == 2
    assert said.startswith("error: nothing to change: give --title, --status, --priority")
    assert "see `alloy ticket update --help`" in said and "Invalid value" not in said


def test_tickets_have_one_plain_identity_their_key(env):
    def plain(*args):
        return cli([*args, "--format", "plain"], env).stdout.split()

    made = cli(["ticket", "create", "--project", "BACK", "--title", "second"], env).data
    assert plain("ticket", "create", "--project", "BACK", "--title", "third") == ["BACK-3"]
    assert plain("ticket", "get", made["id"]) == ["BACK-2"]
    assert plain("ticket", "update", "BACK-2", "--priority", "high") == ["BACK-2"]
    assert plain("ticket", "list", "--project", "BACK") == ["BACK-1", "BACK-2", "BACK-3"]
    # and each of them is a reference every command takes
    assert cli(["ticket", "get", "BACK-2"], env).data["id"] == made["id"]
    assert plain("ticket", "delete", "BACK-3", "--yes") == ["BACK-3"]
