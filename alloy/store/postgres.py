"""PostgreSQL store: psycopg 3 with a connection pool, RLS scope set per transaction.

Services write one SQL dialect (SQLite's, with `?` placeholders); `translate` rewrites the
few differences: placeholders, `%` escaping, case-insensitive `LIKE` (SQLite's LIKE ignores
ASCII case) and `IFNULL`. Databases should use the C collation so text sorts as on SQLite
(see docs/deployment.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import select
import threading

from alloy import outbox
from alloy.errors import AlloyError, Conflict, NotFound, Unavailable
from alloy.store import NOBODY, on_loop
from alloy.store.db import Db, _cell
from alloy.store.pg_rls import ENTER, enter_params

_TENANTS = frozenset({"orgs", "org_members"})  # inserting one joins its tenant (`insert`)

_TOKEN = re.compile(r"('(?:[^']|'')*')|(\?)|(%)|\b(LIKE|IFNULL)\b", re.IGNORECASE)
_WORDS = {"LIKE": "ILIKE", "IFNULL": "COALESCE"}


@functools.lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """SQLite-flavoured SQL with `?` placeholders -> psycopg SQL with `%s`."""

    def swap(m: re.Match) -> str:
        if m.group(1):
            return m.group(1).replace("%", "%%")
        if m.group(2):
            return "%s"
        if m.group(3):
            return "%%"
        return _WORDS[m.group(4).upper()]

    return _TOKEN.sub(swap, sql)


class PgDb(Db):
    dialect = "postgres"
    lock_clause = " FOR UPDATE"

    def sql(self, text: str) -> str:
        return translate(text)

    _opening = None  # psycopg's pipeline context, until the first statement's results
    finished = False  # committed early, with the unit's last write (`insert_counted`)

    def open(self, scope) -> None:
        """Begin the transaction in `scope` (RLS, see pg_rls), sent with the unit's first
        statement: in psycopg's pipeline mode BEGIN, the scope (`ENTER`) and that statement
        travel together and one Sync brings all their results back (one round trip, not three).
        The connection is in autocommit mode and BEGIN is ours: psycopg's own BEGIN waits
        for its answer even in a pipeline."""
        self._opening = self.conn.pipeline()
        self._opening.__enter__()
        self.conn.execute("BEGIN")
        self.conn.execute(ENTER, enter_params(scope))

    def settle(self) -> None:
        """Leave pipeline mode (sending what is queued, raising its error) if still in it."""
        if self._opening is not None:
            opening, self._opening = self._opening, None
            opening.__exit__(None, None, None)

    def _exec(self, sql: str, params, row_factory=None):
        self._still_open()
        try:
            on = self.conn if row_factory is None else self.conn.cursor(row_factory=row_factory)
            cur = on.execute(self.sql(sql), params)
            self.settle()  # the first statement's results (and any error) arrive here
            return cur
        except Exception as e:  # noqa: BLE001 - psycopg's errors, mapped; the rest as they are
            _raise_in_our_words(e)

    def lock_table(self, table: str) -> None:
        # conflicts with itself and with every INSERT/UPDATE/DELETE; reads go on
        self._exec(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE", ())

    def lock_key(self, name: str) -> None:
        self._exec("SELECT pg_advisory_xact_lock(hashtext(?))", (name,))

    def all(self, sql: str, *params) -> list[dict]:
        return self._exec(sql, params).fetchall()

    def tuples(self, sql: str, *params) -> list[tuple]:
        from psycopg.rows import tuple_row

        return self._exec(sql, params, tuple_row).fetchall()

    def one(self, sql: str, *params) -> dict | None:
        return self._exec(sql, params).fetchone()

    def run(self, sql: str, *params) -> int:
        return self._exec(sql, params).rowcount

    def insert_counted(self, table: str, row: dict, column: str, counter: tuple[str, str, str],
                       *also: tuple[str, dict], final: bool = False) -> dict | None:
        """`Db.insert_counted` as one statement, one round trip: the counter's UPDATE feeds
        the INSERTs (a data-modifying CTE); each runs only if the counter's row was there.
        `final` sends COMMIT with it, in the same round trip."""
        if any(name in outbox.TABLES or name in _TENANTS for name, _ in ((table, row), *also)):
            return super().insert_counted(table, row, column, counter, *also)  # side effects
        table_c, column_c, row_id = counter
        sql = [f"WITH n AS (UPDATE {table_c} SET {column_c} = {column_c} + 1 WHERE id = ? "
               f"RETURNING {column_c} AS number)"]
        params: list = [row_id]
        sql.append(f", r AS (INSERT INTO {table} ({', '.join(row)}, {column}) "
                   f"SELECT {', '.join('?' for _ in row)}, number FROM n RETURNING 1)")
        params += [_cell(v) for v in row.values()]
        for i, (name, values) in enumerate(also):
            sql.append(f", a{i} AS (INSERT INTO {name} ({', '.join(values)}) "
                       f"SELECT {', '.join('?' for _ in values)} FROM r)")
            params += [_cell(v) for v in values.values()]
        sql.append(" SELECT number FROM n")
        if final:
            number = self._committing("".join(sql), params)
        else:
            number = self.value("".join(sql), *params)
        return None if number is None else {**row, column: number}

    def _committing(self, sql: str, params: list):
        """Run a statement and COMMIT in one round trip (pipeline mode); its first value.
        Locks it takes are held for PostgreSQL's work alone, not until the unit's next
        message, which a busy server may send milliseconds later."""
        self._still_open()
        try:
            with self.conn.pipeline():
                cur = self.conn.execute(self.sql(sql), params)
                self.conn.execute("COMMIT")
            self.settle()
        except Exception as e:  # noqa: BLE001 - psycopg's errors, mapped; the rest as they are
            _raise_in_our_words(e)
        self.finished = self.committed = True
        row = cur.fetchone()
        return None if row is None else next(iter(row.values()))

    def _still_open(self) -> None:
        if self.finished:  # a service's bug: what it sends now would run outside the unit
            raise RuntimeError("a statement after the unit committed (insert_counted's final)")

    def insert(self, table: str, row: dict) -> dict:
        first = not self.queued
        out = super().insert(table, row)
        if first and self.queued:  # delivered at commit, to every listening worker process
            self._exec(f"NOTIFY {outbox.CHANNEL}", ())
        # Whoever founds an org or joins one in this transaction acts in it from now on.
        if table == "orgs":
            self._exec("SELECT alloy_join_tenant(?)", (row["id"],))
        elif table == "org_members":  # both named in _TENANTS
            self._exec("SELECT alloy_join_tenant(?)", (row["org_id"],))
        return out


def _raise_in_our_words(err: Exception):
    """Raise a statement's error in the words of the API (the database's never reach a
    user), or the error itself when it is no client's doing."""
    import psycopg

    if isinstance(err, psycopg.errors.UniqueViolation):
        raise Conflict(f"already exists ({_constraint(err)})") from None
    if isinstance(err, psycopg.errors.ForeignKeyViolation):
        raise Conflict(f"conflicts with related data ({_constraint(err)})") from None
    if isinstance(err, psycopg.errors.DeadlockDetected):
        # Two transactions each waiting for a row the other locked (rare: a cascading
        # delete meeting a write beneath it); PostgreSQL rolled this one back.
        raise Conflict("conflicts with a concurrent change; try again") from None
    if isinstance(err, psycopg.errors.InsufficientPrivilege) and "row-level security" in str(err):
        # RLS WITH CHECK: a write aimed at another tenant's rows. They do not exist for you.
        raise NotFound("not found") from None
    raise err


def _constraint(err) -> str:
    diag = getattr(err, "diag", None)
    return (diag.constraint_name if diag and diag.constraint_name else "unique constraint")


def _checkout(pool):
    """A connection from `pool`. On the event loop (`on_loop`) an idle one is taken at once;
    when none is, the loop waits a millisecond at most (psycopg_pool refuses a timeout of 0)
    and then awaits one got in a thread."""
    if not on_loop.active():
        return pool.getconn()
    from psycopg_pool import PoolTimeout

    try:
        return pool.getconn(timeout=0.001)
    except PoolTimeout:
        return on_loop.await_(asyncio.to_thread(pool.getconn))


@functools.cache
def _connection_class():
    """psycopg's Connection, awaiting its socket on the event loop when used there
    (`on_loop`) and blocking as usual elsewhere."""
    import psycopg

    class Connection(psycopg.Connection):
        def wait(self, gen, interval=0.1, timeout=None):
            if on_loop.active():
                return _wait_on_loop(gen, self.pgconn.socket, interval, timeout)
            return super().wait(gen, interval=interval, timeout=timeout)

    return Connection


def _wait_on_loop(gen, fileno: int, interval: float, timeout: float | None):
    """Drive psycopg's generator `gen` (it asks for 1 read, 2 write, or both, and is told
    what the socket is ready for): a step the socket is ready for at once (most sends, an
    answer already there) runs in place, with no loop round trip; otherwise the greenlet
    awaits the socket on the loop, with less than psycopg's `wait_async` makes for every
    wait (a timer and closures, for its own interrupt checks)."""
    if timeout is not None:  # connecting, which the pool's threads do: psycopg's own wait
        from psycopg import waiting

        return on_loop.await_(waiting.wait_async(gen, fileno, interval=interval,
                                                 timeout=timeout))
    try:
        state = next(gen)
        while True:
            state = gen.send(_ready(fileno, state) or on_loop.await_(_ready_on_loop(fileno, state)))
    except StopIteration as done:
        return done.value


def _ready(fileno: int, state: int) -> int:
    """What the socket is ready for of what psycopg's `state` asks (1 read, 2 write), now."""
    poll = select.poll()
    poll.register(fileno, (select.POLLIN if state & 1 else 0) | (select.POLLOUT if state & 2 else 0))
    events = poll.poll(0)
    if not events:
        return 0
    mask = events[0][1]
    failed = mask & (select.POLLHUP | select.POLLERR)  # psycopg reads the error
    return (1 if mask & select.POLLIN or failed else 0) | (2 if mask & select.POLLOUT or failed else 0)


async def _ready_on_loop(fileno: int, state: int) -> int:
    """`_ready`, once the socket is ready for some of `state`: awaited on the loop."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()

    def wake(flag: int) -> None:
        if not ready.done():
            ready.set_result(flag)

    if state & 1:
        loop.add_reader(fileno, wake, 1)
    if state & 2:
        loop.add_writer(fileno, wake, 2)
    try:
        return await ready
    finally:
        if state & 1:
            loop.remove_reader(fileno)
        if state & 2:
            loop.remove_writer(fileno)


@functools.cache
def _adapters() -> tuple[type, type]:
    """Our psycopg adapters, made on first use (the core imports psycopg where it uses it):
    numeric results (SUM/AVG of integers) come back as int or float, not Decimal; booleans
    go in as 0/1 integers, as both databases store them."""
    from psycopg.adapt import Dumper, Loader
    from psycopg.postgres import types

    class Number(Loader):
        def load(self, data):
            text = bytes(data).decode()
            return int(text) if text.lstrip("-").isdigit() else float(text)

    class BoolAsInteger(Dumper):
        oid = types["int4"].oid

        def dump(self, obj):
            return b"1" if obj else b"0"

    return Number, BoolAsInteger


def _configure(conn) -> None:
    number, boolean = _adapters()
    conn.adapters.register_loader("numeric", number)
    conn.adapters.register_dumper(bool, boolean)


class PostgresStore:
    dialect = "postgres"

    def __init__(self, url: str, *, migrate_url: str | None = None,
                 pool_size: int | None = None, pool_timeout: float = 10.0, **_kw) -> None:
        self.url = url
        self.migrate_url = migrate_url or url  # Settings.db: ALLOY_MIGRATION_DATABASE_URL
        self.pool_size = pool_size or 10  # Settings.db: ALLOY_DATABASE_POOL_SIZE
        self.pool_timeout = pool_timeout
        self._pool = None
        self._lock = threading.Lock()

    def pool(self):
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    from psycopg.rows import dict_row
                    from psycopg_pool import ConnectionPool

                    self._pool = ConnectionPool(
                        self.url, min_size=1, max_size=self.pool_size, open=True,
                        timeout=self.pool_timeout,
                        kwargs={"row_factory": dict_row, "autocommit": True},  # BEGIN: PgDb.open
                        configure=_configure, name="alloy",
                        connection_class=_connection_class())
        return self._pool

    @contextlib.contextmanager
    def unit(self, write: bool = True, scope=None):
        """One transaction in `scope`; it commits only if the service called `db.commit()`."""
        # `write` only matters to SQLite (BEGIN IMMEDIATE); like SQLite's deferred BEGIN, a
        # read unit may still write, so it is not made READ ONLY here.
        scope = scope or NOBODY
        with self._connection() as conn:
            db = PgDb(conn)
            try:
                db.open(scope)
                yield db
                db.settle()  # a unit that sent no statement
            except BaseException:
                with contextlib.suppress(Exception):  # the error that brought us here wins
                    db.settle()
                conn.rollback()
                raise
            if db.committed:
                conn.commit()
                if db.queued:
                    outbox.queued()
            else:
                conn.rollback()

    @contextlib.contextmanager
    def _connection(self):
        """A pooled connection; an unreachable database answers 503, not a stack trace."""
        import psycopg
        from psycopg_pool import PoolTimeout

        pool = self.pool()
        try:
            conn = _checkout(pool)
        except (PoolTimeout, psycopg.OperationalError) as e:
            raise Unavailable(f"database unavailable: {e}") from None
        try:
            with conn:  # as the pool's own connection(): ends a transaction left open
                yield conn
        finally:
            pool.putconn(conn)

    def connect(self):
        """A fresh connection for maintenance (migrations, tests); the caller closes it."""
        import psycopg
        from psycopg.rows import dict_row

        return psycopg.connect(self.migrate_url, row_factory=dict_row, autocommit=True)

    def migrate(self) -> list[str]:
        import psycopg

        from alloy.store.migrate import migrate_postgres

        try:
            with self.connect() as conn:
                return migrate_postgres(conn)
        except psycopg.errors.InsufficientPrivilege as e:
            raise AlloyError(
                f"cannot migrate the database: {e.diag.message_primary}. Apply migrations as "
                "the owner role: set ALLOY_MIGRATION_DATABASE_URL (see docs/deployment.md)"
            ) from None
        except psycopg.OperationalError as e:
            raise Unavailable(f"cannot connect to the database: {e}") from None

    def pending_migrations(self) -> list[str]:
        import psycopg

        from alloy.store.migrate import applied_postgres, pending

        try:
            with self.connect() as conn:
                return pending("postgres", applied_postgres(conn))
        except psycopg.OperationalError as e:
            raise Unavailable(f"cannot connect to the database: {e}") from None

    def role_warning(self) -> str | None:
        """Why RLS would not bind the runtime role, or None (see pg_rls.role_warning)."""
        import psycopg
        from psycopg.rows import dict_row

        from alloy.store.pg_rls import role_warning

        with psycopg.connect(self.url, row_factory=dict_row, autocommit=True) as conn:
            return role_warning(conn)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
