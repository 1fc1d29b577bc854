"""`alloy time ...` and `alloy report ...`, embedded and remote, as the CLI Reference shows."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from alloy.actor import Actor
from tests.conftest import unique_email
from tests.support import BIN, auth, cli
from tests.test_capitalization import HEADER


@pytest.fixture(params=["embedded", "remote"])
def setup(request, server, env_for, monkeypatch):
    """A logged-in Owner with an org (current), project TT and ticket TT-1, and labor rates."""
    email = unique_email("clitime")
    if request.param == "remote":
        env = env_for(ALLOY_API_URL=server.url)
        user = server.http.post("/api/v1/auth/register", json={
            "email": email, "password": "password123", "display_name": "Cli"}).json()
        h = auth(user["access_token"])
        org = server.http.post("/api/v1/orgs", headers=h, json={
            "name": "CliTime", "slug": f"clitime-{user['user_id'][-12:]}"}).json()
        cli(["auth", "login", "--email", email, "--password", "password123"], env)
        cli(["org", "switch", org["id"]], env)
        from alloy.client.remote import RemoteClient

        client = RemoteClient(server.url, user["access_token"], org_id=org["id"])
    else:
        env = env_for()
        cli(["onboard", "--email", email, "--password", "password123", "--org-name", "Acme",
             "--org-slug", "acme"], env)
        cli(["auth", "login", "--email", email, "--password", "password123"], env)
        import tomllib

        me = tomllib.loads((Path(env["ALLOY_CONFIG_DIR"]) / "credentials.toml").read_text())
        monkeypatch.setenv("ALLOY_DATA_DIR", env["ALLOY_DATA_DIR"])
        from alloy.client.local import LocalClient
        from alloy.config import Settings
        from alloy.env import bootstrap

        url = env["ALLOY_DATABASE_URL"]
        client = LocalClient(bootstrap(Settings.from_env(ALLOY_DATABASE_URL=url)),
                             Actor(user_id=me["user_id"], org_id=me["org_id"]))
    me = client.call("auth.me")
    project = client.call("projects.create", body={"org_id": me["org_id"], "key": "TT",
                                                   "name": "Time Tool"})
    ticket = client.call("tickets.create", project_id=project["id"], body={"title": "Auth"})
    client.call("laborrates.create", body={"user_id": me["user_id"], "org_id": me["org_id"],
                                           "loaded_rate_cents": 15000,
                                           "effective_date": "2026-01-01"})
    name = "Cli" if request.param == "remote" else email.split("@")[0]  # onboard's default
    return {"kind": request.param, "env": env, "me": me, "ticket": ticket, "name": name,
            "project": project}


def test_log_submit_approve_report(setup):
    env, ticket = setup["env"], setup["ticket"]
    e = cli(["time", "log", "--ticket", "TT-1", "--duration", "90", "--activity-type",
             "Coding", "--description", "Implemented auth middleware", "--date",
             "2026-03-24"], env).data
    assert (e["duration_minutes"], e["activity_type"], e["status"], e["ticket_id"],
            e["user_id"]) == (90, "Coding", "Draft", ticket["id"], setup["me"]["user_id"])
    listed = cli(["time", "list", "--ticket", "TT-1", "--format", "json"], env).data
    assert [x["id"] for x in listed["data"]] == [e["id"]] and listed["has_more"] is False
    plain = cli(["time", "list", "--ticket", "TT-1", "--format", "plain"], env).stdout.split()
    assert plain == [e["id"]]
    assert cli(["time", "get", e["id"]], env).data == e
    assert cli(["time", "submit", e["id"]], env).data["status"] == "Submitted"
    queue = cli(["time", "submitted", "--format", "json"], env).data["data"]
    assert [x["id"] for x in queue] == [e["id"]]
    approved = cli(["time", "approve", e["id"]], env).data
    assert approved["status"] == "Approved" and approved["approved_by"]
    out = cli(["time", "report", "--period", "2026-03"], env).stdout.splitlines()
    row = f"2026-03,Time Tool,TT,{setup['name']},,,1.5,Coding,,Opex,15000,22500,,,,22500,"
    assert out == [HEADER, row]
    as_json = cli(["time", "report", "--period", "2026-03", "--output", "json"], env).data
    assert as_json["projects"][0]["total_amount_cents"] == 22500
    rep = cli(["report", "capitalization", "--period", "2026-03", "--include-budget",
               "--format", "json"], env).data
    assert rep["projects"][0]["spent_cents"] == 22500
    assert rep["projects"][0]["breakdown"][0]["hours"] == 1.5
    by_team = cli(["report", "capitalization", "--period", "2026-03", "--group-by", "team",
                   "--include-users"], env).data
    assert by_team["teams"][0]["projects"][0]["users"][0]["display_name"] == setup["name"]
    filtered = cli(["report", "capitalization", "--period", "2026-03", "--activity-type",
                    "development", "--tag", "a:b", "--tag", "c:d"], env).data
    assert filtered == {"period": "2026-03", "projects": []}
    table = cli(["report", "capitalization", "--period", "2026-03", "--format", "table"], env)
    assert "TT" in table.stdout and "22500" in table.stdout
    assert cli(["report", "export", "--period", "2026-03"], env).stdout.splitlines() == \
        [HEADER, row]
    nowhere = cli(["report", "export", "--period", "2026-03", "--output", "/nonexistent/x.csv"],
                  env, check=False)
    assert nowhere.returncode == 1 and "cannot write" in nowhere.stderr
    target = Path(env["ALLOY_CONFIG_DIR"]).parent / "march-2026.csv"
    cli(["report", "export", "--period", "2026-03", "--output", str(target)], env)
    assert target.read_text().splitlines() == [HEADER, row]
    user_filtered = cli(["report", "export", "--period", "2026-03", "--user-id",
                         setup["me"]["user_id"], "--cost-center-id", "none"], env).stdout
    assert user_filtered == HEADER + "\n"


def test_week_of_logging_pipeline(setup):
    """The CLI Reference's 'Time tracking for a week' recipe, piped through jq and xargs."""
    env = setup["env"]
    for args in (["--duration", "120", "--activity-type", "Coding", "--date", "2026-03-24"],
                 ["--duration", "90", "--activity-type", "Testing", "--date", "2026-03-25"],
                 ["--duration", "45", "--activity-type", "Meeting", "--date", "2026-03-26"]):
        cli(["time", "log", "--ticket", "TT-1", *args], env)
    script = ("alloy time list --ticket TT-1 --format json | jq -r '.data[].id' | "
              "xargs -I{} alloy time submit {}")
    subprocess.run(["bash", "-o", "pipefail", "-c", script], env={
        **env, "PATH": f"{BIN}:/usr/bin:/bin"}, check=True, capture_output=True)
    statuses = [x["status"] for x in cli(["time", "list", "--ticket", "TT-1"], env).data["data"]]
    assert statuses == ["Submitted"] * 3
    types = [x["activity_type"] for x in cli(["time", "submitted"], env).data["data"]]
    assert types == ["Coding", "Testing", "Meetings"]


def test_shortcuts_reject_update_delete(setup):
    env, ticket = setup["env"], setup["ticket"]
    # Time Tracking guide: `--duration 2h --type Coding`; walkthrough: `--ticket-id`
    e = cli(["time", "log", "--ticket-id", ticket["id"], "--duration", "2h", "--type",
             "Coding", "--description", "Initial setup work"], env).data
    assert e["duration_minutes"] == 120
    e2 = cli(["time", "log", "--ticket", ticket["id"], "--duration", "1h30m",
              "--activity-type", "bugfix"], env).data
    assert (e2["duration_minutes"], e2["activity_type"]) == (90, "BugFixing")
    listed = cli(["time", "list", "--ticket-id", ticket["id"]], env).data["data"]
    assert len(listed) == 2
    cli(["time", "submit", e["id"]], env)
    rejected = cli(["time", "reject", e["id"], "--reason", "Use TT-2"], env).data
    assert rejected["status"] == "Rejected" and rejected["rejection_reason"] == "Use TT-2"
    fixed = cli(["time", "update", e["id"], "--duration", "100"], env).data
    assert fixed["duration_minutes"] == 100 and fixed["status"] == "Rejected"
    assert cli(["time", "submit", e["id"]], env).data["status"] == "Submitted"
    cli(["time", "delete", e2["id"], "--yes"], env)
    gone = cli(["time", "get", e2["id"]], env, check=False)
    assert gone.returncode == 5 and "not found" in gone.stderr
    mine = cli(["time", "list", "--user-id", setup["me"]["user_id"], "--status", "Submitted"],
               env).data["data"]
    assert [x["id"] for x in mine] == [e["id"]]


def test_bare_number_with_project_in_use(setup):
    env = setup["env"]
    creds = Path(env["ALLOY_CONFIG_DIR"]) / "credentials.toml"
    creds.write_text(creds.read_text() + 'project_key = "TT"\n')  # what `project use TT` saves
    e = cli(["time", "log", "--ticket", "1", "--duration", "60", "--activity-type",
             "CodeReview", "--date", "2026-03-24"], env).data
    assert e["ticket_id"] == setup["ticket"]["id"]
    assert cli(["time", "list", "--ticket", "1"], env).data["data"][0]["id"] == e["id"]


def test_errors_and_usage(setup):
    env = setup["env"]
    missing = cli(["time", "log", "--ticket", "TT-1", "--activity-type", "Coding"], env,
                  check=False)
    assert missing.returncode == 2 and "--duration" in missing.stderr
    bad = cli(["time", "log", "--ticket", "TT-1", "--duration", "5000", "--activity-type",
               "Coding"], env, check=False)
    assert bad.returncode == 7 and "duration_minutes" in bad.stderr
    bad = cli(["time", "log", "--ticket", "TT-1", "--duration", "soon", "--activity-type",
               "Coding"], env, check=False)
    assert bad.returncode == 2
    nope = cli(["time", "log", "--ticket", "TT-99", "--duration", "5", "--activity-type",
                "Coding"], env, check=False)
    assert nope.returncode == 5
    bad = cli(["report", "capitalization", "--period", "March"], env, check=False)
    assert bad.returncode == 7 and "period" in bad.stderr
    assert cli(["time", "report", "--period", "2026-03", "--output", "xml"], env,
               check=False).returncode == 2
