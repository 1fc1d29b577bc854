"""`alloy export` and `alloy import`, embedded and remote, as the CLI Reference shows them."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import unique_email
from tests.support import BIN, ROOT, auth, cli

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(params=["embedded", "remote"])
def setup(request, server, env_for):
    """A logged-in Owner whose current org has project PROJ (2 tickets), plus a second org."""
    email = unique_email("cliio")
    if request.param == "remote":
        env = env_for(ALLOY_API_URL=server.url)
        user = server.http.post("/api/v1/auth/register", json={
            "email": email, "password": "password123", "display_name": "Cli"}).json()
        h = auth(user["access_token"])
        org = server.http.post("/api/v1/orgs", headers=h, json={
            "name": "CliIO", "slug": f"cliio-{user['user_id'][-12:]}"}).json()
        cli(["auth", "login", "--email", email, "--password", "password123"], env)
        cli(["org", "switch", org["id"]], env)
    else:
        env = env_for()
        cli(["onboard", "--email", email, "--password", "password123", "--org-name", "Acme",
             "--org-slug", "acme"], env)
        cli(["auth", "login", "--email", email, "--password", "password123"], env)
    cli(["project", "create", "--key", "PROJ", "--name", "Project"], env)
    cli(["ticket", "create", "--project", "PROJ", "--title", "First", "--priority", "high"], env)
    cli(["ticket", "create", "--project", "PROJ", "--title", "Second"], env)
    slug = f"copy-{email.split('@')[0]}"
    other = cli(["org", "create", "--name", "Copy", "--slug", slug, "--format", "json"], env).data
    cli(["org", "switch", "CliIO" if request.param == "remote" else "Acme"], env)  # created: active
    return {"env": env, "other": other["id"]}


def sh(script: str, env: dict) -> subprocess.CompletedProcess:
    env = {**env, "PATH": f"{BIN}:{env.get('PATH', '')}"}
    proc = subprocess.run(["bash", "-c", "set -euo pipefail\n" + script], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_export_pipe_import(setup, tmp_path):
    env, other = setup["env"], setup["other"]
    # The spec's pipeline into the same org: nothing is duplicated.
    out = sh("alloy export --project PROJ | alloy import --format json", env)
    assert '"tickets_created": 0' in out.stdout and "already present" in out.stdout
    # Into another org: a preview first, then the import, then the copy matches.
    preview = sh(f"alloy export --project PROJ | alloy import --org {other} --dry-run", env)
    assert '"tickets_created": 2' in preview.stdout and '"dry_run": true' in preview.stdout
    sh(f"alloy export --project PROJ > {tmp_path}/backup.json", env)
    done = cli(["import", str(tmp_path / "backup.json"), "--org", other], env).data
    assert done["summary"]["projects_created"] == 1 and done["summary"]["tickets_created"] == 2
    copy = cli(["export", "--org", other, "--project", "proj"], env).data
    assert [(t["key"], t["title"], t["priority"]) for t in copy["projects"][0]["tickets"]] == [
        ("PROJ-1", "First", "High"), ("PROJ-2", "Second", "Medium")]


def test_sqlite_and_table_output(setup, tmp_path):
    env = setup["env"]
    db = tmp_path / "alloy-export.db"
    proc = subprocess.run([str(BIN / "alloy"), "export", "--export-format", "sqlite"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "wrote alloy-export.db" in proc.stderr
    rows = sqlite3.connect(db).execute("SELECT key, title FROM tickets ORDER BY key").fetchall()
    assert rows == [("PROJ-1", "First"), ("PROJ-2", "Second")]
    cli(["export", "--export-format", "sqlite", "-o", str(tmp_path / "x.db")], env)
    assert Path(tmp_path / "x.db").read_bytes().startswith(b"SQLite format 3")
    table = cli(["import", str(FIXTURES / "jira-export.json"), "--from", "jira", "--dry-run",
                 "--format", "table"], env)
    assert "dry run" in table.stdout and "tickets" in table.stdout
    assert "warning: issue links skipped on 1 issue(s)" in table.stderr


def test_jira_and_linear_from_files(setup):
    env, other = setup["env"], setup["other"]
    jira = cli(["import", str(FIXTURES / "jira-export.json"), "--from", "jira", "--org",
                other], env).data
    assert jira["summary"]["tickets_created"] == 2
    assert "custom fields skipped on 1 issue(s)" in jira["warnings"]
    linear = cli(["import", str(FIXTURES / "linear-export.json"), "--from", "linear",
                  "--org", other], env).data
    assert linear["summary"]["sprints_created"] == 2
    assert "estimates skipped on 1 issue(s)" in linear["warnings"]
    data = cli(["export", "--org", other], env).data
    assert sorted(p["key"] for p in data["projects"]) == ["ENG", "WEB"]


def test_errors(setup, tmp_path):
    env = setup["env"]
    bad = cli(["import", "--from", "csv"], env, input="{}", check=False)
    assert bad.returncode == 7 and "--from" in bad.stderr
    bad = cli(["import"], env, input="not json", check=False)
    assert bad.returncode == 7 and "not valid JSON" in bad.stderr
    bad = cli(["import"], env, input='{"version": 99, "source": "x", "exported_at": "now", '
              '"projects": [], "labels": [], "workflows": [], "users": []}', check=False)
    assert bad.returncode == 7 and "unsupported export version: 99. Expected: 1" in bad.stderr
    bad = cli(["import", "--from", "jira"], env, input='{"nope": 1}', check=False)
    assert bad.returncode == 7 and "not a Jira export" in bad.stderr
    bad = cli(["import", str(tmp_path / "missing.json")], env, check=False)
    assert bad.returncode == 2 and "no such file" in bad.stderr  # a wrong path: usage (issue 17)
    bad = cli(["export", "--export-format", "xml"], env, check=False)
    assert bad.returncode == 7
    bad = cli(["export", "--project", "NOPE"], env, check=False)
    assert bad.returncode == 5


def test_long_jira_keys_need_a_key_map(setup):
    env, other = setup["env"], setup["other"]
    longkey = str(FIXTURES / "jira-longkey.json")
    refused = cli(["import", longkey, "--from", "jira", "--org", other], env, check=False)
    assert refused.returncode == 7 and "Traceback" not in refused.stderr
    assert ("jira project key 'SAMPLEPROJECT' cannot be an Alloy key" in refused.stderr
            and "--key-map SAMPLEPROJECT=SAMPLEPROJ" in refused.stderr)
    done = cli(["import", longkey, "--from", "jira", "--org", other,
                "--key-map", "SAMPLEPROJECT=SAMPLE"], env).data
    assert done["summary"]["tickets_created"] == 1
    assert any("has no email" in w for w in done["warnings"])
    shape = cli(["import", "--from", "jira", "--org", other], env, check=False,
                input='{"issues": [{"key": "A-1", "fields": {"labels": 5}}]}')
    assert shape.returncode == 7 and "issue A-1 has a field in a shape" in shape.stderr
    assert "'int'" not in shape.stderr
    native = cli(["import", "--key-map", "A=B"], env, check=False, input="{}")
    assert native.returncode == 7 and "--from jira or linear" in native.stderr
    bad_map = cli(["import", longkey, "--from", "jira", "--key-map", "SAMPLEPROJECT"], env,
                  check=False)
    assert bad_map.returncode == 7 and "SOURCE=KEY" in bad_map.stderr
