"""How a core error is written on the wire: Alloy's envelope, in one place.

Kept apart from `server.app` (which imports Litestar) so that a server without Litestar,
`alloy-mcp --http`'s token routes, writes the same envelope without loading it.
"""

from __future__ import annotations

from typing import NamedTuple

from alloy.errors import AlloyError

JSON = "application/json"


class ErrorBody(NamedTuple):
    """What a formatter makes of a core error: status, JSON body, media type, headers."""

    status: int
    body: dict
    media_type: str = JSON
    headers: dict | None = None


def envelope(err: AlloyError) -> ErrorBody:
    """Alloy's error envelope: `{"error": {"code", "message", "details"}}`."""
    return ErrorBody(err.status, err.envelope())
