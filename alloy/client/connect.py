"""Which client a face talks to: the one place embedded-or-remote is decided.

A face says who it acts as and where with a `Login`; `connect` turns it into a client:
RemoteClient when the login names a server, else LocalClient on the local database (acting
as the login's token when it has one, else as its saved user). `saved_login` is the rule of
the CLI and the TUI; the MCP server builds its Login from its own environment variables,
as the MCP Guide describes.
"""

from __future__ import annotations

import msgspec

from alloy.client import credentials
from alloy.config import Settings


class Login(msgspec.Struct, frozen=True, kw_only=True):
    """Where to reach Alloy (a server URL, or None: embedded) and who to act as."""

    api_url: str | None = None
    token: str | None = None  # an access token or an API key
    refresh_token: str | None = None
    org_id: str | None = None
    org_named: bool = False  # embedded: org_id named for this run (ALLOY_ORG_ID), not saved
    user_id: str | None = None  # embedded, no token: act as this saved user
    email: str = ""
    saved: bool = False  # from credentials.toml: a refreshed token pair is saved back

    @property
    def mode(self) -> str:
        return "remote" if self.api_url else "embedded"


def server_url(explicit: str | None = None, creds: dict | None = None,
               settings: Settings | None = None) -> str | None:
    """Remote when a flag, ALLOY_API_URL or the saved login (a server's) names a server."""
    settings = settings or Settings.from_env()
    return (explicit or settings.client.api_url  # a broken file is reported by saved_login
            or (credentials.load(tolerant=True) if creds is None else creds).get("api_url"))


def saved_login(api_url: str | None = None, *, anonymous: bool = False) -> Login:
    """The CLI's and TUI's login: `api_url` (a flag) or the environment, then credentials.toml.

    Remote uses ALLOY_API_TOKEN or the saved token; embedded acts as the saved user in
    ALLOY_ORG_ID or the saved org. `anonymous` keeps only the where (login, onboard, health).
    """
    creds, settings = credentials.load(tolerant=anonymous), Settings.from_env()
    url = server_url(api_url, creds, settings)
    if url:
        if anonymous:
            return Login(api_url=url, org_id=creds.get("org_id"))
        if settings.client.api_token:  # the saved org is the saved login's, not this token's
            return Login(api_url=url, token=settings.client.api_token,
                         refresh_token=creds.get("refresh_token"),
                         org_id=settings.client.org_id, saved=True)
        token = creds.get("access_token")
        return Login(api_url=url, token=token, refresh_token=creds.get("refresh_token"),
                     org_id=settings.client.org_id or _not_the_tokens(creds.get("org_id"), token),
                     saved=True)
    if anonymous:
        return Login()
    return Login(user_id=creds.get("user_id"), email=creds.get("email", ""),
                 org_id=saved_org(None, creds, settings),
                 org_named=bool(settings.client.org_id))


def _not_the_tokens(org_id: str | None, token: str | None) -> str | None:
    """The saved org, unless the access token already names it (the org of the login).

    Sent, it is `X-Alloy-Org-Id`, which names an org outright: it wins where the server
    picks one (a new API key, a report), and the login's own org must not. The claim is
    read, not verified: the server verifies the token."""
    import base64
    import json

    try:
        payload = (token or "").split(".")[1]
        claimed = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return org_id
    return None if isinstance(claimed, dict) and claimed.get("org_id") == org_id else org_id


def saved_org(explicit: str | None = None, creds: dict | None = None,
              settings: Settings | None = None) -> str | None:
    """The organization a face acts in: a flag, else ALLOY_ORG_ID, else the saved one."""
    return (explicit or (settings or Settings.from_env()).client.org_id
            or (credentials.load() if creds is None else creds).get("org_id"))


def connect(login: Login | None = None, *, env=None):
    """The client for `login` (default: `saved_login()`); `env` shares one embedded database."""
    login = saved_login() if login is None else login
    if login.api_url:
        from alloy.client.remote import RemoteClient

        return RemoteClient(login.api_url, login.token, org_id=login.org_id,
                            refresh_token=login.refresh_token,
                            on_refresh=_save_pair if login.saved else None)
    from alloy.client.local import LocalClient

    actor = None
    if login.user_id and not login.token:
        from alloy.actor import Actor

        actor = Actor(user_id=login.user_id, email=login.email, org_id=login.org_id,
                      org_named=login.org_named)
    return LocalClient(env, actor, token=login.token, org_id=login.org_id)


def _save_pair(pair: dict) -> None:
    credentials.save({"access_token": pair["access_token"], "refresh_token": pair["refresh_token"]})
