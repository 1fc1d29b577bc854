"""Health and version: public, cheap, and what monitoring and `alloy health` call."""

from __future__ import annotations

import functools
import time

import alloy
from alloy.context import Ctx
from alloy.domain.identity import Health, Version
from alloy.ops import op

DATABASES = {"sqlite": "sqlite", "postgres": "postgresql"}  # store dialect -> the spec's name


@op("GET", "/health", auth=False, tx=False)
def health(ctx: Ctx) -> Health:
    """Report that the server is up, whether its database answers, and its schema level.

    Runs its own read so a database that does not answer gives `db_healthy: false` and
    `status: degraded` (still 200: the process is alive) instead of an error page.
    """
    try:
        with ctx.transaction(write=False) as db:
            db.value("SELECT 1")
            latest = db.value("SELECT MAX(version) FROM schema_migrations")
        healthy = True
    except Exception:  # noqa: BLE001 - any database failure is what this reports
        healthy, latest = False, None
    return Health(status="ok" if healthy else "degraded", version=alloy.version(),
                  database=DATABASES.get(ctx.env.store.dialect, ctx.env.store.dialect),
                  db_healthy=healthy,
                  migration_version=None if latest is None else f"{int(latest):04d}",
                  uptime_seconds=int(time.monotonic() - ctx.env.started))


@op("GET", "/api/v1/version", auth=False)
def version(ctx: Ctx) -> Version:
    """The server's version, API level and build profile."""
    return Version(version=alloy.version(), profile=profile())


@functools.cache
def profile() -> str:
    """`release` when the code runs from an installed package (site-packages), `development`
    when it runs from a source checkout (an editable install, tests): what the build profile
    of the spec's server told its readers."""
    from pathlib import Path

    parts = Path(alloy.__file__).resolve().parts
    return "release" if {"site-packages", "dist-packages"} & set(parts) else "development"
