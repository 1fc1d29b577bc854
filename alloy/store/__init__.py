"""Storage: one SQL layer over a DB-API connection, a unit of work per service call.

SQL is written once with `?` placeholders; the PostgreSQL store rewrites them. Values are
plain text, integers and booleans, so the same statements serve both databases.
"""

from __future__ import annotations


def open_store(url: str, **kw):
    """Build the store for a database URL (`sqlite:///path` or `postgres://...`)."""
    if url.startswith(("postgres://", "postgresql://")):
        from alloy.store.postgres import PostgresStore

        return PostgresStore(url, **kw)
    from alloy.store.sqlite import SqliteStore

    return SqliteStore(sqlite_path(url), **kw)


def sqlite_path(url: str) -> str:
    """`sqlite:///abs.db`, `sqlite://rel.db`, `sqlite:rel.db` or a bare path -> a file path."""
    for prefix in ("sqlite:///", "sqlite://", "sqlite:"):
        if url.startswith(prefix):
            rest = url[len(prefix):]
            return "/" + rest if prefix == "sqlite:///" and not rest.startswith("/") else rest
    return url
