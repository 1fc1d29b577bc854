"""The connection a service sees inside its unit of work: a few verbs over DB-API."""

from __future__ import annotations

import json


class Db:
    """Thin verbs over one connection in one transaction. Rows come back as dicts."""

    dialect = "sqlite"
    lock_clause = ""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.committed = False

    def sql(self, text: str) -> str:
        return text

    def all(self, sql: str, *params) -> list[dict]:
        cur = self.conn.execute(self.sql(sql), params)
        return cur.fetchall()

    def one(self, sql: str, *params) -> dict | None:
        cur = self.conn.execute(self.sql(sql), params)
        return cur.fetchone()

    def locked(self, sql: str, *params) -> dict | None:
        """`one`, and the row stays locked until commit on PostgreSQL (`FOR UPDATE`), so a
        read-check-write rule sees the row no one else is changing. SQLite needs no clause:
        its write transactions already run one at a time."""
        return self.one(sql + self.lock_clause, *params)

    def lock_table(self, table: str) -> None:
        """Hold off other writers of `table` until commit, for a rule about the table as a
        whole ("is it empty?") on PostgreSQL. SQLite's writers already run one at a time."""

    def value(self, sql: str, *params):
        row = self.one(sql, *params)
        return None if row is None else next(iter(row.values()))

    def run(self, sql: str, *params) -> int:
        return self.conn.execute(self.sql(sql), params).rowcount

    def insert(self, table: str, row: dict) -> dict:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.run(f"INSERT INTO {table} ({cols}) VALUES ({marks})", *(_cell(v) for v in row.values()))
        return row

    def update(self, table: str, key: dict, changes: dict) -> int:
        if not changes:
            return 0
        sets = ", ".join(f"{c} = ?" for c in changes)
        where = " AND ".join(f"{c} = ?" for c in key)
        return self.run(f"UPDATE {table} SET {sets} WHERE {where}",
                        *(_cell(v) for v in changes.values()), *key.values())

    def commit(self) -> None:
        self.committed = True


def _cell(value):
    """Lists and dicts are stored as JSON text on both databases."""
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return value


def from_json(value):
    """A JSON column's value, whether it came back from the database (text) or from `insert`."""
    return json.loads(value) if isinstance(value, str) else value
