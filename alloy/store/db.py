"""The connection a service sees inside its unit of work: a few verbs over DB-API."""

from __future__ import annotations

from alloy.domain.values import from_json, to_json  # noqa: F401 - services read from_json here
from alloy.outbox import TABLES as OUTBOXES


class Db:
    """Thin verbs over one connection in one transaction. Rows come back as dicts."""

    dialect = "sqlite"
    lock_clause = ""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.committed = False
        self.queued = False  # rows went into an outbox: wake its worker after the commit

    def sql(self, text: str) -> str:
        return text

    def _cursor(self, sql: str, params):
        """A cursor over plain tuples: `_rows` names them once per statement, cheaper than
        the connection's row factory, which names every row anew (a 50-row page felt it)."""
        cur = self.conn.cursor()
        cur.row_factory = None
        return cur.execute(self.sql(sql), params)

    @staticmethod
    def _rows(cur, rows) -> list[dict]:
        if not rows:
            return []
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in rows]

    def all(self, sql: str, *params) -> list[dict]:
        cur = self._cursor(sql, params)
        return self._rows(cur, cur.fetchall())

    def tuples(self, sql: str, *params) -> list[tuple]:
        """`all`, as plain tuples in the statement's column order: for a long list whose
        rows become Structs at once (a dict per row would be thrown away)."""
        return self._cursor(sql, params).fetchall()

    def one(self, sql: str, *params) -> dict | None:
        cur = self._cursor(sql, params)
        row = cur.fetchone()
        return None if row is None else self._rows(cur, [row])[0]

    def locked(self, sql: str, *params) -> dict | None:
        """`one`, and the row stays locked until commit on PostgreSQL (`FOR UPDATE`), so a
        read-check-write rule sees the row no one else is changing. SQLite needs no clause:
        its write transactions already run one at a time."""
        return self.one(sql + self.lock_clause, *params)

    def lock_table(self, table: str) -> None:
        """Hold off other writers of `table` until commit, for a rule about the table as a
        whole ("is it empty?") on PostgreSQL. SQLite's writers already run one at a time."""

    def lock_key(self, name: str) -> None:
        """Hold off, until commit, every other transaction locking the same `name` on
        PostgreSQL (an advisory lock: no row is touched). SQLite's writers already run one
        at a time."""

    def value(self, sql: str, *params):
        row = self.one(sql, *params)
        return None if row is None else next(iter(row.values()))

    def run(self, sql: str, *params) -> int:
        return self.conn.execute(self.sql(sql), params).rowcount

    def insert(self, table: str, row: dict) -> dict:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.run(f"INSERT INTO {table} ({cols}) VALUES ({marks})", *(_cell(v) for v in row.values()))
        if table in OUTBOXES:
            self.queued = True
        return row

    def insert_counted(self, table: str, row: dict, column: str, counter: tuple[str, str, str],
                       *also: tuple[str, dict], final: bool = False) -> dict | None:
        """Insert `row` with `column` set to the next value of a counter column (`counter` is
        (table, column, row id)), then the `also` rows; None, writing nothing, when the
        counter's row is gone. The counter's row stays locked until commit, so numbers never
        repeat. PostgreSQL does it all in one statement (`PgDb`).

        `final` says the unit writes nothing after this and nothing after it can fail: then
        PostgreSQL commits in the same round trip, and every other insert counting on the
        same row waits for the database alone, not for this client's next message. SQLite
        commits at the unit's end as always (its writers take turns anyway)."""
        table_c, column_c, row_id = counter
        number = self.value(f"UPDATE {table_c} SET {column_c} = {column_c} + 1 WHERE id = ? "
                            f"RETURNING {column_c}", row_id)
        if number is None:
            return None
        row = {**row, column: number}
        for name, values in ((table, row), *also):
            self.insert(name, values)
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
        return to_json(value)  # json.dumps' text, without loading json where it can
    return value
