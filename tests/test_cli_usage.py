"""`alloy usage`: generated from the command tree, every answer under 1,500 tokens
(estimated as characters / 4), and every command documented with an example."""

from __future__ import annotations

import pytest
from alloy.cli.main import command
from alloy.cli.usage import BUDGET, example, walk

from tests.support import cli

TOKENS = 1500


def tokens(text: str) -> int:
    return len(text) // 4 + 1


def groups() -> list[str]:
    return [name for name, cmd in command().commands.items() if not cmd.hidden]


def test_overview_lists_every_group_within_budget(env_for):
    out = cli(["usage"], env_for()).stdout
    assert tokens(out) < TOKENS and BUDGET <= TOKENS * 4
    for name in groups():
        assert f"\n  {name}" in out
    assert "--format json|table|plain" in out and '"data"' in out


@pytest.mark.parametrize("group", groups())
def test_each_group_within_budget(group, env_for):
    out = cli(["usage", group], env_for()).stdout
    assert tokens(out) < TOKENS
    assert out.startswith(f"alloy {group}")


def test_detail_has_flags_and_examples(env_for):
    out = cli(["usage", "auth", "api-key", "create"], env_for()).stdout
    assert "alloy auth api-key create --name NAME [--scopes SCOPES]" in out
    assert 'e.g. alloy auth api-key create --name "Admin Script"' in out
    bad = cli(["usage", "nosuch"], env_for(), check=False)
    assert bad.returncode == 2 and "unknown command 'nosuch'" in bad.stderr


def test_every_command_has_help_and_an_example():
    """House style 7: every command has help text with an `Example:` line."""
    missing = [" ".join(path) for path, cmd in walk(command())
               if path and not hasattr(cmd, "commands") and not (cmd.help and example(cmd))]
    assert missing == []


def test_examples_survive_help_wrapping(env_for):
    out = cli(["org", "create", "--help"], env_for(COLUMNS="60")).stdout
    assert ("Example: ORG_ID=$(alloy org create --name \"Acme Corp\" --slug acme-corp "
            "--format json | jq -r '.id')") in out


def test_root_help_lists_every_command(env_for):
    """`alloy --help` builds a shallow tree (for speed); it must still show everything."""
    out = cli(["--help"], env_for()).stdout
    listed = [line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == groups()
