"""Integrations on a server where every user also has a personal org (issue 16): Slack and
GitHub act in the one team org without ALLOY_*_ORG_ID, and ALLOY_SLACK_DEFAULT_CHANNEL (the
API Reference's name) is where notifications naming no channel go."""

from __future__ import annotations

import pytest

from alloy.config import Settings
from tests.fake_slack import FakeSlack
from tests.support import Server, auth
from tests.test_github import SECRET as GH_SECRET
from tests.test_github import pr, send
from tests.test_slack import SECRET, TOKEN, command, register


def test_default_channel_is_read_and_wins():
    assert Settings.from_env({}).slack.channel == "general"
    assert Settings.from_env({"ALLOY_SLACK_NOTIFICATION_CHANNEL": "eng"}).slack.channel == "eng"
    both = {"ALLOY_SLACK_NOTIFICATION_CHANNEL": "eng", "ALLOY_SLACK_DEFAULT_CHANNEL": "ops"}
    assert Settings.from_env({"ALLOY_SLACK_DEFAULT_CHANNEL": "ops"}).slack.channel == "ops"
    assert Settings.from_env(both).slack.channel == "ops"


@pytest.fixture
def slack():
    fake = FakeSlack(TOKEN)
    yield fake
    fake.stop()


def test_one_team_org_among_personal_ones(tmp_path, slack):
    srv = Server(tmp_path, ALLOY_REGISTRATION="open", ALLOY_SLACK_SIGNING_SECRET=SECRET,
                 ALLOY_SLACK_BOT_TOKEN=TOKEN, ALLOY_SLACK_API_URL=slack.url,
                 ALLOY_SLACK_DEFAULT_CHANNEL="ops", ALLOY_GITHUB_WEBHOOK_SECRET=GH_SECRET,
                 ALLOY_WEBHOOK_POLL_SECONDS="0.2")
    try:
        owner, _ = register(srv, "owner"), register(srv, "bystander")  # two personal orgs
        h = auth(owner["access_token"])
        r = command(srv, "ONE-1")
        assert r.status_code == 503 and "ALLOY_SLACK_ORG_ID" in r.json()["error"]["message"]
        team = srv.http.post("/api/v1/orgs", headers=h,
                             json={"name": "Team", "slug": "team"}).json()
        project = srv.http.post("/api/v1/projects", headers=h, json={
            "key": "ONE", "name": "One", "org_id": team["id"]}).json()
        ticket = srv.http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h,
                               json={"title": "Team work"}).json()

        shown = command(srv, "ONE-1")  # the only team org: no ALLOY_SLACK_ORG_ID needed
        assert shown.status_code == 200, shown.text
        assert shown.json()["blocks"][0]["text"]["text"] == "*ONE-1: Team work*"
        moved = send(srv, pr("opened", "ONE-1 fix"))
        assert moved.status_code == 200, moved.text
        assert srv.http.get(f"/api/v1/tickets/{ticket['id']}", headers=h).json()[
            "status"] == "InReview"

        start = len(slack.messages)
        r = srv.http.post("/api/v1/integrations/slack/notify", headers=h, json={
            "notification_type": "comment_sync", "ticket_id": ticket["id"], "message": "hi"})
        assert r.status_code == 202, r.text
        assert slack.wait(start + 1)[start]["channel"] == "ops"

        srv.http.post("/api/v1/orgs", headers=h, json={"name": "Two", "slug": "two"})
        r = send(srv, pr("opened", "ONE-1"))  # two team orgs: the variable is needed again
        assert r.status_code == 503 and "ALLOY_GITHUB_ORG_ID" in r.json()["error"]["message"]
    finally:
        srv.stop()


def test_0095_marks_existing_personal_orgs(tmp_path):
    """A database from before 0095: registration's orgs become personal, with ~slugs; a team
    org (several members, or another name) keeps its slug."""
    import sqlite3

    from alloy.store.migrate import files, migrate_sqlite, split_sql

    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT "
                 "NOT NULL, applied_at TEXT NOT NULL)")
    for version, name, path in files("sqlite"):
        if version < 95:
            for statement in split_sql(path.read_text()):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 'then')", (version, name))
    t = "2026-01-01T00:00:00Z"
    for uid, name in (("u1", "Alice"), ("u2", "Bob")):
        conn.execute("INSERT INTO users (id, email, display_name, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?)", (uid, f"{name.lower()}@x.com", name, t, t))
    for oid, name, slug, members in (("o1", "Alice's Workspace", "alice", ("u1",)),
                                     ("o2", "Bob's Workspace", "bob", ("u2", "u1")),
                                     ("o3", "Acme", "acme", ("u1",))):
        conn.execute("INSERT INTO orgs (id, name, slug, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?)", (oid, name, slug, t, t))
        for n, uid in enumerate(members):
            conn.execute("INSERT INTO org_members VALUES (?, ?, ?, ?)",
                         (oid, uid, "Owner" if n == 0 else "Member", t))
    assert migrate_sqlite(conn)[0] == "0095_personal_orgs"  # and any later ones
    rows = {r["id"]: (r["slug"], r["personal"]) for r in conn.execute("SELECT * FROM orgs")}
    assert rows == {"o1": ("~alice", 1), "o2": ("bob", 0), "o3": ("acme", 0)}


def test_health_reports_a_database_that_does_not_answer(tmp_path):
    """A query that fails (here: the migrations table is gone) is `db_healthy: false` and
    `status: degraded`, not an error page: monitors read the answer."""
    import sqlite3

    from alloy.client.local import LocalClient
    from alloy.env import bootstrap

    db = tmp_path / "h.db"
    env = bootstrap(Settings.from_env({"ALLOY_DATABASE_URL": f"sqlite:///{db}",
                                       "ALLOY_DATA_DIR": str(tmp_path)}))
    try:
        client = LocalClient(env, None)
        assert client.call("system.health")["db_healthy"] is True
        with sqlite3.connect(db) as raw:
            raw.execute("DROP TABLE schema_migrations")
        sick = client.call("system.health")
        assert (sick["status"], sick["db_healthy"], sick["migration_version"]) == (
            "degraded", False, None)
    finally:
        env.close()
