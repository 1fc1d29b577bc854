"""Completions: the checked-in scripts equal a fresh generation, and each shell's protocol
answers with the real command tree (bash for real, in a terminal)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from alloy.cli import completions

from tests.support import BIN, ROOT, cli
from tests.terminal import TMUX, Terminal


def test_checked_in_scripts_are_current():
    """completions/* and docs/cli-reference.md. If this fails, run
    `.venv/bin/python -m alloy.cli.completions --write` and commit the result."""
    fresh = subprocess.run([sys.executable, "-m", "alloy.cli.completions"], cwd=ROOT,
                           capture_output=True, text=True)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert completions.stale(ROOT) == []


@pytest.mark.parametrize("shell", completions.SHELLS)
def test_alloy_completions_prints_the_checked_in_script(shell, env_for):
    out = cli(["completions", shell], env_for()).stdout
    assert out == (ROOT / "completions" / completions.FILES[shell]).read_text()
    assert "alloy" in out


def test_unknown_shell_is_a_usage_error(env_for):
    r = cli(["completions", "tcsh"], env_for(), check=False)
    assert r.returncode == 2 and r.stderr.startswith("error: unsupported shell 'tcsh'")


def _complete(env, **extra):
    return subprocess.run([str(BIN / "alloy")], env={**env, **extra}, capture_output=True,
                          text=True, timeout=30).stdout


def test_dynamic_protocols_answer_from_the_command_tree(env_for):
    env = env_for()
    bash = _complete(env, _ALLOY_COMPLETE="complete_bash", COMP_WORDS="alloy org sw",
                     COMP_CWORD="2")
    assert bash.split() == ["switch"]
    zsh = _complete(env, _ALLOY_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS="alloy au")
    assert "auth" in zsh
    fish = _complete(env, _ALLOY_COMPLETE="complete_fish", _TYPER_COMPLETE_FISH_ACTION="get-args",
                     _TYPER_COMPLETE_ARGS="alloy org ")
    assert {line.split("\t")[0] for line in fish.splitlines()} >= {"create", "list", "switch"}
    pwsh = _complete(env, _ALLOY_COMPLETE="complete_powershell", _TYPER_COMPLETE_ARGS="alloy inv",
                     _TYPER_COMPLETE_WORD_TO_COMPLETE="inv")
    assert pwsh.split(":::")[0] == "invite"


def test_elvish_tree_covers_every_command():
    from alloy.cli.main import command
    from alloy.cli.usage import walk

    script = completions.elvish()
    for path, _ in walk(command()):
        assert f"&'{' '.join(path)}'=" in script
    assert script.startswith("# alloy completions for elvish")


@pytest.mark.skipif(not TMUX, reason="tmux is not installed")
def test_bash_tab_completes_in_a_real_shell(env_for, tmp_path):
    env = env_for(PATH=f"{BIN}:/usr/bin:/bin")
    rc = tmp_path / "rc.bash"
    rc.write_text(f"PS1='ready$ '\nsource {ROOT / 'completions' / 'alloy.bash'}\n")
    with Terminal(["bash", "--noprofile", "--rcfile", str(rc), "-i"], env, tmp_path) as term:
        term.wait_for("ready$")
        term.type("alloy org swi")
        term.send("Tab")
        term.wait_for("alloy org switch")


@pytest.mark.skipif(not (TMUX and shutil.which("elvish")), reason="needs tmux and elvish")
def test_elvish_completer_in_a_real_shell(env_for, tmp_path):
    (tmp_path / "alloy-completions.elv").write_text(completions.script("elvish"))
    env = env_for(PATH=f"{BIN}:/usr/bin:/bin")
    argv = ["bash", "-c", f"cd {tmp_path} && exec elvish -norc"]
    with Terminal(argv, env, tmp_path) as term:
        term.type("use ./alloy-completions")
        term.send("Enter")
        term.type("echo (str:join , [($edit:completion:arg-completer[alloy] alloy org '')])")
        term.send("Enter")
        term.wait_for("create,list,switch,members")
        term.type("echo (str:join , [($edit:completion:arg-completer[alloy] alloy org create --)])")
        term.send("Enter")
        term.wait_for("--name,--slug,--help")
        term.type("alloy auth api-key cr")
        term.send("Tab")
        term.wait_for("alloy auth api-key create")


def _bash(env, line: str) -> list[str]:
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    return _complete(env, _ALLOY_COMPLETE="complete_bash", COMP_WORDS=line,
                     COMP_CWORD=str(cword)).split()


def test_enum_values_complete(env_for):
    env = env_for()
    assert _bash(env, "alloy ticket create --priority ") == ["None", "Low", "Medium", "High",
                                                             "Urgent"]
    assert _bash(env, "alloy ticket update 1 --priority hi") == ["high"]  # the case typed
    assert "InProgress" in _bash(env, "alloy ticket list --status ")
    assert _bash(env, "alloy ticket transition 1 --to-status Do") == ["Done"]
    assert _bash(env, "alloy ticket list --format ") == ["json", "table", "plain"]
    assert _bash(env, "alloy --format t") == ["table"]
    assert _bash(env, "alloy time log --activity-type Code") == ["CodeReview"]
    assert _bash(env, "alloy time list --status ") == ["Draft", "Submitted", "Approved",
                                                       "Rejected"]
    assert _bash(env, "alloy sprint list --status ") == ["Planned", "Active", "Completed"]
    assert _bash(env, "alloy invite create --role ") == ["Owner", "Admin", "Member",
                                                         "Reporter", "Viewer"]
    assert _bash(env, "alloy workflow create --enforcement ") == ["none", "warn", "strict"]
    assert _bash(env, "alloy completions ") == list(completions.SHELLS)


def test_project_keys_and_the_projects_statuses_complete_from_the_database(env_for):
    env = env_for()
    assert _bash(env, "alloy ticket list --project ") == []  # nobody logged in: no error
    cli(["onboard", "--email", "tab@example.com", "--password", "password123",
         "--org-name", "Tab", "--org-slug", "tab"], env)
    for key in ("BACK", "WEEK"):
        cli(["project", "create", "--key", key, "--name", key.title()], env)
    assert _bash(env, "alloy ticket list --project ") == ["BACK", "WEEK"]
    assert _bash(env, "alloy sprint create --project w") == ["wEEK"]  # the case typed
    flow = cli(["workflow", "create", "--name", "Ops", "--statuses",
                '[{"name": "Open", "category": "todo"}, {"name": "Shipped", '
                '"category": "done"}]', "--format", "json"], env).data
    cli(["project", "update", "WEEK", "--workflow-id", flow["id"]], env)
    assert _bash({**env, "ALLOY_PROJECT_ID": "WEEK"}, "alloy ticket list --status ") == [
        "Open", "Shipped"]
    assert "InProgress" in _bash({**env, "ALLOY_PROJECT_ID": "BACK"},
                                 "alloy ticket list --status ")
