"""Which client the TUI talks to: the CLI's rule (`alloy.client.connect.saved_login`).

Remote when `--api-url`, `ALLOY_BASE_URL` (the TUI Guide's variable) or `ALLOY_API_URL` is
set, or when the saved login was made against a server; embedded otherwise.
"""

from __future__ import annotations


def make_client(api_url: str | None = None):
    from alloy.client.connect import connect, saved_login
    from alloy.config import Settings

    return connect(saved_login(api_url or Settings.from_env().client.base_url))


def describe(client) -> str:
    return getattr(client, "base_url", None) or "embedded"
