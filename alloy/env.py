"""The wiring a face needs: settings, the store, JWT keys. Built by `bootstrap`, no I/O at import."""

from __future__ import annotations

import functools

from alloy.config import Settings, data_dir


class Env:
    def __init__(self, settings: Settings, store) -> None:
        self.settings = settings
        self.store = store

    @functools.cached_property
    def jwt(self):
        from alloy.security import load_jwt_keys

        return load_jwt_keys(self.settings, data_dir())

    def close(self) -> None:
        self.store.close()


def bootstrap(settings: Settings | None = None, *, migrate: bool | None = None) -> Env:
    """Open the configured database (migrating it if asked) and return the wiring."""
    from alloy.store import open_store

    settings = settings or Settings.from_env()
    store = open_store(settings.database_url)
    if settings.auto_migrate if migrate is None else migrate:
        store.migrate()
    return Env(settings, store)


def migrate_database(url: str | None = None) -> list[str]:
    """Apply pending migrations to `url` (default: the configured database); their names.
    `alloy migrate` runs this: the faces reach the store only through the core."""
    from alloy.config import default_database_url
    from alloy.store import open_store

    store = open_store(url or default_database_url())
    try:
        return store.migrate()
    finally:
        store.close()


def redacted(url: str) -> str:
    """A database URL fit for logs and output (the password masked)."""
    from alloy.store import redact

    return redact(url)
