"""All configuration: `Settings`, read from the environment, in typed sections.

Every variable Alloy reads is declared here once, as a field of its section: the field's type
and default, and `var(...)` naming the variable and how its text is read. `Settings.from_env`
is the one parser (docs/server.md lists every variable; a test keeps the two in step).

A section is parsed on first use: a CLI command pays only for what it touches, and a bad
value for a feature it does not use cannot stop it; the server checks every section when it
starts (`Settings.check`). A bad value raises NotConfigured in one line that names the
variable, what it must be and what it got. Import and build stay cheap (msgspec only, no
platformdirs on Linux): every CLI call builds Settings.

The CLI's own variables (ALLOY_FORMAT, NO_COLOR, ALLOY_NO_PROMPT, ALLOY_DEBUG, ALLOY_PASSWORD)
are the `cli` section, read only once a command runs: `alloy --help` imports no msgspec.
(`_ALLOY_COMPLETE` is Click's shell-completion protocol, not a setting: cli/main.py reads it.)
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import msgspec

from alloy.errors import NotConfigured

_READERS: dict[str, Callable[[str], object]] = {}  # variable -> reads its (stripped) text
_VERBATIM: set[str] = set()  # variables whose text is read as given, spaces and all


def var(name: str, default, read: Callable[[str], object] = str, *, strip: bool = True):
    """A field read from the variable `name` with `read`, `default` when unset or empty.
    `read` raises ValueError naming what the value must be ("a whole number of seconds").
    `strip=False` keeps the text as given (a password may begin or end with a space)."""
    _READERS[name] = read
    if not strip:
        _VERBATIM.add(name)
    return msgspec.field(default=default, name=name)


def _whole(unit: str = "", least: int = 0):
    what = f"{'a positive' if least else 'a'} whole number{f' of {unit}' if unit else ''}"

    def read(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(what) from None
        if value < least:
            raise ValueError(what)
        return value
    return read


def _port(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise ValueError("a port number (1-65535)")
    return value


def _seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also refuses nan
        raise ValueError("a number of seconds (0 or more)")
    return value


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _flag(raw: str) -> bool:
    word = raw.lower()
    if word not in _TRUE + _FALSE:
        raise ValueError("true or false (also 1/0, yes/no, on/off)")
    return word in _TRUE


def _set(raw: str) -> bool:
    """Any value turns it on (NO_COLOR's convention, no-color.org: `NO_COLOR=0` too)."""
    return True


def _list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _optional_port(raw: str) -> int:
    if raw == "0":
        return 0
    try:
        return _port(raw)
    except ValueError:
        raise ValueError("a port number (1-65535), or 0 for none") from None


_DNS_NAME = r"(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*"


def _domain(raw: str) -> str:
    import re

    name = raw.lower().rstrip(".")
    if not re.fullmatch(_DNS_NAME, name):
        raise ValueError("a domain name such as api.example.com (no scheme, port or wildcard)")
    return name


def _email(raw: str) -> str:
    address = raw.removeprefix("mailto:")
    local, at, domain = address.rpartition("@")
    if not (at and local and "." in domain) or any(c.isspace() for c in address):
        raise ValueError("an email address such as ops@example.com")
    return address


def _http_url(raw: str) -> str:
    if not raw.startswith(("https://", "http://")):
        raise ValueError("an http(s):// URL")
    return raw


REGISTRATION_MODES = {"open": "open", "invite": "invite", "invite_only": "invite",
                      "invite-only": "invite", "disabled": "disabled", "closed": "disabled"}


PASSWORD_HASHING = ("standard", "minimal")


def _hashing(raw: str) -> str:
    if raw.lower() not in PASSWORD_HASHING:
        raise ValueError("standard, or minimal (test suites only)")
    return raw.lower()


def _registration(raw: str) -> str:
    mode = REGISTRATION_MODES.get(raw.lower())
    if mode is None:
        raise ValueError("open, invite or disabled")
    return mode


class Section(msgspec.Struct, frozen=True, kw_only=True):
    """One concern's settings; fields declared with `var` come from the environment."""

    @classmethod
    def parse(cls, environ: Mapping[str, str]):
        values = {}
        for field, name in zip(cls.__struct_fields__, cls.__struct_encode_fields__, strict=True):
            read = _READERS.get(name)
            raw = (environ.get(name) or "") if read else ""
            if name not in _VERBATIM:
                raw = raw.strip()
            if raw:
                try:
                    values[field] = read(raw)
                except ValueError as why:
                    raise NotConfigured(f"{name} must be {why}, got {raw!r}") from None
        return cls(**values)


class Paths(Section):
    """Where Alloy keeps its files: the platform's per-user directories unless named."""

    data_dir: str = var("ALLOY_DATA_DIR", "")  # the embedded database, generated JWT keys
    config_dir: str = var("ALLOY_CONFIG_DIR", "")  # credentials.toml
    xdg_data_home: str = var("XDG_DATA_HOME", "")
    xdg_config_home: str = var("XDG_CONFIG_HOME", "")

    @property
    def data(self) -> Path:
        return Path(self.data_dir) if self.data_dir else _user_dir(
            "data", self.xdg_data_home, "~/.local/share")

    @property
    def config(self) -> Path:
        return Path(self.config_dir) if self.config_dir else _user_dir(
            "config", self.xdg_config_home, "~/.config")


def _user_dir(kind: str, xdg: str, fallback: str) -> Path:
    """The per-user directory: XDG on Linux (read directly: every CLI call needs it and
    importing platformdirs costs more than the rest of the lookup), platformdirs elsewhere."""
    if sys.platform.startswith("linux"):
        return Path(xdg or os.path.expanduser(fallback)) / "alloy"
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")("alloy", appauthor=False))


class Db(Section):
    """The database."""

    url: str = var("ALLOY_DATABASE_URL", "")  # "": sqlite:///<data dir>/alloy.db
    migration_url: str | None = var("ALLOY_MIGRATION_DATABASE_URL", None)  # PostgreSQL owner
    pool_size: int = var("ALLOY_DATABASE_POOL_SIZE", 10, _whole("connections", 1))
    auto_migrate: bool = var("ALLOY_AUTO_MIGRATE", True, _flag)


class Auth(Section):
    """Sign-up, access tokens (EdDSA JWTs), refresh tokens and invites."""

    registration: str = var("ALLOY_REGISTRATION", "open", _registration)
    jwt_issuer: str = var("ALLOY_JWT_ISSUER", "alloy")
    jwt_audience: str = var("ALLOY_JWT_AUDIENCE", "alloy-api")
    jwt_ttl_seconds: int = var("ALLOY_JWT_TTL_SECONDS", 3600, _whole("seconds", 1))
    # Ed25519 PEM keys, inline (\n escapes allowed) or from files; none: generated once.
    jwt_private_key: str | None = var("ALLOY_JWT_PRIVATE_KEY", None)
    jwt_private_key_file: str | None = var("ALLOY_JWT_PRIVATE_KEY_FILE", None)
    jwt_public_key: str | None = var("ALLOY_JWT_PUBLIC_KEY", None)
    jwt_public_key_file: str | None = var("ALLOY_JWT_PUBLIC_KEY_FILE", None)
    # argon2id cost for new password hashes: `minimal` lets a test suite register thousands
    # of users in seconds; it makes stolen hashes cheap to crack, so never in production.
    password_hashing: str = var("ALLOY_PASSWORD_HASHING", "standard", _hashing)
    refresh_ttl_days: int = 30  # fixed: no variable
    invite_ttl_days: int = 7  # fixed: no variable


class Server(Section):
    """The HTTP server: where it listens, how it is reached, what it admits."""

    host: str = var("HOST", "0.0.0.0")
    port: int = var("PORT", 3000, _port)
    workers: int = var("ALLOY_WORKERS", 1, _whole("processes", 1))  # set by serve --workers
    public_url: str | None = var("ALLOY_PUBLIC_URL", None)  # base of links it hands out
    cors_origins: tuple[str, ...] = var("ALLOY_CORS_ORIGINS", (), _list)  # comma-separated
    # Requests per minute (0: unlimited): login attempts per IP, per credential, per IP.
    rate_limit_login: int = var("ALLOY_RATE_LIMIT_LOGIN", 0, _whole("requests per minute"))
    rate_limit_auth: int = var("ALLOY_RATE_LIMIT_AUTH", 0, _whole("requests per minute"))
    rate_limit_global: int = var("ALLOY_RATE_LIMIT_GLOBAL", 0, _whole("requests per minute"))
    # Reached over HTTPS (here, with TLS, or through a proxy): the links it hands out say so.
    https: bool = var("ALLOY_HTTPS", False, _flag)
    # Identity-provider and webhook URLs may name private addresses (alloy.outbound).
    allow_private_urls: bool = var("ALLOY_ALLOW_PRIVATE_URLS", False, _flag)

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "localhost" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"{'https' if self.https else 'http'}://{host}:{self.port}"


class Tls(Section):
    """HTTPS served by Alloy itself (alloy.server.tls): a certificate from an ACME CA such
    as Let's Encrypt for `domain`, or the operator's own `cert_file`/`key_file`."""

    domain: str = var("ALLOY_TLS_DOMAIN", "", _domain)  # "": no automatic certificate
    contact: str = var("ALLOY_TLS_CONTACT", "", _email)  # the CA's expiry notices
    staging: bool = var("ALLOY_TLS_STAGING", False, _flag)  # Let's Encrypt's staging CA
    directory_url: str = var("ALLOY_TLS_DIRECTORY_URL", "", _http_url)  # another ACME CA
    cache_dir: str = var("ALLOY_TLS_CACHE_DIR", "./acme_cache")  # account key, certificates
    cert_file: str = var("ALLOY_TLS_CERT", "")  # your own certificate chain (PEM)
    key_file: str = var("ALLOY_TLS_KEY", "")  # its private key (PEM)
    # Plain HTTP beside HTTPS: ACME HTTP-01 challenges and a redirect to HTTPS; 0: none.
    http_port: int = var("ALLOY_TLS_HTTP_PORT", 80, _optional_port)

    @property
    def enabled(self) -> bool:
        return bool(self.domain or self.cert_file or self.key_file)


class Webhooks(Section):
    """The outbox worker delivering webhooks and Slack messages."""

    # The fallback poll: commits that queue rows wake the worker at once. 0: no worker.
    poll_seconds: float = var("ALLOY_WEBHOOK_POLL_SECONDS", 30.0, _seconds)


class S3(Section):
    """Object storage for attachments: S3 or an S3-compatible store (MinIO)."""

    access_key_id: str = var("ALLOY_S3_ACCESS_KEY_ID", "")
    secret_access_key: str = var("ALLOY_S3_SECRET_ACCESS_KEY", "")
    endpoint: str | None = var("ALLOY_S3_ENDPOINT", None)  # None: AWS
    bucket: str = var("ALLOY_S3_BUCKET", "alloy-attachments")
    region: str = var("ALLOY_S3_REGION", "us-east-1")

    @property
    def configured(self) -> bool:
        return bool(self.access_key_id and self.secret_access_key)


class Slack(Section):
    """The Slack integration."""

    signing_secret: str = var("ALLOY_SLACK_SIGNING_SECRET", "")  # slash commands, events
    bot_token: str = var("ALLOY_SLACK_BOT_TOKEN", "")  # sending notifications
    notification_channel: str = var("ALLOY_SLACK_NOTIFICATION_CHANNEL", "general")
    default_channel: str = var("ALLOY_SLACK_DEFAULT_CHANNEL", "")  # the API Reference's name
    default_user_id: str = var("ALLOY_SLACK_DEFAULT_USER_ID", "")  # mentioned when none given
    org_id: str = var("ALLOY_SLACK_ORG_ID", "")  # "": the server's only organization
    api_url: str = var("ALLOY_SLACK_API_URL", "https://slack.com/api")

    @property
    def channel(self) -> str:
        """Where a notification naming no channel goes: ALLOY_SLACK_DEFAULT_CHANNEL (spec 04's
        name) when set, else ALLOY_SLACK_NOTIFICATION_CHANNEL (spec 05's, default general)."""
        return self.default_channel or self.notification_channel


class GitHub(Section):
    """The GitHub integration (pull requests move the tickets they name)."""

    webhook_secret: str = var("ALLOY_GITHUB_WEBHOOK_SECRET", "")
    org_id: str = var("ALLOY_GITHUB_ORG_ID", "")  # "": the server's only organization


class Scim(Section):
    """SCIM 2.0 provisioning."""

    bearer_token: str = var("ALLOY_SCIM_BEARER_TOKEN", "")
    org_id: str = var("ALLOY_SCIM_ORG_ID", "")  # "": the server's only organization


class Client(Section):
    """Who the faces (CLI, TUI, MCP) act as and where; over the saved credentials."""

    api_url: str | None = var("ALLOY_API_URL", None)  # a server: remote mode
    base_url: str | None = var("ALLOY_BASE_URL", None)  # the TUI's name for api_url
    api_token: str | None = var("ALLOY_API_TOKEN", None)  # an access token or API key
    org_id: str | None = var("ALLOY_ORG_ID", None)
    user_id: str | None = var("ALLOY_USER_ID", None)  # MCP, embedded: act as this user
    project_id: str | None = var("ALLOY_PROJECT_ID", None)  # CLI: the default project


class Cli(Section):
    """The command line's own settings (docs/cli.md), read once a command runs."""

    format: str | None = var("ALLOY_FORMAT", None)  # json, table or plain: the CLI checks it
    no_color: bool = var("NO_COLOR", False, _set)  # tables without colour
    no_prompt: bool = var("ALLOY_NO_PROMPT", False, _set)  # never prompt, even on a terminal
    debug: bool = var("ALLOY_DEBUG", False, _set)  # an unexpected error shows its traceback
    password: str | None = var("ALLOY_PASSWORD", None, strip=False)  # login, register, onboard


def _section(cls):
    return functools.cached_property(lambda self: cls.parse(self.environ))


class Settings:
    """All of Alloy's configuration, one typed section per concern, each parsed on first use
    from the environment captured when the Settings was built."""

    SECTIONS = {"paths": Paths, "db": Db, "auth": Auth, "server": Server,
                "tls": Tls, "webhooks": Webhooks, "s3": S3, "slack": Slack, "github": GitHub,
                "scim": Scim, "client": Client, "cli": Cli}

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, /, **variables) -> Settings:
        """Settings from `environ` (default: this process's environment, copied now) with
        `variables` set on top (None values skipped): `from_env(ALLOY_DATABASE_URL=url)`."""
        captured = dict(os.environ if environ is None else environ)
        captured.update((k, str(v)) for k, v in variables.items() if v is not None)
        return cls(captured)

    paths: Paths = _section(Paths)
    auth: Auth = _section(Auth)
    server: Server = _section(Server)
    tls: Tls = _section(Tls)
    webhooks: Webhooks = _section(Webhooks)
    s3: S3 = _section(S3)
    slack: Slack = _section(Slack)
    github: GitHub = _section(GitHub)
    scim: Scim = _section(Scim)
    client: Client = _section(Client)
    cli: Cli = _section(Cli)

    @functools.cached_property
    def db(self) -> Db:
        db = Db.parse(self.environ)
        if db.url:
            return db
        return msgspec.structs.replace(db, url=f"sqlite:///{self.paths.data / 'alloy.db'}")

    def check(self) -> Settings:
        """Parse every section now (a server starting): the first bad value raises."""
        for name in self.SECTIONS:
            getattr(self, name)
        return self


def variables() -> list[str]:
    """Every variable Settings reads, in declaration order."""
    return [name for cls in Settings.SECTIONS.values()
            for name in cls.__struct_encode_fields__ if name in _READERS]


def config_dir() -> Path:
    """Where credentials.toml lives (read on every CLI call: parses only the paths)."""
    return Paths.parse(os.environ).config
