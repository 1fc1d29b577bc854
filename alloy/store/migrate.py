"""Versioned plain-SQL migrations, shipped inside the wheel as the `migrations` package."""

from __future__ import annotations

import os
import re
from pathlib import Path

from alloy import migrations
from alloy.domain.values import now


def files(dialect: str) -> list[tuple[int, str, Path]]:
    """(version, name, path) of every migration file of a dialect, in order, unread."""
    folder = Path(migrations.__file__).parent / dialect
    found = []
    for entry in os.listdir(folder):
        version, _, name = entry.removesuffix(".sql").partition("_")
        if entry.endswith(".sql") and version.isdigit() and name:
            found.append((int(version), name, folder / entry))
    return sorted(found)


def available(dialect: str) -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file of a dialect, in order."""
    return [(v, n, path.read_text()) for v, n, path in files(dialect)]


def pending(dialect: str, applied: set[int]) -> list[str]:
    """Names (`0007_webhooks`) of the migrations of `dialect` not among the `applied` versions."""
    return [f"{v:04d}_{n}" for v, n, _ in files(dialect) if v not in applied]


def applied_sqlite(conn) -> set[int]:
    """Versions recorded in the database (none when it was never migrated); reads only."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                    "name = 'schema_migrations'").fetchone() is None:
        return set()
    return {r["version"] for r in conn.execute("SELECT version FROM schema_migrations")}


def applied_postgres(conn) -> set[int]:
    """Versions recorded in the database (none when it was never migrated); reads only."""
    if conn.execute("SELECT to_regclass('schema_migrations') AS t").fetchone()["t"] is None:
        return set()
    return {r["version"] for r in conn.execute("SELECT version FROM schema_migrations")}


_TABLE = ("CREATE TABLE IF NOT EXISTS schema_migrations "
          "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")


def migrate_sqlite(conn) -> list[str]:
    """Apply pending migrations, each in its own transaction; safe to run concurrently."""
    conn.execute(_TABLE)
    applied = {r["version"] for r in conn.execute("SELECT version FROM schema_migrations")}
    applied_now = []
    for version, name, path in files("sqlite"):
        if version in applied:  # the common case: nothing to do, no lock taken
            continue
        sql = path.read_text()
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = conn.execute("SELECT 1 FROM schema_migrations WHERE version = ?",
                                (version,)).fetchone()
            if done:
                conn.execute("ROLLBACK")
                continue
            for statement in split_sql(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied_now.append(f"{version:04d}_{name}")
    return applied_now


# Patterns of `_open`, compiled on first use (`re` caches them): only applying a migration
# splits SQL, while every command imports this module to check for pending ones.
_TRIGGER_BODY = r"\bCREATE\s+TRIGGER\b.*\bBEGIN\b"
_END = r"\bEND\s*$"


def _open(statement: str) -> bool:
    """Whether a `;` ended a statement early: inside a `$$` body (a PostgreSQL function) or
    a SQLite trigger's `BEGIN ... END` (no semicolons inside our literals otherwise)."""
    if statement.count("$$") % 2:
        return True
    return (bool(re.search(_TRIGGER_BODY, statement, re.IGNORECASE | re.DOTALL))
            and not re.search(_END, statement, re.IGNORECASE))


def split_sql(script: str) -> list[str]:
    """Split a migration into statements (whole-line `--` comments dropped)."""
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith("--")]
    out, pending = [], ""
    for part in "\n".join(lines).split(";"):
        pending = f"{pending};{part}" if pending else part
        if not _open(pending):
            if pending.strip():
                out.append(pending.strip())
            pending = ""
    if pending.strip():
        out.append(pending.strip())
    return out


_LOCK = 7_226_110  # advisory lock: one migrator at a time across processes


def migrate_postgres(conn) -> list[str]:
    """Apply pending migrations (each in its own transaction, under an advisory lock), then
    make sure every tenant table has RLS enabled, forced and its policies (see pg_rls)."""
    from alloy.store import pg_rls

    applied_now = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        if conn.execute("SELECT to_regclass('schema_migrations') AS t").fetchone()["t"] is None:
            conn.execute(_TABLE)
    for version, name, sql in available("postgres"):
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            if conn.execute("SELECT 1 FROM schema_migrations WHERE version = %s",
                            (version,)).fetchone():
                continue
            for statement in split_sql(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (%s, %s, %s)",
                         (version, name, now()))
        applied_now.append(f"{version:04d}_{name}")
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        pg_rls.ensure(conn)
    return applied_now
