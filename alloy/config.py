"""Settings from ALLOY_* environment variables and flags; paths from platformdirs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import msgspec


def _user_dir(kind: str, xdg: str, fallback: str) -> Path:
    """The per-user directory: XDG on Linux (read directly: every CLI call needs it and
    importing platformdirs costs more than the rest of the lookup), platformdirs elsewhere."""
    if sys.platform.startswith("linux"):
        base = os.environ.get(xdg) or os.path.expanduser(fallback)
        return Path(base) / "alloy"
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")("alloy", appauthor=False))


def data_dir() -> Path:
    override = os.environ.get("ALLOY_DATA_DIR")
    return Path(override) if override else _user_dir("data", "XDG_DATA_HOME", "~/.local/share")


def config_dir() -> Path:
    override = os.environ.get("ALLOY_CONFIG_DIR")
    return Path(override) if override else _user_dir("config", "XDG_CONFIG_HOME", "~/.config")


def default_database_url() -> str:
    return os.environ.get("ALLOY_DATABASE_URL") or f"sqlite:///{data_dir() / 'alloy.db'}"


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() not in ("0", "false", "no", "off")


REGISTRATION_MODES = {"open": "open", "invite": "invite", "invite_only": "invite",
                      "invite-only": "invite", "disabled": "disabled", "closed": "disabled"}


class Settings(msgspec.Struct, kw_only=True):
    """Server and store settings (a msgspec Struct: the dataclasses machinery costs every CLI
    call a few milliseconds)."""

    database_url: str
    host: str = "0.0.0.0"
    port: int = 3000
    registration: str = "open"
    auto_migrate: bool = True
    jwt_issuer: str = "alloy"
    jwt_audience: str = "alloy-api"
    jwt_ttl_seconds: int = 3600
    refresh_ttl_days: int = 30
    invite_ttl_days: int = 7
    public_url: str | None = None
    cors_origins: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        env = os.environ
        mode = env.get("ALLOY_REGISTRATION", "open").strip().lower()
        values = dict(
            database_url=default_database_url(),
            host=env.get("HOST", "0.0.0.0"),
            port=int(env.get("PORT", "3000")),
            registration=REGISTRATION_MODES.get(mode, "invite"),
            auto_migrate=_flag("ALLOY_AUTO_MIGRATE", True),
            jwt_issuer=env.get("ALLOY_JWT_ISSUER", "alloy"),
            jwt_audience=env.get("ALLOY_JWT_AUDIENCE", "alloy-api"),
            jwt_ttl_seconds=int(env.get("ALLOY_JWT_TTL_SECONDS", "3600")),
            public_url=env.get("ALLOY_PUBLIC_URL") or None,
            cors_origins=tuple(o.strip() for o in env.get("ALLOY_CORS_ORIGINS", "").split(",")
                               if o.strip()),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "localhost" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"
