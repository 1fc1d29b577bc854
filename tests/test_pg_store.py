"""The PostgreSQL store: SQL translation, the unit-of-work contract, migrations, errors."""

from __future__ import annotations

import json
import subprocess
import threading

import pytest

from alloy.errors import Conflict, Unavailable
from alloy.store import IDENTITY, open_store
from alloy.store.migrate import available
from alloy.store.postgres import PostgresStore, translate
from tests import pg
from tests.support import BIN, base_env, free_port


def test_translate():
    assert translate("SELECT * FROM t WHERE a = ? AND b LIKE '%x?' || ?") == \
        "SELECT * FROM t WHERE a = %s AND b ILIKE '%%x?' || %s"
    assert translate("SELECT IFNULL(a, 0) FROM t WHERE c = 'it''s ?'") == \
        "SELECT COALESCE(a, 0) FROM t WHERE c = 'it''s ?'"
    assert translate("SELECT 100 % 7 FROM t WHERE x NOT LIKE ?") == \
        "SELECT 100 %% 7 FROM t WHERE x NOT ILIKE %s"


@pytest.fixture
def db_urls():
    return pg.cluster().new_database()


def test_unit_of_work_rolls_back_unless_committed(db_urls):
    store = open_store(db_urls[0])
    row = ("INSERT INTO users VALUES (?, ?, 'A', NULL, 't', 't')")
    with store.unit() as db:
        db.run(row, "u1", "a@b.c")
    with store.unit(write=False) as db:
        assert db.one("SELECT * FROM users") is None
    with pytest.raises(RuntimeError), store.unit() as db:
        db.run(row, "u1", "a@b.c")
        db.commit()
        raise RuntimeError("boom")
    with store.unit(write=False) as db:
        assert db.one("SELECT * FROM users") is None
    with store.unit() as db:
        db.run(row, "u1", "a@b.c")
        db.commit()
    with store.unit(write=False) as db:
        assert db.value("SELECT COUNT(*) FROM users") == 1
    with pytest.raises(Conflict), store.unit() as db:
        db.run(row, "u2", "a@b.c")  # unique email -> 409, not a crash
    store.close()


def test_the_first_statement_travels_with_begin_and_keeps_its_answers(db_urls):
    """BEGIN, the scope and a unit's first statement go out as one pipeline (PgDb.open):
    its row count, its rows and its error are what they would be alone, and a unit that
    fails or ends before sending anything leaves a clean connection behind."""
    store = open_store(db_urls[0], pool_size=1)  # one connection: each unit reuses it
    row = "INSERT INTO users VALUES (?, ?, 'A', NULL, 't', 't')"
    try:
        with store.unit() as db:
            assert db.run(row, "u1", "a@b.c") == 1
            db.commit()
        with store.unit() as db:
            assert db.run("UPDATE users SET display_name = 'B' WHERE id = 'nobody'") == 0
        with pytest.raises(RuntimeError), store.unit() as db:
            raise RuntimeError("before any statement")
        with store.unit() as db:
            db.commit()  # nothing sent at all
        with pytest.raises(Conflict), store.unit() as db:
            db.lock_key("first")
            db.run(row, "u2", "a@b.c")
        with store.unit(write=False) as db:
            assert db.all("SELECT id FROM users") == [{"id": "u1"}]
            assert db.value("SELECT current_setting('app.identity')") == "off"
    finally:
        store.close()


def test_values_come_back_like_sqlite(db_urls):
    store = open_store(db_urls[0])
    with store.unit(scope=IDENTITY) as db:
        db.insert("users", {"id": "u1", "email": "e", "display_name": "d", "password_hash": None,
                            "created_at": "t", "updated_at": "t"})
        db.insert("orgs", {"id": "o1", "name": "n", "slug": "s", "created_at": "t",
                           "updated_at": "t"})
        db.insert("api_keys", {"id": "k", "user_id": "u1", "org_id": "o1", "name": "k",
                               "key_hash": "h", "key_prefix": "p", "scopes": ["read"],
                               "project_ids": [], "created_at": "t", "last_used_at": None,
                               "expires_at": None, "revoked_at": None})
        assert db.value("SELECT SUM(LENGTH(name)) FROM orgs") == 1
        assert db.value("SELECT AVG(LENGTH(name)) FROM orgs") == 1
        assert isinstance(db.value("SELECT AVG(LENGTH(name)) + 0.5 FROM orgs"), float)
        assert db.value("SELECT COUNT(*) FROM orgs WHERE 1 = ?", True) == 1
        assert json.loads(db.value("SELECT scopes FROM api_keys")) == ["read"]
    store.close()


def test_migrations_apply_once_and_concurrently():
    cluster = pg.cluster()
    name = f"alloy_empty{free_port()}"
    cluster.admin(f"CREATE DATABASE {name} OWNER {pg.OWNER} TEMPLATE template0")
    owner = cluster.url(name, pg.OWNER)
    results, errors = [], []

    def run():
        try:
            results.append(PostgresStore(owner).migrate())
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    names = [f"{v:04d}_{n}" for v, n, _ in available("postgres")]
    assert sorted(sum(results, [])) == names
    assert PostgresStore(owner).migrate() == []


def test_alloy_migrate_and_serve_on_postgres(tmp_path):
    cluster = pg.cluster()
    name = f"alloy_cli{free_port()}"
    cluster.admin(f"CREATE DATABASE {name} OWNER {pg.OWNER} TEMPLATE template0")
    env = base_env(tmp_path, ALLOY_DATABASE_URL=cluster.url(name, pg.OWNER))
    out = subprocess.run([str(BIN / "alloy"), "migrate", "--format", "json"], env=env,
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["applied"][0] == "0001_identity"
    # the owner role has BYPASSRLS: serving with it works but warns loudly
    port = free_port()
    proc = subprocess.Popen([str(BIN / "alloy"), "serve", "--db", cluster.url(name, pg.OWNER),
                             "--port", str(port), "--host", "127.0.0.1"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Listening on"):
                break
    finally:
        proc.terminate()
        proc.wait(10)
    text = "".join(lines)
    assert "Database: postgresql://alloy_owner:***@" in text  # no password in logs
    assert "row-level security is not enforced" in text


def test_unreachable_database_is_503_not_a_crash():
    store = PostgresStore(f"postgresql://nobody@127.0.0.1:{free_port()}/none", pool_timeout=1)
    with pytest.raises(Unavailable), store.unit() as db:
        db.value("SELECT 1")
    store.close()


def test_a_new_tickets_search_document_is_the_one_a_refresh_makes(tmp_path, monkeypatch):
    """The insert trigger builds the document from the new row (migration 0104) instead of
    reading it back: the same document the refresh function makes for that ticket."""
    import psycopg

    from alloy.config import Settings
    from alloy.env import bootstrap
    from tests.support import registered

    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path))
    app, owner = pg.cluster().new_database()
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=app, ALLOY_MIGRATION_DATABASE_URL=owner,
                                      ALLOY_REGISTRATION="open"))
    try:
        client, _, project = registered(env, "DOC")
        ids = [client.call("tickets.create", project_id=project["id"], body=body)["id"]
               for body in ({"title": "Login page crashes", "description": "on the second try"},
                            {"title": "No description"})]
        with psycopg.connect(owner, autocommit=True) as conn:
            def document(tid: str) -> str:
                return conn.execute("SELECT document::text FROM ticket_search WHERE ticket_id = %s",
                                    (tid,)).fetchone()[0]

            made = [document(t) for t in ids]
            for t in ids:
                conn.execute("SELECT alloy_ticket_search_refresh(%s)", (t,))
            assert made == [document(t) for t in ids]
            assert "'crashes':3A" in made[0] and "'second':6B" in made[0]
    finally:
        env.close()
