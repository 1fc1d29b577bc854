"""Who the MCP server acts as, and the `alloy.client` it acts through.

- remote: `ALLOY_API_URL` + `ALLOY_API_TOKEN` -> RemoteClient with that token;
- embedded: LocalClient on the local database, as the user saved in credentials.toml
  (or `ALLOY_USER_ID` / `ALLOY_ORG_ID`), or as `ALLOY_API_TOKEN` when only that is set.

Over HTTP every request brings its own Bearer token, so a `Session` (client + identity) is
made per request; over stdio one Session serves the whole connection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alloy.server.mcp.tooling import ME, ORG, Call

from alloy.client import credentials
from alloy.client.connect import Login, connect
from alloy.config import Settings
from alloy.errors import Invalid, NotFound, Unauthorized

if TYPE_CHECKING:
    from alloy.domain.identity import Me

TOKEN_PREFIXES = ("alloy_live_", "alloy_test_")
_MISSING = object()


class StartupError(Exception):
    """The server cannot start (bad token, unreachable API, no user); exit code attached."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class Backend:
    """How to reach Alloy: a `Login` (server URL or embedded, and who), given to `connect`."""

    def __init__(self, login: Login, *, org_id: str | None = None, env=None,
                 settings=None) -> None:
        self.login, self.org_id = login, org_id  # org_id: ALLOY_ORG_ID, for per-request tokens
        self._env, self._settings = env, settings

    @property
    def api_url(self) -> str | None:
        return self.login.api_url

    @property
    def token(self) -> str | None:
        return self.login.token

    @property
    def mode(self) -> str:
        return self.login.mode

    @property
    def env(self):
        if self._env is None:
            from alloy.env import bootstrap

            self._env = bootstrap(self._settings)
        return self._env

    def where(self) -> str:
        if self.api_url:
            return self.api_url
        return f"the embedded database ({self.env.settings.db.url})"

    def client(self, token: str | None = None):
        """A client acting as `token` (HTTP requests), else as the configured identity."""
        login = self.login
        if token:
            login = Login(api_url=login.api_url, token=token, org_id=self.org_id)
        return connect(login, env=None if login.api_url else self.env)

    def session(self, token: str | None = None) -> Session:
        return Session(self, self.client(token))


def from_environment(environ=None, *, http: bool = False) -> Backend:
    """Pick remote or embedded mode from the environment (Settings.client), as the MCP Guide
    describes.

    Over HTTP every request brings its own Bearer token, so neither ALLOY_API_TOKEN nor a
    saved user is required there (if ALLOY_API_TOKEN is set it is still checked at start).
    """
    settings = Settings.from_env(environ)
    c = settings.client
    url, token, org_id = c.api_url or "", c.api_token, c.org_id
    if url and not token and not http:
        raise StartupError("ALLOY_API_URL is set but ALLOY_API_TOKEN is not: create an API key "
                           "with `alloy auth api-key create --name \"MCP Server\"` and set "
                           "ALLOY_API_TOKEN to it", 3)
    if token and not token.startswith(TOKEN_PREFIXES) and url:
        raise StartupError("invalid API token: ALLOY_API_TOKEN must start with alloy_live_ or "
                           "alloy_test_ (an Alloy API key)", 3)
    if url or token:
        return Backend(Login(api_url=url or None, token=token, org_id=org_id), org_id=org_id,
                       settings=settings)
    creds = credentials.load()
    user_id = c.user_id or creds.get("user_id")
    if not user_id:
        if http:
            return Backend(Login(org_id=org_id), org_id=org_id, settings=settings)
        raise StartupError("no Alloy user: run `alloy auth login` or `alloy onboard` first "
                           "(embedded mode), or set ALLOY_API_URL and ALLOY_API_TOKEN to use "
                           "a server", 3)
    return Backend(Login(user_id=user_id, email=creds.get("email", ""),
                         org_id=org_id or creds.get("org_id"), org_named=bool(org_id)),
                   org_id=org_id, settings=settings)


class Session:
    """One identity's view: calls operations through the client, knows who `me` is."""

    def __init__(self, backend: Backend, client) -> None:
        self.backend, self.client = backend, client
        self._me: Me | None = None

    def close(self) -> None:
        close = getattr(self.client, "close", None)
        if close:
            close()

    def me(self, fresh: bool = False) -> Me:
        """Who this session acts as (`auth.me`); `fresh` re-reads it (role changes apply)."""
        if self._me is None or fresh:
            self._me = self.client.run("auth.me")
        return self._me

    def org_id(self) -> str:
        org = self.me().org_id
        if not org:
            raise Invalid("no current organization: your credentials are not a member of any "
                          "organization (set ALLOY_ORG_ID or create one with `alloy org create`)")
        return org

    def resolve_refs(self, args: dict) -> dict:
        """Tool arguments naming tickets or projects as people do (`SIDE-3`, `SIDE`) turned
        into the UUIDs the operations take, by the core resolver (`alloy.client.refs`): a
        key is looked up in the active org, else in the one other org of the caller's that
        has it. UUIDs pass untouched, at no cost."""
        from alloy.client import refs
        from alloy.domain.values import is_uuid

        out, org = dict(args), getattr(self.client, "org_id", None)
        for name, resolve in (("ticket_id", refs.ticket_id), ("target_id", refs.ticket_id),
                              ("parent_id", refs.ticket_id), ("project_id", refs.project_id)):
            value = out.get(name)
            if isinstance(value, str) and value.strip() and not is_uuid(value.strip()):
                out[name] = resolve(self.client, value, org_id=org)
        if isinstance(out.get("ticket_ids"), list):
            out["ticket_ids"] = [v if not isinstance(v, str) or is_uuid(v.strip())
                                 else refs.ticket_id(self.client, v, org_id=org)
                                 for v in out["ticket_ids"]]
        return out

    def _value(self, value):
        if value == ME:
            return self.me().user_id
        if value == ORG:
            return self.org_id()
        return value

    def run(self, call: Call, args: dict):
        """Run `call`'s operation with the tool arguments `args` (plus the call's defaults).

        The answer is the operation's result type (Structs, a `Page`), read by attribute;
        what goes to the assistant becomes JSON in one place, `tooling.plain`."""
        op = call.operation

        def get(name):
            if name in args:
                return args[name]
            if name in call.defaults:
                return self._value(call.defaults[name])
            return _MISSING

        path = {}
        for param, name in call.path_args().items():
            value = get(name)
            if value is _MISSING or value is None or str(value) == "":
                raise Invalid(f"{name} is required", [{"field": name, "message": "is required"}])
            path[param] = str(value)
        if call.body_arg:
            body = args.get(call.body_arg)
        else:
            body = {n: v for n in call.body if (v := get(n)) is not _MISSING}
        query = {n: v for n in call.query if (v := get(n)) is not _MISSING and v is not None}
        return self.client.run(op.name, body=body if op.body is not None else None,
                               query=query, **path)

    def call_all(self, call: Call, args: dict, cap: int = 50) -> list:
        """Every item (Structs) of a paginated operation (up to `cap` pages of 100)."""
        items, cursor = [], None
        for _ in range(cap):
            page = self.run(call, {**args, "limit": 100, "cursor": cursor})
            items.extend(page.items)
            cursor = page.next_cursor
            if not page.has_more:
                break
        return items


def verify_identity(session: Session) -> Me:
    """Resolve who we are at start (`auth.me`); an invalid credential stops the server."""
    try:
        me = session.me()
    except NotFound as e:
        org = session.backend.org_id
        if not org:
            raise
        raise StartupError(f"ALLOY_ORG_ID ({org}) is not an organization this credential can "
                           f"act in ({e.message}): an API key acts only in the organization "
                           "it was made in; make one there (`alloy org switch ORG`, then "
                           "`alloy auth api-key create`) or unset ALLOY_ORG_ID", 3) from None
    except Unauthorized as e:
        if session.backend.token:
            raise StartupError(f"unauthorized: {e.message} — the token is invalid, expired "
                               "or revoked; create a new API key", 3) from None
        raise StartupError(f"unauthorized: {e.message} — the saved user is not in the local "
                           "database; run `alloy auth login` or `alloy onboard`", 3) from None
    return me

