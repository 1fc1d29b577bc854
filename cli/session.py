"""The CLI's context: global flags, saved credentials, and the one client of an invocation.

Credentials and the embedded-or-remote choice live in the core (`alloy.client.credentials`,
`alloy.client.connect`); these names stay as thin delegates the command modules call.
"""

from __future__ import annotations

import os
import sys

from alloy.client import credentials

STATE = {"format": None, "api_url": None}
_CLIENTS: dict[bool, object] = {}  # this invocation's clients, by `anonymous`; see close()

load_credentials = credentials.load
save_credentials = credentials.save
credentials_path = credentials.path


def api_url(creds: dict | None = None) -> str | None:
    """Remote when --api-url or ALLOY_API_URL says so, or when the saved login was remote."""
    from alloy.client.connect import server_url

    return server_url(STATE["api_url"], creds)


def client(*, anonymous: bool = False):
    """The client for this command, made once per invocation (RemoteClient against a server,
    else LocalClient); embedded, the anonymous and the logged-in client share one database."""
    found = _CLIENTS.get(anonymous)
    if found is None:
        from alloy.client.connect import connect, saved_login

        other = _CLIENTS.get(not anonymous)
        found = _CLIENTS[anonymous] = connect(
            saved_login(STATE["api_url"], anonymous=anonymous),
            env=getattr(other, "env", None))
    return found


def close() -> None:
    """End of the invocation: close its clients (database, HTTP connections)."""
    while _CLIENTS:
        _, found = _CLIENTS.popitem()
        found.close()


def current_org(explicit: str | None = None) -> str:
    from alloy.errors import Invalid

    org = explicit or os.environ.get("ALLOY_ORG_ID") or load_credentials().get("org_id")
    if not org:
        raise Invalid("no organization selected: pass --org-id or run `alloy org switch <ID>`")
    return org


def is_tty() -> bool:
    return sys.stdout.isatty()
