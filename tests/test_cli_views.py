"""`alloy view ...`: saved views named by their name, as a user types them."""

from __future__ import annotations

from tests.support import cli


def test_view_commands_by_name(env_for):
    env = env_for()
    cli(["onboard", "--email", "v@example.com", "--password", "password123", "--org-name", "Acme",
         "--org-slug", "acme-views"], env)
    cli(["project", "create", "--key", "BACK", "--name", "Backend"], env)
    cli(["project", "use", "BACK"], env)
    for title in ("Login fails", "Dark mode"):
        cli(["ticket", "create", "--title", title], env)
    made = cli(["view", "create", "my bugs", "is:open login", "--format", "json"], env).data
    assert (made["name"], made["query"], made["shared"]) == ("my bugs", "is:open login", False)
    assert cli(["view", "run", "My Bugs", "--format", "plain"], env).stdout == "BACK-1\n"
    bad = cli(["view", "create", "x", "prio:high"], env, check=False)
    assert bad.returncode != 0 and "prio:" in bad.stderr and "Traceback" not in bad.stderr
    cli(["view", "create", "Triage", "no:assignee", "--shared"], env)  # the onboarder is Owner
    listed = cli(["view", "list", "--format", "json"], env).data
    assert [v["name"] for v in listed["data"]] == ["my bugs", "Triage"]
    assert cli(["view", "list", "--format", "plain"], env).stdout.split("\n")[:2] == [
        "my bugs", "Triage"]
    assert cli(["view", "get", "MY BUGS", "--format", "json"], env).data["id"] == made["id"]
    changed = cli(["view", "update", "my bugs", "--query", "is:open", "--shared",
                   "--format", "json"], env).data
    assert (changed["query"], changed["shared"]) == ("is:open", True)
    clash = cli(["view", "update", "my bugs", "--name", "triage"], env, check=False)
    assert clash.returncode != 0 and "already exists" in clash.stderr
    missing = cli(["view", "get", "nope"], env, check=False)
    assert missing.returncode != 0 and "no view 'nope'" in missing.stderr
    gone = cli(["view", "delete", "my bugs", "--format", "json"], env).data
    assert gone == {"id": made["id"], "deleted": True}
    assert [v["name"] for v in cli(["view", "list", "--format", "json"], env).data["data"]] == [
        "Triage"]
