"""The CLI's context: global flags, saved credentials, and the one client of an invocation.

Credentials and the embedded-or-remote choice live in the core (`alloy.client.credentials`,
`alloy.client.connect`); these names stay as thin delegates the command modules call.
"""

import sys

from alloy.client import credentials

STATE = {"format": None, "api_url": None, "settings": None}

load_credentials = credentials.load
save_credentials = credentials.save
credentials_path = credentials.path


def settings():
    """This command line's `alloy.config.Settings` (the CLI's own in its `cli` section, who
    and where in `client`): read from the environment once per line (`invoke` starts each
    line afresh), and never by `alloy --help`, which imports no msgspec."""
    found = STATE["settings"]
    if found is None:
        from alloy.config import Settings

        found = STATE["settings"] = Settings.from_env()
    return found


def api_url(creds: dict | None = None) -> str | None:
    """Remote when --api-url or ALLOY_API_URL says so, or when the saved login was remote."""
    from alloy.client.connect import server_url

    return server_url(STATE["api_url"], creds)


def client(*, anonymous: bool = False):
    """The client for this command (RemoteClient against a server, else LocalClient).

    Made once per invocation and closed when it ends: kept on the root click context, whose
    close runs at the end of every `alloy ...` run (and every in-process test invocation).
    Embedded, the anonymous and the logged-in client share one database. Outside a command
    (a script), a new client the caller closes."""
    from alloy.client.connect import connect, saved_login

    ctx = _invocation()
    clients = {} if ctx is None else ctx.meta.get("alloy_clients")
    if clients is None:
        clients = ctx.meta["alloy_clients"] = {}
        ctx.call_on_close(lambda: _close(clients))
    found = clients.get(anonymous)
    if found is None:
        other = clients.get(not anonymous)
        found = clients[anonymous] = connect(saved_login(STATE["api_url"], anonymous=anonymous),
                                             env=getattr(other, "env", None))
    return found


def _close(clients: dict) -> None:
    for found in clients.values():
        found.close()


def _invocation():
    """The root click context of the command being run, or None outside one."""
    if "typer" not in sys.modules:
        return None
    try:  # typer 0.28 runs commands on its vendored click
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - a typer on the real click
        from click import get_current_context
    ctx = get_current_context(silent=True)
    return None if ctx is None else ctx.find_root()


def current_org(explicit: str | None = None) -> str:
    """The organization a command acts in: `explicit` (UUID, slug or name), else the
    current one (ALLOY_ORG_ID, else the saved one)."""
    from alloy.client.connect import saved_org
    from alloy.errors import Invalid

    org = saved_org(org_ref(explicit))
    if not org:
        raise Invalid("no organization selected: pass --org-id or run `alloy org switch <ID>`")
    return org


def is_tty() -> bool:
    return sys.stdout.isatty()


def org_ref(ref: str | None) -> str | None:
    """An `--org` flag as an id: a slug or name is looked up among your organizations."""
    from alloy.domain.values import is_uuid

    if not ref or is_uuid(ref.strip()):
        return ref
    from alloy.client import refs

    return refs.org_id(client(), ref)
