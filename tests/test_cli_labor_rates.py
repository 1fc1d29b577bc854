"""`alloy labor-rate set|list|current|get`, embedded and remote: rates priced into a report.

Also the person references the guides use (`--user`/`--assignee` as email or name), which
resolve through alloy.client.refs.user among the organization's members.
"""

from __future__ import annotations

import pytest

from tests.conftest import unique_email
from tests.support import auth, cli


@pytest.fixture(params=["embedded", "remote"])
def owner(request, server, env_for):
    """A logged-in Owner of a current org with project LR and ticket LR-1."""
    email = unique_email("clirate")
    if request.param == "remote":
        env = env_for(ALLOY_API_URL=server.url)
        user = server.http.post("/api/v1/auth/register", json={
            "email": email, "password": "password123", "display_name": "Rita Rate"}).json()
        org = server.http.post("/api/v1/orgs", headers=auth(user["access_token"]), json={
            "name": "Rates", "slug": f"rates-{user['user_id'][-12:]}"}).json()
        cli(["auth", "login", "--email", email, "--password", "password123"], env)
        cli(["org", "switch", org["id"]], env)
    else:
        env = env_for()
        cli(["onboard", "--email", email, "--password", "password123", "--org-name", "Rates",
             "--org-slug", "rates"], env)
        cli(["auth", "login", "--email", email, "--password", "password123"], env)
    me = cli(["auth", "me"], env).data
    cli(["project", "create", "--org", me["org_id"], "--key", "LR", "--name", "Rates"], env)
    cli(["ticket", "create", "--project", "LR", "--title", "Price me"], env)
    return {"kind": request.param, "env": env, "me": me, "email": email}


def test_auth_me_is_the_callers_identity(owner):
    me = owner["me"]
    assert (me["email"], me["role"]) == (owner["email"], "Owner") and me["org_id"]
    assert cli(["auth", "me", "--format", "plain"], owner["env"]).stdout.strip() == \
        me["user_id"]


def test_set_list_current_and_the_report_shows_money(owner):
    env, me = owner["env"], owner["me"]
    first = cli(["labor-rate", "set", "--rate", "150", "--effective-date", "2026-01-01"],
                env).data
    assert (first["user_id"], first["org_id"], first["loaded_rate_cents"],
            first["effective_date"]) == (me["user_id"], me["org_id"], 15000, "2026-01-01")
    later = cli(["labor-rate", "set", "--user", owner["email"].upper(), "--rate-cents", "16050",
                 "--from", "2026-04-01", "--org", me["org_id"]], env).data
    assert later["loaded_rate_cents"] == 16050
    listed = cli(["labor-rate", "list", "--format", "json"], env).data
    assert [r["id"] for r in listed["data"]] == [later["id"], first["id"]]
    assert listed["has_more"] is False and listed["next_cursor"] is None
    paged = cli(["labor-rate", "list", "--limit", "1"], env).data
    assert paged["has_more"] and [r["id"] for r in paged["data"]] == [later["id"]]
    rest = cli(["labor-rate", "list", "--limit", "1", "--cursor", paged["next_cursor"]], env)
    assert [r["id"] for r in rest.data["data"]] == [first["id"]]
    plain = cli(["labor-rate", "list", "--user", me["user_id"], "--format", "plain"], env)
    assert plain.stdout.split() == [later["id"], first["id"]]
    table = cli(["labor-rate", "list", "--format", "table"], env).stdout
    assert "16050" in table and "2026-01-01" in table
    march = cli(["labor-rate", "current", "--date", "2026-03-15", "--format", "plain"], env)
    assert march.stdout.strip() == "15000"
    assert cli(["labor-rate", "current"], env).data["id"] == later["id"]  # today: Dec 2026
    assert cli(["labor-rate", "get", first["id"]], env).data == first

    # what the rate is for: approved time is priced in the capitalization report
    entry = cli(["time", "log", "--ticket", "LR-1", "--duration", "2h", "--type", "Coding",
                 "--date", "2026-03-10"], env).data
    cli(["time", "submit", entry["id"]], env)
    cli(["time", "approve", entry["id"]], env)
    report = cli(["report", "capitalization", "--period", "2026-03"], env).data
    assert report["projects"][0]["total_amount_cents"] == 30000


def test_bad_rates_are_refused(owner):
    env = owner["env"]
    for args in (["--rate", "12.345"], ["--rate", "lots"], ["--rate", "1", "--rate-cents", "100"],
                 []):
        bad = cli(["labor-rate", "set", *args], env, check=False)
        assert bad.returncode == 2 and "--rate" in bad.stderr, args
    cli(["labor-rate", "set", "--rate", "$1,200.50", "--effective-date", "2026-02-01"], env)
    again = cli(["labor-rate", "set", "--rate", "99", "--effective-date", "2026-02-01"], env,
                check=False)
    assert again.returncode == 6 and "already has a rate" in again.stderr
    assert cli(["labor-rate", "current", "--date", "2026-02-02"], env).data[
        "loaded_rate_cents"] == 120050
    nobody = cli(["labor-rate", "list", "--user", "nobody@example.com"], env, check=False)
    assert nobody.returncode == 5 and "no member 'nobody@example.com'" in nobody.stderr
    none_yet = cli(["labor-rate", "current", "--date", "2020-01-01"], env, check=False)
    assert none_yet.returncode == 5


def test_people_by_email_and_name(owner, server):
    """Another member, named the ways the guides name people: rates and assignees."""
    if owner["kind"] == "embedded":
        pytest.skip("a second person is registered over HTTP")
    env, me = owner["env"], owner["me"]
    token = server.http.post("/api/v1/auth/login", json={
        "email": owner["email"], "password": "password123"}).json()["access_token"]
    ids = {}
    for name in ("Bob Builder", "Bob Builder", "Carol Coder"):
        email = unique_email("person")
        ids.setdefault(name, []).append(server.http.post("/api/v1/auth/register", json={
            "email": email, "password": "password123", "display_name": name}).json()["user_id"])
        added = server.http.post(f"/api/v1/orgs/{me['org_id']}/members", headers=auth(token),
                                 json={"email": email, "role": "Member"})
        assert added.status_code in (200, 201), added.text
    carol = ids["Carol Coder"][0]
    rate = cli(["labor-rate", "set", "--user", "carol coder", "--rate", "90"], env).data
    assert (rate["user_id"], rate["loaded_rate_cents"]) == (carol, 9000)
    got = cli(["ticket", "update", "LR-1", "--assignee", "Carol Coder"], env).data
    assert got["assignee_id"] == carol
    mine = cli(["ticket", "list", "--project", "LR", "--assignee", "Carol Coder"], env).data
    assert [t["key"] for t in mine["data"]] == ["LR-1"]
    made = cli(["ticket", "create", "--project", "LR", "--title", "Two",
                "--assignee", owner["email"]], env).data
    assert made["assignee_id"] == me["user_id"]
    cli(["ticket", "batch-update", "--ticket-ids", "LR-1,LR-2", "--assignee", "Carol Coder"],
        env)
    assert cli(["ticket", "get", "LR-2"], env).data["assignee_id"] == carol
    two = cli(["ticket", "update", "LR-1", "--assignee", "Bob Builder"], env, check=False)
    assert two.returncode == 7 and "matches 2 members" in two.stderr
    cleared = cli(["ticket", "update", "LR-1", "--assignee", "none"], env).data
    assert cleared["assignee_id"] is None
    by_id = cli(["ticket", "update", "LR-1", "--assignee-id", ids["Bob Builder"][1]], env).data
    assert by_id["assignee_id"] == ids["Bob Builder"][1]


def test_org_members_the_ways_the_guides_write_it(owner):
    env, me = owner["env"], owner["me"]
    slug = cli(["org", "list"], env).data["data"]
    slug = next(o["slug"] for o in slug if o["id"] == me["org_id"])
    for args in ([me["org_id"]], [slug], ["Rates"], ["list", "--org", me["org_id"]], ["list"],
                 ["--org", slug]):
        listed = cli(["org", "members", *args, "--format", "plain"], env).stdout.split()
        assert listed == [me["user_id"]], args
    twice = cli(["org", "members", slug, "--org-id", me["org_id"]], env, check=False)
    assert twice.returncode == 2 and "once" in twice.stderr
    comment = cli(["comment", "add", "LR-1", "--body", "positional ticket"], env).data
    assert comment["body"] == "positional ticket"
    neither = cli(["comment", "add", "--body", "no ticket"], env, check=False)
    assert neither.returncode == 2 and "--ticket" in neither.stderr
