"""Storage: one SQL layer over a DB-API connection, a unit of work per service call.

SQL is written once with `?` placeholders; the PostgreSQL store rewrites them. Values are
plain text, integers and booleans, so the same statements serve both databases.
"""

from __future__ import annotations

import contextlib
import contextvars

import msgspec


class Scope(msgspec.Struct, frozen=True, kw_only=True):
    """Whose rows a unit of work may touch (enforced by RLS on PostgreSQL, ignored on SQLite).

    `user_id` is the acting user ('' when anonymous): the store admits the orgs they belong
    to. `identity` additionally opens the identity tables (orgs, org_members, invites,
    api_keys) for the few flows that must find a row before its tenant is known: logging
    in, registering (possibly with an invite code), onboarding, accepting an invite and
    resolving an API key by its hash. Tenant data tables (projects, tickets, ...) never
    open in identity mode. `worker` is the delivery worker's scope: every tenant's webhooks,
    queued webhook deliveries and queued Slack messages (the outboxes), and no other tenant
    data.
    """

    user_id: str = ""
    identity: bool = False
    worker: bool = False


NOBODY = Scope()
IDENTITY = Scope(identity=True)
WORKER = Scope(worker=True)  # background delivery of every tenant's queued webhook events

# Authenticated operations that must look a row up across tenants (by a secret).
IDENTITY_OPS = frozenset({"invites.accept"})


def scope_for(op, actor) -> Scope:
    """The scope an operation runs in: its actor's orgs, plus identity lookups if it needs them."""
    return Scope(user_id=actor.user_id if actor is not None else "",
                 identity=not op.auth or op.name in IDENTITY_OPS)


class WouldBlock(Exception):  # noqa: N818 - a signal to retry elsewhere, not a failure
    """A unit of work opened under `no_wait` would have had to wait for the database (a
    writer in another thread or process); nothing was written. Run it again where waiting
    is fine."""


_NO_WAIT = contextvars.ContextVar("alloy_store_no_wait", default=False)


@contextlib.contextmanager
def no_wait():
    """Units of work opened inside never wait for a lock: they raise `WouldBlock` instead.

    For work run on the server's event loop, which must not sleep in a lock (it would stall
    every other request). Only the SQLite store ever waits in-process; PostgreSQL units are
    never run this way."""
    token = _NO_WAIT.set(True)
    try:
        yield
    finally:
        _NO_WAIT.reset(token)


def waiting_allowed() -> bool:
    return not _NO_WAIT.get()


def redact(url: str) -> str:
    """A database URL fit for logs: `postgres://user:secret@host/db` -> `postgres://user:***@host/db`."""
    import re

    return re.sub(r"^([a-z]+://[^:/@]*):[^@/]*@", r"\1:***@", url)


def open_store(url: str, **kw):
    """Build the store for a database URL (`sqlite:///path` or `postgres://...`)."""
    if url.startswith(("postgres://", "postgresql://")):
        from alloy.extras import require

        require("postgres")  # before the import: the store's module needs greenlet
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
