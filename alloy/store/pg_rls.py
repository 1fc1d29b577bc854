"""Row-level security for PostgreSQL, applied generically after every migration run.

The tenant of a row is its `org_id` (`id` for `orgs`). Every table that has an `org_id`
column gets RLS enabled and FORCEd and a policy admitting only the orgs of the acting user,
so tables added by later migrations are covered without writing a policy for each one.

Each unit of work starts with one statement (`ENTER`; `SELECT alloy_enter(user_id, identity,
worker)` does the same in a psql session) that sets, with transaction scope (the `SET LOCAL`
of the spec, via `set_config(..., true)`):

- `app.user_id`    the acting user ('' when anonymous);
- `app.tenant_ids` the orgs that user belongs to, read from `org_members` (a user may belong
                   to several orgs; this is the spec's `app.tenant_id` generalised to a list);
- `app.identity`   'on' only for the flows that must find an identity row before its tenant
                   is known (login, register, onboard, invite accept, API-key lookup);
- `app.worker`     'on' only for the delivery worker, which sees every tenant's webhooks,
                   queued webhook deliveries and queued Slack messages (the outboxes), and
                   nothing else.

Identity tables have narrower, per-command policies (below). `users` and `refresh_tokens`
are user-scoped, not tenant-scoped (a refresh token is looked up by its hash before anyone
is known), so they carry no tenant policy; `audit_log` rows with no org are visible to
their actor only; audit rows can never be updated or deleted through the runtime role.
"""

from __future__ import annotations

VERSION = "alloy-rls v5"


def _enter(user: str, identity: str, worker: str) -> str:
    """The statement setting a unit's scope, from three SQL expressions: the user's id and
    'on'/'off' for identity and worker mode.

    One statement, its settings made left to right: the org list is read from org_members
    under its policy, which admits the user's own rows by app.user_id, so app.user_id is set
    before it. The store sends it itself, a statement prepared once per connection: about
    30 µs of PostgreSQL's time, where calling the PL/pgSQL function of two statements it
    replaces took 85 µs (on every unit of work)."""
    return (f"SELECT set_config('app.user_id', coalesce({user}, ''), true), "
            f"set_config('app.identity', {identity}, true), "
            f"set_config('app.worker', {worker}, true), "
            "set_config('app.tenant_ids', coalesce((SELECT string_agg(org_id, ',') "
            f"FROM org_members WHERE user_id = {user}), ''), true)")


ENTER = _enter("%(user)s", "%(identity)s", "%(worker)s")  # with psycopg's placeholders


def enter_params(scope) -> dict:
    """`ENTER`'s parameters for a `alloy.store.Scope`."""
    return {"user": scope.user_id, "identity": "on" if scope.identity else "off",
            "worker": "on" if scope.worker else "off"}


FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION alloy_tenants() RETURNS text[]
       LANGUAGE sql STABLE AS $$
       SELECT string_to_array(nullif(current_setting('app.tenant_ids', true), ''), ',')
       $$""",
    """CREATE OR REPLACE FUNCTION alloy_user() RETURNS text
       LANGUAGE sql STABLE AS $$
       SELECT nullif(current_setting('app.user_id', true), '')
       $$""",
    """CREATE OR REPLACE FUNCTION alloy_identity_ok() RETURNS boolean
       LANGUAGE sql STABLE AS $$
       SELECT coalesce(current_setting('app.identity', true), '') = 'on'
       $$""",
    """CREATE OR REPLACE FUNCTION alloy_worker_ok() RETURNS boolean
       LANGUAGE sql STABLE AS $$
       SELECT coalesce(current_setting('app.worker', true), '') = 'on'
       $$""",
    f"""CREATE OR REPLACE FUNCTION alloy_enter(uid text, identity boolean, worker boolean)
       RETURNS void LANGUAGE sql AS $$
       {_enter("uid", "CASE WHEN identity THEN 'on' ELSE 'off' END",
               "CASE WHEN worker THEN 'on' ELSE 'off' END")}
       $$""",
    """CREATE OR REPLACE FUNCTION alloy_join_tenant(org text) RETURNS void
       LANGUAGE sql AS $$
       SELECT set_config('app.tenant_ids', concat_ws(',',
         nullif(current_setting('app.tenant_ids', true), ''), org), true)
       $$""",
    f"COMMENT ON FUNCTION alloy_enter(text, boolean, boolean) IS '{VERSION}'",
]


# The settings are read in scalar sub-selects: PostgreSQL evaluates those once per query (an
# InitPlan) instead of once per row, and `org_id = ANY(array)` can use an index on org_id.
def T(col: str) -> str:  # noqa: N802 - reads like the policy it writes
    return f"{col} IN (SELECT unnest(alloy_tenants()))"


def U(col: str) -> str:  # noqa: N802
    return f"{col} = (SELECT alloy_user())"


ID = "(SELECT alloy_identity_ok())"
WORKER = "(SELECT alloy_worker_ok())"

# table -> [(policy name, command, USING, WITH CHECK)]
SPECIAL: dict[str, list[tuple[str, str, str | None, str | None]]] = {
    "orgs": [
        ("alloy_select", "SELECT", f"{T('id')} OR {ID}", None),
        ("alloy_insert", "INSERT", None, "true"),  # anyone may found an org
        ("alloy_update", "UPDATE", f"{T('id')}", f"{T('id')}"),
        ("alloy_delete", "DELETE", f"{T('id')}", None),
    ],
    "org_members": [
        ("alloy_select", "SELECT", f"{T('org_id')} OR {U('user_id')} OR {ID}", None),
        ("alloy_insert", "INSERT", None, f"{T('org_id')} OR {ID}"),
        ("alloy_update", "UPDATE", f"{T('org_id')}", f"{T('org_id')}"),
        ("alloy_delete", "DELETE", f"{T('org_id')}", None),
    ],
    "invites": [
        ("alloy_select", "SELECT", f"{T('org_id')} OR {ID}", None),
        ("alloy_insert", "INSERT", None, f"{T('org_id')}"),
        ("alloy_update", "UPDATE", f"{T('org_id')} OR {ID}", f"{T('org_id')} OR {ID}"),
        ("alloy_delete", "DELETE", f"{T('org_id')}", None),
    ],
    "api_keys": [
        ("alloy_select", "SELECT", f"{T('org_id')} OR {U('user_id')} OR {ID}", None),
        ("alloy_insert", "INSERT", None, f"{T('org_id')}"),
        ("alloy_update", "UPDATE", f"{T('org_id')} OR {U('user_id')} OR {ID}",
         f"{T('org_id')} OR {U('user_id')} OR {ID}"),
        ("alloy_delete", "DELETE", f"{T('org_id')} OR {U('user_id')}", None),
    ],
    # SSO sign-in finds the org's provider and its pending state before anyone is known.
    "identity_providers": [
        ("alloy_select", "SELECT", f"{T('org_id')} OR {ID}", None),
        ("alloy_insert", "INSERT", None, f"{T('org_id')}"),
        ("alloy_update", "UPDATE", f"{T('org_id')} OR {ID}", f"{T('org_id')} OR {ID}"),
        ("alloy_delete", "DELETE", f"{T('org_id')}", None),
    ],
    "sso_states": [
        ("alloy_select", "SELECT", f"{T('org_id')} OR {ID}", None),
        ("alloy_insert", "INSERT", None, f"{T('org_id')} OR {ID}"),
        ("alloy_update", "UPDATE", f"{T('org_id')} OR {ID}", f"{T('org_id')} OR {ID}"),
        ("alloy_delete", "DELETE", f"{T('org_id')} OR {ID}", None),
    ],
    # SSO sign-in must see a SCIM deactivation before anyone is known, so as not to re-admit.
    "scim_suspensions": [
        ("alloy_select", "SELECT", f"{T('org_id')} OR {ID}", None),
        ("alloy_insert", "INSERT", None, f"{T('org_id')}"),
        ("alloy_update", "UPDATE", f"{T('org_id')}", f"{T('org_id')}"),
        ("alloy_delete", "DELETE", f"{T('org_id')}", None),
    ],
    # The webhook worker delivers every tenant's queued events (the outbox).
    "webhooks": [
        ("alloy_select", "SELECT", f"{T('org_id')} OR {WORKER}", None),
        ("alloy_insert", "INSERT", None, f"{T('org_id')}"),
        ("alloy_update", "UPDATE", f"{T('org_id')}", f"{T('org_id')}"),
        ("alloy_delete", "DELETE", f"{T('org_id')}", None),
    ],
    "webhook_deliveries": [
        ("alloy_select", "SELECT", f"{T('org_id')} OR {WORKER}", None),
        ("alloy_insert", "INSERT", None, f"{T('org_id')}"),
        ("alloy_update", "UPDATE", f"{T('org_id')} OR {WORKER}", f"{T('org_id')} OR {WORKER}"),
        ("alloy_delete", "DELETE", f"{T('org_id')}", None),
    ],
    # The same worker sends every tenant's queued Slack notifications (alloy.integrations.slack_outbox).
    "slack_messages": [
        ("alloy_select", "SELECT", f"{T('org_id')} OR {WORKER}", None),
        ("alloy_insert", "INSERT", None, f"{T('org_id')}"),
        ("alloy_update", "UPDATE", f"{T('org_id')} OR {WORKER}", f"{T('org_id')} OR {WORKER}"),
        ("alloy_delete", "DELETE", f"{T('org_id')}", None),
    ],
    "audit_log": [
        ("alloy_select", "SELECT", f"{T('org_id')} OR (org_id IS NULL AND {U('actor_id')})", None),
        ("alloy_insert", "INSERT", None, f"org_id IS NULL OR {T('org_id')}"),
    ],
}

# Tables with an org_id column that are not tenant data (see the module docstring).
EXEMPT = frozenset({"refresh_tokens"})

GENERIC = [("alloy_tenant", "ALL", f"{T('org_id')}", f"{T('org_id')}")]


def tenant_tables(conn) -> list[str]:
    """Every table in the schema that has an org_id column (plus orgs), minus the exempt."""
    rows = conn.execute(
        "SELECT c.relname AS name FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND ("
        " c.relname = 'orgs' OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid"
        " AND a.attname = 'org_id' AND NOT a.attisdropped)) ORDER BY 1").fetchall()
    return [_name(r) for r in rows if _name(r) not in EXEMPT]


def _name(row):
    return row["name"] if isinstance(row, dict) else row[0]


def opened_by(flag: str) -> set[str]:
    """Tables whose SELECT policy admits rows of every tenant in a scope (ID or WORKER)."""
    return {t for t, rules in SPECIAL.items()
            if any(cmd == "SELECT" and flag in (using or "") for _, cmd, using, _ in rules)}


def policies_for(table: str):
    return SPECIAL.get(table, GENERIC)


def ensure(conn) -> list[str]:
    """Create the functions and enable + FORCE RLS with policies where missing (idempotent).

    Runs inside the migration transaction, so it needs the owner role only when something
    is missing: a fully set-up database is left untouched.
    """
    done = []
    marker = conn.execute(
        "SELECT obj_description(to_regprocedure('alloy_enter(text,boolean,boolean)'), 'pg_proc') "
        "AS name"
    ).fetchone()
    upgrade = _name(marker) != VERSION
    if upgrade:  # new definitions: recreate the functions and every policy of ours
        for row in conn.execute("SELECT tablename::text AS t, policyname::text AS p "
                                "FROM pg_policies WHERE schemaname = current_schema() "
                                "AND policyname LIKE 'alloy%'").fetchall():
            conn.execute(f"DROP POLICY {row['p']} ON {row['t']}")
        conn.execute("DROP FUNCTION IF EXISTS alloy_tenant_ok(text), alloy_user_ok(text), "
                     "alloy_enter(text, boolean)")
        for statement in FUNCTIONS:
            conn.execute(statement)
        done.append("functions")
    state = {_name(r): r for r in conn.execute(
        "SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS force "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema()").fetchall()}
    have = {(r["tablename"], r["policyname"]) for r in conn.execute(
        "SELECT tablename::text, policyname::text FROM pg_policies "
        "WHERE schemaname = current_schema()").fetchall()}
    for table in tenant_tables(conn):
        row = state[table]
        if not row["rls"]:
            conn.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        if not row["force"]:
            conn.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        for name, command, using, check in policies_for(table):
            if (table, name) in have:
                continue
            sql = f"CREATE POLICY {name} ON {table} FOR {command}"
            if using:
                sql += f" USING ({using})"
            if check:
                sql += f" WITH CHECK ({check})"
            conn.execute(sql)
            done.append(f"{table}.{name}")
    return done


def role_warning(conn) -> str | None:
    """Why RLS would not protect this connection's role, or None when it does."""
    row = conn.execute("SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles "
                       "WHERE rolname = current_user").fetchone()
    if row and (row["rolsuper"] or row["rolbypassrls"]):
        return (f"database role '{row['name']}' is a superuser or has BYPASSRLS: row-level "
                "security is not enforced. Run the server as a runtime role without them "
                "(see docs/deployment.md).")
    return None
