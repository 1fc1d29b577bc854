"""Credentials, context and the client a command talks to (embedded or remote)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

STATE = {"format": None, "api_url": None}


def credentials_path() -> Path:
    from alloy.config import config_dir

    return config_dir() / "credentials.toml"


def _parsed_copy(path: Path) -> Path:
    return path.with_name(".credentials.parsed.json")


def load_credentials() -> dict:
    """credentials.toml, parsed.

    The parse is kept beside it as JSON (0600 like the file) and reused while the TOML
    file's mtime, size and inode are unchanged: importing the TOML parser would cost every
    command ~4% of its start-up. Hand edits change the stamp, so they are always read.
    """
    import json

    path = credentials_path()
    try:
        st = path.stat()
    except OSError:
        return {}
    stamp = [st.st_mtime_ns, st.st_size, st.st_ino]
    copy = _parsed_copy(path)
    try:
        kept = json.loads(copy.read_text())
        if kept["stamp"] == stamp:
            return kept["data"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    import tomllib

    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, OSError):
        return {}
    try:
        _write_private(copy, json.dumps({"stamp": stamp, "data": data}))
    except (OSError, TypeError):  # a read-only directory, or a TOML date: parse next time
        pass
    return data


def save_credentials(update: dict, *, replace: bool = False) -> dict:
    """Merge `update` into credentials.toml (None removes a key); written 0600, atomically."""
    import tomli_w

    data = {} if replace else load_credentials()
    for key, value in update.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    _parsed_copy(path).unlink(missing_ok=True)  # no stale copy of tokens outlives a change
    _write_private(path, tomli_w.dumps(data))
    return data


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` readable by the owner only, atomically."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def api_url(creds: dict | None = None) -> str | None:
    """Remote when --api-url or ALLOY_API_URL says so, or when the saved login was remote."""
    return (STATE["api_url"] or os.environ.get("ALLOY_API_URL")
            or (load_credentials() if creds is None else creds).get("api_url"))


def client(*, anonymous: bool = False):
    """The client for this command: RemoteClient against a server, else LocalClient."""
    creds = load_credentials()
    url = api_url(creds)
    if url:
        from alloy.client.remote import RemoteClient

        token = os.environ.get("ALLOY_API_TOKEN") or creds.get("access_token")

        def saved(pair: dict) -> None:
            save_credentials({"access_token": pair["access_token"],
                              "refresh_token": pair["refresh_token"]})

        return RemoteClient(url, None if anonymous else token, org_id=creds.get("org_id"),
                            refresh_token=None if anonymous else creds.get("refresh_token"),
                            on_refresh=saved)
    from alloy.actor import Actor
    from alloy.client.local import LocalClient

    actor = None
    if not anonymous and creds.get("user_id"):
        actor = Actor(user_id=creds["user_id"], email=creds.get("email", ""),
                      org_id=os.environ.get("ALLOY_ORG_ID") or creds.get("org_id"))
    return LocalClient(None, actor)


def current_org(explicit: str | None = None) -> str:
    from alloy.errors import Invalid

    org = explicit or os.environ.get("ALLOY_ORG_ID") or load_credentials().get("org_id")
    if not org:
        raise Invalid("no organization selected: pass --org-id or run `alloy org switch <ID>`")
    return org


def is_tty() -> bool:
    return sys.stdout.isatty()
