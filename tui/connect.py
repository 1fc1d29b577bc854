"""Which client the TUI talks to: the CLI's choice (credentials.toml), shared, not copied.

Remote when `--api-url`, `ALLOY_BASE_URL` (the TUI Guide's variable) or `ALLOY_API_URL` is
set, or when the saved login was made against a server; embedded otherwise.
"""

from __future__ import annotations

import os


def make_client(api_url: str | None = None):
    from alloy.cli import session

    url = api_url or os.environ.get("ALLOY_BASE_URL")
    saved = session.STATE["api_url"]
    if url:
        session.STATE["api_url"] = url
    try:
        return session.client()
    finally:
        session.STATE["api_url"] = saved


def describe(client) -> str:
    return getattr(client, "base_url", None) or "embedded"
