"""Prompts: on a real terminal (tmux) missing values are asked for with fuzzy selectors; off a
terminal nothing prompts and the missing flag is named in one line (exit 2)."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import pytest
from alloy.cli import prompt
from alloy.cli.output import UsageError

from tests.support import BIN, ROOT, cli
from tests.terminal import TMUX, Terminal

needs_tmux = pytest.mark.skipif(not TMUX, reason="tmux is not installed")


@pytest.fixture
def world(env_for):
    """An embedded install with a user who belongs to three organizations."""
    env = env_for()
    cli(["onboard", "--email", "ada@example.com", "--password", "password123",
         "--org-name", "Acme", "--org-slug", "acme"], env)
    orgs = {slug: cli(["org", "create", "--name", name, "--slug", slug, "--format", "json"],
                      env).data["id"] for name, slug in [("Zeta Labs", "zeta"),
                                                          ("Beta Works", "beta")]}
    return env, orgs


def creds(env) -> dict:
    return tomllib.loads((Path(env["ALLOY_CONFIG_DIR"]) / "credentials.toml").read_text())


@needs_tmux
def test_org_switch_fuzzy_selector_on_a_terminal(world, tmp_path):
    env, orgs = world
    with Terminal([str(BIN / "alloy"), "org", "switch", "--format", "plain"], env,
                  tmp_path) as term:
        term.wait_for("Organization:")
        term.type("zta")
        term.wait_for("Zeta Labs (zeta)")  # the menu offers the fuzzy match while typing
        term.send("Enter")
        assert term.exit_code() == 0
        assert orgs["zeta"] in term.wait_for(orgs["zeta"])
    assert creds(env)["org_id"] == orgs["zeta"]


@needs_tmux
def test_ctrl_c_abandons_the_prompt(world, tmp_path):
    env, orgs = world
    before = creds(env)["org_id"]
    with Terminal([str(BIN / "alloy"), "org", "switch"], env, tmp_path) as term:
        term.wait_for("Organization:")
        term.send("C-c")
        assert term.exit_code() == 130
    assert creds(env)["org_id"] == before


def test_no_prompt_when_stdin_is_not_a_terminal(world):
    env, _ = world
    r = cli(["org", "switch"], env, input="", check=False)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "error: missing ID (not prompting: stdin/stdout is not a terminal)"]


@needs_tmux
def test_no_prompt_when_stdout_is_piped(world, tmp_path):
    env, _ = world
    argv = ["bash", "-c", f"{BIN / 'alloy'} org switch | cat; exit ${{PIPESTATUS[0]}}"]
    with Terminal(argv, env, tmp_path) as term:
        assert term.exit_code() == 2
        assert "error: missing ID" in term.screen()


SCRIPT = """
import json, sys
from alloy.cli import prompt
out = {}
out["title"] = prompt.require(None, "--title", lambda: prompt.text("Title"))
out["given"] = prompt.require("kept", "--title", lambda: 1 / 0)
out["user"] = prompt.require(None, "--assignee-id", prompt.pick_user)
out["priority"] = prompt.optional(None, prompt.pick_priority)
out["activity"] = prompt.pick_activity_type()
out["status"] = prompt.pick_status(default="Backlog")
out["fields"] = prompt.multiselect("Fields to update", ["title", "status", "assignee"])
out["sure"] = prompt.confirm("Really?")
open(sys.argv[1], "w").write(json.dumps(out))
"""


@needs_tmux
def test_prompt_helpers_on_a_terminal(world, tmp_path):
    env, _ = world
    members = cli(["org", "members", "--format", "json"], env).data["data"]
    script, result = tmp_path / "ask.py", tmp_path / "answers.json"
    script.write_text(SCRIPT)
    with Terminal([sys.executable, str(script), str(result)], {**env, "PYTHONPATH": str(ROOT)},
                  tmp_path) as term:
        term.wait_for("Title:")
        term.type("Fix login timeout")
        term.send("Enter")
        term.wait_for("User:")
        term.type("ada")
        term.send("Enter")
        term.wait_for("Priority:")
        term.type("hgh")
        term.send("Enter")
        term.wait_for("Activity type:")
        term.type("review")
        term.send("Enter")
        term.wait_for("Status (Enter: Backlog):")
        term.send("Enter")
        term.wait_for("Fields to update:")
        term.send("Down")
        term.send("Space")
        term.send("Down")
        term.send("Space")
        term.send("Enter")
        term.wait_for("Really?")
        term.type("y")
        assert term.exit_code() == 0, term.screen()
    answers = json.loads(result.read_text())
    assert answers == {"title": "Fix login timeout", "given": "kept",
                       "user": members[0]["user_id"], "priority": "High",
                       "activity": "CodeReview", "status": "Backlog", "fields": ["status", "assignee"], "sure": True}


def test_require_and_optional_off_a_terminal():
    # pytest's stdin is not a terminal
    assert prompt.require("x", "--title", lambda: 1 / 0) == "x"
    assert prompt.optional(None, lambda: 1 / 0) is None
    with pytest.raises(UsageError) as err:
        prompt.require(None, "--title", lambda: "never")
    assert "missing --title" in err.value.message


def test_fuzzy_rank():
    labels = ["BACK — Backend Services", "WEB — Web Frontend", "MOB — Mobile App"]
    assert prompt.fuzzy_rank("bck", labels)[0] == "BACK — Backend Services"
    assert prompt.fuzzy_rank("web", labels)[0] == "WEB — Web Frontend"
    assert prompt.fuzzy_rank("mobapp", labels) == ["MOB — Mobile App"]
    assert prompt.fuzzy_rank("zzz", labels) == []
    assert prompt.fuzzy_rank("", labels) == labels
    # the tightest match wins over an earlier, looser one
    assert prompt.fuzzy_rank("high", ["Highest-ish", "High"])[0] == "High"
    assert set(prompt.fuzzy_rank("in", ["Backlog", "InProgress", "InReview"])[:2]) == {
        "InProgress", "InReview"}


def test_docstring_documents_the_api():
    doc = prompt.__doc__
    for name in ("require", "optional", "text", "select", "multiselect", "confirm_destructive",
                 "pick_project", "pick_user", "pick_label", "pick_priority", "pick_activity_type"):
        assert name in doc and callable(getattr(prompt, name))


@needs_tmux
def test_time_log_prompts_for_what_is_missing(world, tmp_path):
    """`alloy time log` on a terminal: ticket and duration as text, activity type fuzzy."""
    env, _ = world
    from alloy.actor import Actor
    from alloy.client.local import LocalClient
    from alloy.config import Settings
    from alloy.env import bootstrap

    saved = creds(env)
    client = LocalClient(bootstrap(Settings.from_env(ALLOY_DATABASE_URL=env["ALLOY_DATABASE_URL"])),
                         Actor(user_id=saved["user_id"], email=saved["email"],
                               org_id=saved["org_id"]))
    project = client.call("projects.create", body={"org_id": saved["org_id"], "key": "TL",
                                                   "name": "Time Log"})
    ticket = client.call("tickets.create", project_id=project["id"], body={"title": "Auth"})
    with Terminal([str(BIN / "alloy"), "time", "log", "--format", "json"], env,
                  tmp_path) as term:
        term.wait_for("Ticket")
        term.type(f"TL-{ticket['ticket_number']}")
        term.send("Enter")
        term.wait_for("Duration")
        term.type("90")
        term.send("Enter")
        term.wait_for("Activity type:")
        term.type("cdrv")
        term.send("Enter")
        assert term.exit_code() == 0, term.screen()
    entries = cli(["time", "list", "--ticket", ticket["id"]], env).data["data"]
    assert [(e["duration_minutes"], e["activity_type"]) for e in entries] == [(90, "CodeReview")]
    missing = cli(["time", "log", "--ticket", ticket["id"], "--duration", "30"], env,
                  input="", check=False)
    assert missing.returncode == 2 and "missing --activity-type" in missing.stderr


@needs_tmux
def test_destructive_commands_confirm_only_when_a_person_can_answer(world, tmp_path):
    """One confirmation for every destructive command: a terminal is asked ("n" keeps the
    ticket, exit 1); ALLOY_NO_PROMPT=1 proceeds as a script would; --yes skips the question."""
    env, _ = world
    project = cli(["project", "create", "--key", "DEL", "--name", "Deletions", "--format",
                   "json"], env).data
    for title in ("one", "two"):
        cli(["ticket", "create", "--project", "DEL", "--title", title], env)
    sprint = cli(["sprint", "create", "--project", project["id"], "--name", "Doomed",
                  "--format", "json"], env).data
    alloy = str(BIN / "alloy")
    with Terminal([alloy, "ticket", "delete", "DEL-1"], env, tmp_path) as term:
        term.wait_for("Delete ticket DEL-1?")
        term.type("n")
        term.send("Enter")
        assert term.exit_code() == 1
    assert cli(["ticket", "get", "DEL-1", "--format", "json"], env).data["title"] == "one"
    with Terminal([alloy, "ticket", "batch-delete", "--ticket-ids", "DEL-1,DEL-2"],
                  {**env, "ALLOY_NO_PROMPT": "1"}, tmp_path) as term:
        assert term.exit_code() == 0, term.screen()
    assert cli(["ticket", "get", "DEL-2"], env, check=False).returncode == 5
    with Terminal([alloy, "sprint", "delete", "Doomed", "--yes"], env,
                  tmp_path) as term:
        assert term.exit_code() == 0, term.screen()
    assert cli(["sprint", "get", sprint["id"]], env, check=False).returncode == 5


@needs_tmux
def test_ticket_update_without_flags_asks_which_fields_on_a_terminal(world, tmp_path):
    env, _ = world
    cli(["project", "create", "--key", "UPD", "--name", "Upd"], env)
    cli(["ticket", "create", "--project", "UPD", "--title", "old title"], env)
    with Terminal([str(BIN / "alloy"), "ticket", "update", "UPD-1", "--format", "plain"], env,
                  tmp_path) as term:
        term.wait_for("Fields to change")
        term.send("Space")  # the first: title
        term.send("Enter")
        term.wait_for("Title")
        term.type("new title")
        term.send("Enter")
        assert term.exit_code() == 0
        term.wait_for("UPD-1")
    assert cli(["ticket", "get", "UPD-1"], env).data["title"] == "new title"
    off = cli(["ticket", "update", "UPD-1"], env, check=False)  # not a terminal: no prompt
    assert off.returncode == 2 and "nothing to change" in off.stderr
