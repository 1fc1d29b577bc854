"""The comment, label and tag groups of the CLI, embedded and remote, as the CLI Reference,
the Labels & Tags guide and the walkthrough write them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import unique_email
from tests.support import cli


def op(env: dict, name: str, **kw):
    """Call an operation as the CLI's logged-in user would, in this process (for setup the
    CLI of this branch has no command for, such as creating projects and tickets)."""
    import tomllib
    from pathlib import Path

    creds = tomllib.loads((Path(env["ALLOY_CONFIG_DIR"]) / "credentials.toml").read_text())
    if env.get("ALLOY_API_URL"):
        from alloy.client.remote import RemoteClient

        client = RemoteClient(env["ALLOY_API_URL"], creds["access_token"],
                              org_id=creds.get("org_id"))
    else:
        from alloy.actor import Actor
        from alloy.client.local import LocalClient
        from alloy.config import Settings
        from alloy.env import bootstrap

        url = env["ALLOY_DATABASE_URL"]
        client = LocalClient(bootstrap(Settings.from_env(ALLOY_DATABASE_URL=url)),
                             Actor(user_id=creds["user_id"], org_id=creds.get("org_id")))
    return client.call(name, **kw)


@pytest.fixture(params=["embedded", "remote"])
def mode(request, server, env_for):
    """A logged-in user with a current org, a project LBL and two tickets, in one mode."""
    email = unique_email("clilbl")
    if request.param == "remote":
        env = env_for(ALLOY_API_URL=server.url)
        server.http.post("/api/v1/auth/register", json={
            "email": email, "password": "password123", "display_name": "Cli"})
        cli(["auth", "login", "--email", email, "--password", "password123"], env)
        org = cli(["org", "create", "--name", "Labels", "--slug", "lbl-" + email.split("@")[0],
                   "--format", "json"], env).data
        cli(["org", "switch", org["id"]], env)
    else:
        env = env_for()
        cli(["onboard", "--email", email, "--password", "password123", "--org-name", "Acme",
             "--org-slug", "acme"], env)
        cli(["auth", "login", "--email", email, "--password", "password123"], env)
    me = op(env, "auth.me")
    project = op(env, "projects.create", body={"org_id": me["org_id"], "key": "LBL",
                                               "name": "Labels"})
    tickets = [op(env, "tickets.create", project_id=project["id"], body={"title": t})
               for t in ("One", "Two")]
    return env, me, project, tickets


def test_labels(mode):
    env, me, project, (t1, t2) = mode
    org = me["org_id"]
    bug = cli(["label", "create", "--org", org, "--name", "bug", "--color", "#FF0000"], env).data
    assert bug["name"] == "bug" and bug["color"] == "#FF0000" and bug["org_id"] == org
    feature = cli(["label", "create", "--org-id", org, "--name", "feature", "--color",
                   "#00FF00", "--format", "plain"], env).stdout.strip()
    listed = cli(["label", "list", "--org", org, "--format", "json"], env).data
    assert [x["name"] for x in listed["data"]] == ["bug", "feature"]
    assert listed["has_more"] is False and listed["next_cursor"] is None
    assert cli(["label", "list", "--format", "json", "--limit", "1"], env).data["has_more"]
    table = cli(["label", "list", "--org-id", org, "--format", "table"], env).stdout
    assert "bug" in table and "#00FF00" in table
    assert cli(["label", "get", bug["id"]], env).data["name"] == "bug"
    assert cli(["label", "update", bug["id"], "--color", "#0000FF"], env).data["color"] == "#0000FF"
    assert cli(["label", "update", bug["id"], "--name", "critical-bug"], env).data["name"] == \
        "critical-bug"

    on = cli(["label", "set", "--ticket-id", t1["id"], "--label-ids", bug["id"]], env).data
    assert [x["name"] for x in on["data"]] == ["critical-bug"]
    on = cli(["label", "add", "--ticket", "LBL-1", "--label", "feature"], env).data
    assert [x["name"] for x in on["data"]] == ["critical-bug", "feature"]
    on = cli(["label", "remove", "--ticket", "lbl-1", "--label", feature], env).data
    assert [x["name"] for x in on["data"]] == ["critical-bug"]
    assert cli(["label", "list", "--ticket", t1["id"], "--format", "plain"], env).stdout.split() \
        == [bug["id"]]
    assigned = cli(["label", "batch-assign", feature, "--ticket-ids", "LBL-1,LBL-2"], env).data
    assert assigned == {"assigned": 2}

    busy = cli(["label", "delete", feature], env, check=False)
    assert busy.returncode == 6 and "tickets: 2" in busy.stderr
    preview = cli(["label", "delete", feature, "--cascade", "--dry-run"], env).data
    assert preview == {"label_id": feature, "dependents": {"tickets": 2}}
    assert cli(["label", "delete", feature, "--cascade", "--yes"], env).data["deleted"] is True
    assert cli(["label", "get", feature], env, check=False).returncode == 5

    bad = cli(["label", "create", "--name", "x", "--color", "red"], env, check=False)
    assert bad.returncode == 7 and bad.stderr.startswith("error: ") and "color" in bad.stderr
    dup = cli(["label", "create", "--name", "Critical-Bug", "--color", "#000"], env, check=False)
    assert dup.returncode == 6
    assert cli(["label", "create", "--name", "x"], env, check=False).returncode == 2


def test_comments(mode):
    env, me, project, (t1, _) = mode
    first = cli(["comment", "add", "--ticket", "LBL-1", "--body", "Deployed to staging",
                 "--author-id", me["user_id"]], env).data
    assert first["author_id"] == me["user_id"] and first["ticket_id"] == t1["id"]
    # Bare numbers use the default project (what `alloy project use` saves).
    code = ("import sys; from alloy.cli.session import save_credentials; "
            "save_credentials({'project_id': sys.argv[1], 'project_key': 'LBL'})")
    subprocess.run([sys.executable, "-c", code, project["id"]], env=env, check=True)
    reply = cli(["comment", "add", "--ticket", "1", "--body", "Confirmed fixed",
                 "--author-id", me["user_id"], "--parent-id", first["id"]], env).data
    assert reply["parent_comment_id"] == first["id"]
    made = cli(["comment", "create", "--ticket-id", t1["id"], "--body",
                "Looks good, let's ship it", "--format", "plain"], env).stdout.strip()
    listed = cli(["comment", "list", "--ticket-id", t1["id"]], env).data
    assert [c["body"] for c in listed["data"]] == [
        "Deployed to staging", "Confirmed fixed", "Looks good, let's ship it"]
    assert cli(["comment", "list", "--ticket", "LBL-1", "--format", "json", "--limit", "2"],
               env).data["has_more"] is True
    assert cli(["comment", "get", made, "--format", "json"], env).data["id"] == made
    updated = cli(["comment", "update", made, "--body", "Fixed in v2.1"], env).data
    assert updated["body"] == "Fixed in v2.1"
    assert cli(["comment", "get", made, "--format", "plain"], env).stdout.strip() == \
        "Fixed in v2.1"
    assert cli(["comment", "delete", first["id"]], env).data == {"id": first["id"],
                                                                 "deleted": True}
    left = cli(["comment", "list", "--ticket", "1"], env).data["data"]
    assert [c["id"] for c in left] == [made]  # the reply went with its parent
    missing = cli(["comment", "list", "--ticket", "LBL-99"], env, check=False)
    assert missing.returncode == 5
    assert cli(["comment", "add", "--ticket", "LBL-1", "--body", " "], env,
               check=False).returncode == 7
    assert cli(["comment", "list", "--ticket", "nonsense"], env, check=False).returncode == 2  # not a reference: usage


def test_tags(mode):
    env, me, project, (t1, _) = mode
    org = me["org_id"]
    tags = cli(["tag", "set", "--org", org, "--entity-type", "project", "--entity-id",
                project["id"], "--tag", "env=production", "--tag", "team=backend"], env).data
    assert [(t["key"], t["value"]) for t in tags["data"]] == [("env", "production"),
                                                              ("team", "backend")]
    cli(["tag", "set", "--org", org, "--entity-type", "ticket", "--entity-id", t1["id"],
         "--tag", "sprint=12", "--tag", "team=backend"], env)
    got = cli(["tag", "get", "--org", org, "--entity-type", "ticket", "--entity-id", t1["id"],
               "--format", "json"], env).data
    assert {t["key"]: t["value"] for t in got["data"]} == {"sprint": "12", "team": "backend"}
    plain = cli(["tag", "get", "--org", org, "--entity-type", "project", "--entity-id",
                 project["id"], "--format", "plain"], env).stdout.split()
    assert plain == ["env", "team"]
    found = cli(["tag", "search", "--org", org, "--key", "team", "--value", "backend",
                 "--limit", "10", "--format", "json"], env).data
    assert {t["entity_id"] for t in found["data"]} == {project["id"], t1["id"]}
    only = cli(["tag", "search", "--key", "team", "--value", "backend", "--tag",
                "env:production", "--format", "plain"], env).stdout.split()
    assert only == [project["id"]]
    cli(["tag", "delete", "--org", org, "--entity-type", "project", "--entity-id",
         project["id"], "--key", "env"], env)
    found = cli(["tag", "search", "--org", org, "--key", "env", "--value", "production"],
                env).data
    assert found["data"] == []
    again = cli(["tag", "delete", "--entity-type", "project", "--entity-id", project["id"],
                 "--key", "env"], env, check=False)
    assert again.returncode == 5
    bad = cli(["tag", "set", "--entity-type", "project", "--entity-id", project["id"],
               "--tag", "novalue"], env, check=False)
    assert bad.returncode == 7 and "KEY=VALUE" in bad.stderr
    kind = cli(["tag", "get", "--entity-type", "gizmo", "--entity-id", project["id"]], env,
               check=False)
    assert kind.returncode == 7 and "entity type" in kind.stderr


def test_ticket_label_subcommands(mode, monkeypatch):
    """`alloy ticket label add TICKET LABEL` (chapter 15), mounted under `ticket` by cli/tickets."""
    import typer
    from alloy.cli.labels import ticket_app
    from typer.testing import CliRunner

    env, me, project, (t1, _) = mode
    label = op(env, "labels.create", org_id=me["org_id"], body={"name": "bug",
                                                                 "color": "#f00"})
    for k in [k for k in list(__import__("os").environ) if k.startswith("ALLOY_")]:
        monkeypatch.delenv(k)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    app = typer.Typer()
    app.add_typer(ticket_app, name="label")
    run = CliRunner().invoke
    r = run(app, ["label", "add", t1["id"], label["id"]])
    assert r.exit_code == 0 and json.loads(r.stdout)["data"][0]["name"] == "bug"
    r = run(app, ["label", "list", "LBL-1"])
    assert [x["id"] for x in json.loads(r.stdout)["data"]] == [label["id"]]
    r = run(app, ["label", "remove", "LBL-1", "bug"])
    assert r.exit_code == 0 and json.loads(r.stdout)["data"] == []
    r = run(app, ["label", "set", "LBL-1", "bug"])
    assert [x["name"] for x in json.loads(r.stdout)["data"]] == ["bug"]


def _blocks(path) -> str:
    import re

    return "\n".join(re.findall(r"```bash\n(.*?)```", path.read_text(), re.S))


@pytest.mark.parametrize("doc", ["labels-tags.md", "comments.md"])
def test_docs_examples_run(doc, server, env_for):
    """Every bash block of the doc runs, in order, against a live server (CLI and curl)."""
    import os
    import shutil

    from tests.support import BIN, ROOT

    if not (shutil.which("curl") and shutil.which("jq")):
        pytest.skip("curl and jq are needed")
    email = unique_email("docs")
    pair = server.http.post("/api/v1/auth/register", json={
        "email": email, "password": "password123", "display_name": "Docs"}).json()
    env = env_for(ALLOY_API_URL=server.url)
    cli(["auth", "login", "--email", email, "--password", "password123"], env)
    me = op(env, "auth.me")
    project = op(env, "projects.create", body={"org_id": me["org_id"], "key": "BACK",
                                               "name": "Backend"})
    ticket = op(env, "tickets.create", project_id=project["id"], body={"title": "One"})
    op(env, "tickets.create", project_id=project["id"], body={"title": "Two"})
    env.update(BASE_URL=server.url, TOKEN=pair["access_token"], ORG_ID=me["org_id"],
               PROJECT_ID=project["id"], TICKET_ID=ticket["id"],
               PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}")
    script = "set -euo pipefail\n" + _blocks(ROOT / "docs" / doc)
    r = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, f"{doc} example failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    assert "Traceback" not in r.stderr
    if doc == "comments.md":
        assert "Deployed to production" in r.stdout and "\n204\n" in r.stdout
    else:
        assert "refused: tickets still use it" in r.stdout
        assert "project " + project["id"] in r.stdout
