"""Health and version: public, cheap, and what monitoring and `alloy health` call."""

from __future__ import annotations

import alloy
from alloy.context import Ctx
from alloy.domain.identity import Health, Version
from alloy.ops import op


@op("GET", "/health", auth=False)
def health(ctx: Ctx) -> Health:
    """Report that the server is up and its database answers."""
    ctx.db.value("SELECT 1")
    return Health(status="ok", version=alloy.version(), database=ctx.env.store.dialect)


@op("GET", "/api/v1/version", auth=False)
def version(ctx: Ctx) -> Version:
    """The server's version and API level."""
    return Version(version=alloy.version())
