"""The quick verbs cost no more start-up than a normal command (issue 17): `alloy BACK-1` loads
what `alloy ticket get BACK-1` loads, and start/stop/done load no heavy library."""

from __future__ import annotations

from tests.support import base_env, cli
from tests.test_cli_startup import HEAVY, loaded


def test_quick_verbs_stay_light(tmp_path):
    env = base_env(tmp_path)
    cli(["onboard", "--email", "s@example.com", "--password", "password123",
         "--org-name", "S", "--org-slug", "s"], env)
    cli(["project", "create", "--key", "DAY", "--name", "Day"], env)
    cli(["ticket", "create", "--project", "DAY", "--title", "One"], env)
    shown = loaded(["DAY-1", "--format", "json"], env)
    assert shown == loaded(["ticket", "get", "DAY-1", "--format", "json"], env)
    for argv in (["start", "DAY-1"], ["stop", "--activity", "Coding"], ["done", "DAY-1"],
                 ["workflow", "check", "DAY-1", "--to", "Todo"]):
        assert loaded([*argv, "--format", "json"], env) & HEAVY == set(), argv
