"""Issue 17's quick verbs: `alloy BACK-12`, `start`, `stop`, `done`, `branch`, embedded and
remote, with the timer kept by the server (it outlives the process that started it)."""

from __future__ import annotations

import subprocess

import pytest
from alloy.cli.daily import branch_ref, slug

from tests.daily_support import age_timer, make_day
from tests.support import cli


@pytest.fixture(params=["embedded", "remote"])
def day(request, server, env_for):
    return make_day(request.param, server, env_for)


def _ticket(day, title: str) -> str:
    return cli(["ticket", "create", "--project", "DAY", "--title", title, "--format", "plain"],
               day.env).stdout.strip()


def test_a_ticket_ref_as_the_first_word_shows_it(day):
    key = _ticket(day, "Fix the login form")
    shown = cli([key, "--format", "json"], day.env).data
    assert shown == cli(["ticket", "get", key, "--format", "json"], day.env).data
    assert shown["key"] == "DAY-1" and cli(["day-1"], day.env).data["key"] == "DAY-1"


def test_start_stop_done(day):
    key = _ticket(day, "Fix the login form")
    first = cli(["stop"], day.env, check=False)
    assert first.returncode == 5
    assert first.stderr.strip() == "error: no timer running: start one with `alloy start TICKET`"
    started = cli(["start", key, "--format", "json"], day.env).data
    assert started["ticket"]["status"] == "InProgress" and started["timer"]["ticket_key"] == key
    again = cli(["start", key, "--format", "table"], day.env).stdout
    assert again.strip() == f"Started {key} (already InProgress); timer running"
    unknown = cli(["stop"], day.env, check=False)  # no activity given, none used before
    assert unknown.returncode == 7 and "give --activity (e.g. --activity Coding)" in unknown.stderr
    age_timer(day, 25 * 60 + 20)
    said = cli(["stop", "--activity", "coding", "-m", "form", "--format", "table"], day.env)
    assert said.stdout.startswith(f"Logged 25m on {key} as Coding (draft time entry ")
    (entry,) = cli(["time", "list", "--ticket", key, "--format", "json"], day.env).data["data"]
    assert (entry["duration_minutes"], entry["status"], entry["description"]) == (25, "Draft",
                                                                                  "form")
    cli(["start", key], day.env)
    done = cli(["done", key, "--format", "json"], day.env)  # logs the timer: 1 min, Coding
    assert done.data["ticket"]["status"] == "Done"
    assert (done.data["logged"]["duration_minutes"], done.data["logged"]["activity_type"]) == (
        1, "Coding")
    assert f"Logged 1m on {key} as Coding" in done.stderr
    assert cli(["done", key, "--format", "table"], day.env).stdout.strip() == \
        f"Done: {key} (already Done)"


def test_timer_outlives_the_process_and_is_one_per_person(day):
    one, two = _ticket(day, "One"), _ticket(day, "Two")
    cli(["start", one], day.env, subprocess=True)
    busy = cli(["start", two], day.env, check=False)
    assert busy.returncode == 2 and f"your timer is running on {one}" in busy.stderr
    assert cli(["ticket", "get", two], day.env).data["status"] == "Backlog"  # not moved
    gone = cli(["stop", "--discard", "--format", "table"], day.env, subprocess=True)
    assert gone.stdout.strip() == f"Discarded the timer on {one}"
    assert cli(["time", "list", "--ticket", one], day.env).data["data"] == []


def test_a_strict_workflow_can_refuse_start(day):
    org = cli(["auth", "me"], day.env).data["org_id"]
    flow = cli(["workflow", "create", "--org-id", org, "--name", "Gate", "--enforcement",
                "strict", "--statuses", '[{"name": "Open", "category": "todo"}, '
                '{"name": "Doing", "category": "in_progress"}, {"name": "Shipped", '
                '"category": "done"}]', "--transitions", '[{"from": "Open", "to": "Doing"}, '
                '{"from": "Doing", "to": "Shipped"}]'], day.env).data
    cli(["project", "update", "DAY", "--workflow-id", flow["id"]], day.env)
    key = cli(["ticket", "create", "--project", "DAY", "--title", "Gated", "--status", "Open",
               "--format", "plain"], day.env).stdout.strip()
    refused = cli(["done", key], day.env, check=False)
    assert refused.returncode == 7
    assert "cannot move from Open to a done status" in refused.stderr
    assert "allowed next: Doing" in refused.stderr
    assert cli(["start", key], day.env).data["ticket"]["status"] == "Doing"
    cli(["stop", "--discard"], day.env)
    assert cli(["done", key], day.env).data["ticket"]["status"] == "Shipped"


@pytest.mark.parametrize(("branch", "ref"), [
    ("back-12-fix-login", "BACK-12"), ("feature/BACK-12", "BACK-12"), ("BACK-12", "BACK-12"),
    ("feature/back-7_x", "BACK-7"), ("main", None), ("fix-login", None)])
def test_branch_names_carry_a_ticket(branch, ref):
    assert branch_ref(branch) == ref


def test_slug_cuts_at_a_word():
    assert slug("Fix the login form!") == "fix-the-login-form"
    assert len(slug("word " * 30)) <= 40


def _git(repo, *args):
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
                   cwd=repo, check=True, capture_output=True)


def test_git_branch_flow(day, tmp_path, monkeypatch):
    key = _ticket(day, "Fix the login form")
    outside = cli(["start"], day.env, check=False)  # the tests' directory may be a checkout
    assert outside.returncode == 2 and "give one, e.g. `alloy start BACK-12`" in outside.stderr
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "init")
    monkeypatch.chdir(repo)
    made = cli(["branch", key, "--format", "json"], day.env).data
    assert made == {"branch": "day-1-fix-the-login-form", "ticket": key, "created": True}
    head = subprocess.run(["git", "branch", "--show-current"], cwd=repo, capture_output=True,
                          text=True).stdout.strip()
    assert head == "day-1-fix-the-login-form"
    assert cli(["start", "--format", "json"], day.env).data["timer"]["ticket_key"] == key
    assert cli(["done", "--activity", "Testing"], day.env).data["ticket"]["status"] == "Done"
    _git(repo, "checkout", "-q", "-b", "main-work")
    lost = cli(["done"], day.env, check=False)
    assert lost.returncode == 2 and "the git branch 'main-work' names no ticket" in lost.stderr
    assert cli(["branch", key], day.env).data["created"] is False  # exists: checked out
