"""The project, ticket and team CLI groups, embedded and remote, as chapters 02/10/14 show."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import unique_email
from tests.support import ROOT, cli


@pytest.fixture(params=["embedded", "remote"])
def mode(request, server, env_for):
    """A logged-in CLI environment in one mode, with an org selected; returns (kind, env, ids)."""
    email = unique_email("clw")
    if request.param == "remote":
        env = env_for(ALLOY_API_URL=server.url)
        server.http.post("/api/v1/auth/register", json={
            "email": email, "password": "password123", "display_name": "Cli"})
    else:
        env = env_for()
        cli(["onboard", "--email", email, "--password", "password123", "--org-name", "Acme",
             "--org-slug", "acme"], env)
    cli(["auth", "login", "--email", email, "--password", "password123"], env)
    org = cli(["org", "create", "--name", "Guide Org", "--slug", f"g-{email.split('@')[0]}"],
              env).data
    cli(["org", "switch", org["id"]], env)
    me = cli(["auth", "token", "--format", "json"], env).data
    return request.param, env, {"org": org["id"], "user": me.get("user_id")}


def _user_id(env) -> str:
    members = cli(["org", "members", "--format", "json"], env).data["data"]
    return members[0]["user_id"]


def test_projects_and_tickets_guide_shortcuts(mode):
    _, env, ids = mode
    org, user = ids["org"], _user_id(env)
    project = cli(["project", "create", "--org-id", org, "--key", "GUIDE",
                   "--name", "Guide Project"], env).data
    pid = project["id"]
    assert project["key"] == "GUIDE" and project["ticket_counter"] == 0
    listed = cli(["project", "list", "--org-id", org], env).data
    assert [p["key"] for p in listed["data"]] == ["GUIDE"] and listed["has_more"] is False
    assert cli(["project", "get", pid], env).data["name"] == "Guide Project"
    assert cli(["project", "get", "guide"], env).data["id"] == pid
    upd = cli(["project", "update", pid, "--name", "Guide Project (Updated)"], env).data
    assert upd["name"] == "Guide Project (Updated)"
    t1 = cli(["ticket", "create", "--project", pid, "--title", "Set up CI pipeline",
              "--priority", "high"], env).data
    assert (t1["key"], t1["priority"], t1["status"]) == ("GUIDE-1", "High", "Backlog")
    assert cli(["ticket", "get", "GUIDE-1"], env).data["id"] == t1["id"]
    t2 = cli(["ticket", "create", "--project", pid, "--title", "Write API docs",
              "--status", "todo"], env).data
    assert (t2["priority"], t2["status"]) == ("Medium", "Todo")  # CLI default priority
    backlog = cli(["ticket", "list", "--project", pid, "--status", "backlog"], env).data
    assert [t["key"] for t in backlog["data"]] == ["GUIDE-1"]
    urgent = cli(["ticket", "update", "GUIDE-2", "--priority", "urgent",
                  "--assignee-id", user], env).data
    assert (urgent["priority"], urgent["assignee_id"]) == ("Urgent", user)
    cleared = cli(["ticket", "update", "GUIDE-2", "--assignee-id", "none"], env).data
    assert cleared["assignee_id"] is None


def test_project_use_and_smart_refs(mode):
    _, env, ids = mode
    cli(["project", "create", "--org-id", ids["org"], "--key", "BACK", "--name", "Backend"], env)
    used = cli(["project", "use", "BACK"], env).data
    assert used["key"] == "BACK"
    bare = cli(["ticket", "get", "42"], env, check=False)
    assert bare.returncode == 5 and "not found" in bare.stderr
    made = [cli(["ticket", "create", "--title", f"T{i}"], env).data for i in range(1, 4)]
    assert [t["key"] for t in made] == ["BACK-1", "BACK-2", "BACK-3"]
    assert cli(["ticket", "get", "2"], env).data["id"] == made[1]["id"]
    assert cli(["ticket", "get", "back-3"], env).data["id"] == made[2]["id"]
    assert cli(["ticket", "get", made[0]["id"]], env).data["key"] == "BACK-1"
    miss = cli(["ticket", "get", "BACK-9"], env, check=False)
    assert miss.returncode == 5 and "did you mean BACK-3" in miss.stderr
    cli(["ticket", "update", "1", "--status", "in_progress"], env)
    listed = cli(["ticket", "list", "--status", "todo,in_progress"], env).data["data"]
    assert [t["key"] for t in listed] == ["BACK-1"]
    plain = cli(["ticket", "list", "--format", "plain"], env).stdout.split()
    assert plain == [t["key"] for t in made]  # tickets' plain identity is KEY-N
    assert cli(["ticket", "list", "--project-id", used["id"], "--priority", "medium",
                "--limit", "2"], env).data["has_more"] is True
    by_uuid = cli(["project", "use", used["id"]], env).data
    assert by_uuid["key"] == "BACK"


def test_bare_number_needs_a_project(mode):
    _, env, _ = mode
    r = cli(["ticket", "get", "7"], env, check=False)
    assert r.returncode == 2 and "alloy project use" in r.stderr
    r = cli(["ticket", "list"], env, check=False)
    assert r.returncode == 2 and "--project" in r.stderr
    r = cli(["ticket", "create", "--project", "NOPE"], env, check=False)
    assert r.returncode == 2 and "--title" in r.stderr


def test_batch_delete_and_activity(mode):
    _, env, ids = mode
    cli(["project", "create", "--org-id", ids["org"], "--key", "OPS", "--name", "Ops"], env)
    cli(["project", "use", "OPS"], env)
    a = cli(["ticket", "create", "--title", "A"], env).data
    b = cli(["ticket", "create", "--title", "B"], env).data
    out = cli(["ticket", "batch-update", "--ticket-ids", f"{a['id']},OPS-2",
               "--status", "Done"], env).data
    assert out == {"updated": 2}
    assert cli(["ticket", "get", "OPS-2"], env).data["status"] == "Done"
    hist = cli(["ticket", "activity", "OPS-1"], env).data["data"]
    assert [h["type"] for h in hist] == ["ticket.created", "ticket.transition"]
    assert cli(["ticket", "batch-update", "--ticket-ids", a["id"]], env,
               check=False).returncode == 2
    preview = cli(["ticket", "batch-delete", "--ticket-ids", f"{a['id']},{b['id']}",
                   "--dry-run"], env).data
    assert preview == {"deleted": [a["id"], b["id"]], "blocked": []}
    assert cli(["ticket", "delete", "OPS-1", "--cascade", "--dry-run"], env).data == {
        "ticket_id": a["id"], "dependents": {"time_entries": 0, "comments": 0}}
    assert cli(["ticket", "delete", "OPS-1"], env).data == {"id": a["id"], "key": "OPS-1",
                                                          "deleted": True}
    assert cli(["ticket", "batch-delete", "--ticket-ids", b["id"]], env).data["deleted"] == [
        b["id"]]


def test_project_update_delete_and_members(mode):
    _, env, ids = mode
    user = _user_id(env)
    p = cli(["project", "create", "--org-id", ids["org"], "--key", "FIN", "--name", "Fin"],
            env).data
    upd = cli(["project", "update", p["id"], "--cap-type", "capex", "--phase",
               "app-development", "--amortization-months", "36", "--cost-center-id",
               "ENG-1"], env).data
    assert (upd["capitalization_type"], upd["development_phase"],
            upd["amortization_months"]) == ("Capex", "AppDevelopment", 36)
    upd = cli(["project", "update", "FIN", "--cost-center-id", "none", "--phase", "none"],
              env).data
    assert upd["cost_center_id"] is None and upd["development_phase"] is None
    assert upd["capitalization_type"] == "Capex"
    bad = cli(["project", "update", "FIN", "--cap-type", "sometimes"], env, check=False)
    assert bad.returncode == 7 and "capitalization_type" in bad.stderr
    added = cli(["project", "member", "add", "--project-id", p["id"], "--user-id", user],
                env).data
    assert added["user_id"] == user
    listed = cli(["project", "members", "list", "--project", p["id"]], env).data["data"]
    assert [m["user_id"] for m in listed] == [user]
    cli(["project", "member", "remove", "--project-id", p["id"], "--user-id", user], env)
    assert cli(["project", "member", "list", "--project-id", p["id"]], env).data["data"] == []
    cli(["ticket", "create", "--project", "FIN", "--title", "x"], env)
    blocked = cli(["project", "delete", p["id"]], env, check=False)
    assert blocked.returncode == 6 and "tickets: 1" in blocked.stderr
    preview = cli(["project", "delete", p["id"], "--cascade", "--dry-run"], env).data
    assert preview == {"project_id": p["id"], "dependents": {
        "tickets": 1, "sprints": 0, "comments": 0, "time_entries": 0}}
    assert cli(["project", "delete", p["id"], "--cascade"], env).data["deleted"] is True
    assert cli(["project", "get", p["id"]], env, check=False).returncode == 5


def test_teams(mode):
    _, env, ids = mode
    user = _user_id(env)
    backend = cli(["team", "create", "--name", "Backend"], env).data
    platform = cli(["team", "create", "--name", "Platform", "--description",
                    "Infrastructure and DevOps"], env).data
    assert backend["org_id"] == ids["org"] and platform["description"].startswith("Infra")
    names = [t["name"] for t in cli(["team", "list", "--format", "json"], env).data["data"]]
    assert names == ["Backend", "Platform"]
    cli(["team", "member", "add", "--team-id", backend["id"], "--user-id", user], env)
    assert [m["user_id"] for m in cli(["team", "member", "list", "--team-id", backend["id"]],
                                      env).data["data"]] == [user]
    cli(["project", "create", "--key", "TEAM", "--name", "Owned", "--team-id", backend["id"]],
        env)
    blocked = cli(["team", "delete", backend["id"]], env, check=False)
    assert blocked.returncode == 6 and "members: 1" in blocked.stderr
    preview = cli(["team", "delete", backend["id"], "--cascade", "--dry-run"], env).data
    assert preview["dependents"] == {"members": 1, "projects": 1}
    cli(["team", "delete", backend["id"], "--cascade"], env)
    assert cli(["project", "get", "TEAM"], env).data["team_id"] is None
    assert cli(["team", "update", platform["id"], "--name", "Infra"], env).data["name"] == "Infra"
    cli(["team", "delete", platform["id"]], env)
    assert cli(["team", "list"], env).data["data"] == []


def test_update_adds_and_removes_labels(mode):
    _, env, ids = mode
    cli(["project", "create", "--key", "LBL", "--name", "Labels"], env)
    cli(["project", "use", "LBL"], env)
    cli(["ticket", "create", "--title", "x"], env)
    bug, ui = (cli(["label", "create", "--org", ids["org"], "--name", name, "--color",
                    "#FF0000"], env).data for name in ("bug", "ui"))

    def labels() -> list[str]:
        return sorted(lb["name"] for lb in cli(["label", "list", "--ticket", "LBL-1",
                                                "--format", "json"], env).data["data"])

    cli(["ticket", "update", "1", "--add-label", bug["id"], "--add-label", ui["id"]], env)
    assert labels() == ["bug", "ui"]
    cli(["ticket", "update", "1", "--remove-label", bug["id"]], env)
    assert labels() == ["ui"]


def test_embedded_ticket_list_imports_no_server_stack(env_for):
    env = env_for()
    code = ("import sys, json\nsys.argv = ['alloy', 'ticket', 'list']\nfrom alloy.cli.main import run\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=env)
    modules = set(json.loads(out.stdout.strip().splitlines()[-1]))
    loaded = {m.split(".")[0] for m in modules}
    assert not loaded & {"litestar", "textual", "httpx", "psycopg", "mcp", "uvicorn"}
    # nor the workflow machinery a list never uses (its regexes cost every command)
    assert not modules & {"alloy.domain.flow", "alloy.services.workflows"}
    # nor what only servers and secrets need: crypto helpers, sockets
    assert not modules & {"alloy.security", "alloy.outbound", "socket"}
