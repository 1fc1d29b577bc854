"""Tenant isolation on PostgreSQL with row-level security alone.

Two orgs are seeded through the real operations; then every table that has an `org_id`
column (found in the catalog, so tables added by later migrations are covered too) is
queried, updated, deleted from and inserted into with NO application filter, through the
store's own unit of work as the runtime role. RLS must confine every statement to the
actor's org.
"""

from __future__ import annotations

import os

import pytest

from alloy import ops
from alloy.client.local import LocalClient
from alloy.config import Settings
from alloy.env import bootstrap
from alloy.errors import NotFound
from alloy.store import IDENTITY, NOBODY, WORKER, Scope, pg_rls
from alloy.store.pg_rls import tenant_tables
from alloy.store.postgres import PostgresStore
from tests import pg

HAS_PROJECTS = "projects" in ops.MODULES


def _seed(env, name: str) -> dict:
    anon = LocalClient(env)
    reg = anon.call("auth.register", body={"email": f"{name}@iso.example",
                                           "password": "password123", "display_name": name})
    me = LocalClient(env, token=reg["access_token"])
    org = reg["org_id"]
    me.call("invites.create", org_id=org, body={"email": f"guest-{name}@iso.example",
                                                "role": "member"})
    me.call("apikeys.create", body={"name": f"{name} key", "scopes": ["read", "write"]})
    me.call("orgs.update", org_id=org, body={"name": f"{name} Inc"})
    me.call("webhooks.create", org_id=org, body={"url": "https://hooks.example.com/hook",
                                                 "event_types": ["ticket.created"]})
    if HAS_PROJECTS:
        project = me.call("projects.create", body={"org_id": org, "key": name[:4].upper(),
                                                   "name": f"{name} project"})
        me.call("tickets.create", project_id=project["id"], body={"title": "secret"})
    return {"user": reg["user_id"], "org": org}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    home = tmp_path_factory.mktemp("isolation")
    os.environ["ALLOY_DATA_DIR"] = str(home)
    app_url, owner_url = pg.cluster().new_database()
    owner = PostgresStore(owner_url).connect()
    # A table added "later" by someone else: the migration runner must cover it by itself.
    owner.execute("CREATE TABLE zz_widgets (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, "
                  "name TEXT NOT NULL)")
    PostgresStore(app_url, migrate_url=owner_url).migrate()
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=app_url))
    alice, bob = _seed(env, "alice"), _seed(env, "bob")
    for who in (alice, bob):
        owner.execute("INSERT INTO zz_widgets VALUES (%s, %s, 'w')",
                      (f"w-{who['org']}", who["org"]))
    yield {"store": env.store, "owner": owner, "alice": alice, "bob": bob}
    owner.close()
    env.store.close()


def _key(table: str) -> str:
    return "id" if table == "orgs" else "org_id"


def _count(owner, table: str, org: str) -> int:
    return owner.execute(f"SELECT COUNT(*) AS n FROM {table} WHERE {_key(table)} = %s",
                         (org,)).fetchone()["n"]


def test_runtime_role_cannot_bypass_rls(world):
    assert world["store"].role_warning() is None
    with world["store"].unit(write=False) as db:
        assert db.value("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() "
                        "AND tableowner = current_user") == 0
    owner = world["owner"]
    rows = owner.execute("SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
                         "WHERE relname = ANY(%s)", (tenant_tables(owner),)).fetchall()
    assert rows and all(r["relrowsecurity"] and r["relforcerowsecurity"] for r in rows)


def test_every_org_table_is_covered_including_later_ones(world):
    tables = tenant_tables(world["owner"])
    assert {"orgs", "org_members", "invites", "api_keys", "audit_log", "zz_widgets",
            "webhooks", "webhook_deliveries", "identity_providers", "sso_states"} <= set(tables)
    assert "refresh_tokens" not in tables and "users" not in tables
    if HAS_PROJECTS:
        assert {"projects", "tickets"} <= set(tables)
    for table in ("orgs", "invites", "api_keys", "audit_log", "org_members", "zz_widgets",
                  "webhooks", "webhook_deliveries", "projects", "tickets"):
        assert _count(world["owner"], table, world["bob"]["org"]) > 0, table


def test_rls_alone_confines_reads_and_writes_to_the_actors_org(world):
    owner, alice, bob = world["owner"], world["alice"], world["bob"]
    tables = tenant_tables(owner)
    with world["store"].unit(scope=Scope(user_id=alice["user"])) as db:
        for table in tables:
            key = _key(table)
            mine = _count(owner, table, alice["org"])
            seen = {r[key] for r in db.all(f"SELECT {key} FROM {table}")}
            assert seen <= {alice["org"]}, f"{table} leaks {seen}"
            # unfiltered writes touch only the actor's rows (audit rows: none at all)
            with db.conn.transaction(force_rollback=True):
                changed = db.run(f"UPDATE {table} SET {key} = {key}")
                assert changed in (0, mine), table
                assert db.run(f"UPDATE {table} SET {key} = {key} WHERE {key} = ?",
                              bob["org"]) == 0
                assert db.run(f"DELETE FROM {table} WHERE {key} = ?", bob["org"]) == 0
            with db.conn.transaction(force_rollback=True):
                assert db.run(f"DELETE FROM {table}") in (0, mine), table
            if table == "orgs":
                continue  # anyone may found a new org; existing ones are covered above
            theirs = owner.execute(f"SELECT * FROM {table} WHERE org_id = %s LIMIT 1",
                                   (bob["org"],)).fetchone()
            if theirs is None:
                continue  # no row of bob's to imitate (a table no seeded operation fills yet)
            copy = {**theirs, **{c: f"{v}-x" for c, v in theirs.items()
                                 if c in ("id", "code", "key_hash")}}
            with pytest.raises(NotFound), db.conn.transaction():
                db.insert(table, copy)


@pytest.mark.parametrize("scope", [NOBODY, IDENTITY, WORKER],
                         ids=["anonymous", "identity", "worker"])
def test_scopes_without_membership_see_no_tenant_data(world, scope):
    tables = tenant_tables(world["owner"])
    opened = (pg_rls.opened_by(pg_rls.ID) if scope.identity
              else pg_rls.opened_by(pg_rls.WORKER) if scope.worker else set())
    assert opened <= set(pg_rls.SPECIAL)
    with world["store"].unit(write=False, scope=scope) as db:
        for table in tables:
            if table not in opened:  # opened: lookups across tenants, what the scope is for
                assert db.all(f"SELECT * FROM {table}") == [], table


def test_identity_scope_does_not_open_identity_tables_for_writes_it_does_not_need(world):
    bob = world["bob"]
    with world["store"].unit(scope=IDENTITY) as db:
        assert db.run("UPDATE orgs SET name = 'pwned' WHERE id = ?", bob["org"]) == 0
        assert db.run("DELETE FROM org_members WHERE org_id = ?", bob["org"]) == 0
        assert db.run("DELETE FROM invites WHERE org_id = ?", bob["org"]) == 0
        assert db.run("UPDATE audit_log SET action = 'x'") == 0


def test_membership_is_read_per_transaction(world):
    alice, bob, owner = world["alice"], world["bob"], world["owner"]
    scope = Scope(user_id=alice["user"])
    owner.execute("INSERT INTO org_members VALUES (%s, %s, 'Viewer', 't')",
                  (bob["org"], alice["user"]))
    try:
        with world["store"].unit(write=False, scope=scope) as db:
            assert {r["id"] for r in db.all("SELECT id FROM orgs")} == {alice["org"], bob["org"]}
    finally:
        owner.execute("DELETE FROM org_members WHERE org_id = %s AND user_id = %s",
                      (bob["org"], alice["user"]))
    with world["store"].unit(write=False, scope=scope) as db:
        assert {r["id"] for r in db.all("SELECT id FROM orgs")} == {alice["org"]}


@pytest.mark.parametrize("mode", ["user", "identity", "worker"])
def test_alloy_enter_in_psql_sets_the_scope_the_store_sets(world, mode):
    """The store sends its scope statement itself (pg_rls.ENTER); `alloy_enter`, for a psql
    session, is made from the same statement and must set the same settings."""
    import psycopg

    alice = world["alice"]
    scope = {"user": Scope(user_id=alice["user"]), "identity": IDENTITY, "worker": WORKER}[mode]
    names = ("app.user_id", "app.tenant_ids", "app.identity", "app.worker")
    read = "SELECT " + ", ".join(f"current_setting('{n}', true) AS \"{n}\"" for n in names)
    with world["store"].unit(write=False, scope=scope) as db:
        by_store = db.one(read)
    with psycopg.connect(world["store"].url, autocommit=True) as conn:
        with conn.transaction():
            conn.execute("SELECT alloy_enter(%s, %s, %s)",
                         (scope.user_id, scope.identity, scope.worker))
            by_function = dict(zip(names, conn.execute(read).fetchone(), strict=True))
    assert by_store == by_function
    assert by_store["app.tenant_ids"] == (alice["org"] if mode == "user" else "")
