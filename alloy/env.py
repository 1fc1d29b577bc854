"""The wiring a face needs: settings, the store, JWT keys. Built by `bootstrap`, no I/O at import."""

from __future__ import annotations

import functools
import time

from alloy.config import Settings


class Env:
    def __init__(self, settings: Settings, store) -> None:
        self.settings = settings
        self.store = store
        self.started = time.monotonic()  # GET /health reports the uptime from here

    @functools.cached_property
    def jwt(self):
        from alloy.security import load_jwt_keys

        return load_jwt_keys(self.settings.auth, self.settings.paths.data)

    def close(self) -> None:
        self.store.close()


def bootstrap(settings: Settings | None = None, *, migrate: bool | None = None) -> Env:
    """Open the configured database (migrating it if asked) and return the wiring."""

    settings = settings or Settings.from_env()
    store = _open(settings)
    if settings.db.auto_migrate if migrate is None else migrate:
        store.migrate()
    return Env(settings, store)


def require_migrated(env: Env) -> None:
    """Refuse to serve a database with migrations pending (`ALLOY_AUTO_MIGRATE=false`): it
    would answer "healthy" and then fail every request that meets a missing table."""
    from alloy.errors import NotConfigured

    missing = env.store.pending_migrations()
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise NotConfigured(
            f"the database has {len(missing)} pending migration(s) ({shown}) and "
            "ALLOY_AUTO_MIGRATE is false: apply them with `alloy migrate` (same "
            "ALLOY_DATABASE_URL), or start without ALLOY_AUTO_MIGRATE=false")


def _open(settings: Settings):
    from alloy.store import open_store

    db = settings.db
    return open_store(db.url, migrate_url=db.migration_url, pool_size=db.pool_size)


def migrate_database(settings: Settings | None = None) -> list[str]:
    """Apply pending migrations to the configured database; their names.
    `alloy migrate` runs this: the faces reach the store only through the core."""
    store = _open(settings or Settings.from_env())
    try:
        return store.migrate()
    finally:
        store.close()


def redacted(url: str) -> str:
    """A database URL fit for logs and output (the password masked)."""
    from alloy.store import redact

    return redact(url)
