"""Operations, declared once.

A service function becomes an operation with `@op("POST", "/api/v1/...")`. From that one
declaration come the HTTP route, the OpenAPI entry, the LocalClient and RemoteClient calls
and the MCP tools. The function's signature says the rest:

- `ctx` first (an `alloy.context.Ctx`),
- one `str` parameter per `{name}` in the path,
- `body: SomeStruct` for a JSON body, `query: SomeStruct` for query parameters,
- the return annotation is the response type; returning `None` answers 204.

An operation's name is `<service module>.<function>`, e.g. `tickets.create`.

An integration with its own credential (SCIM's token, Slack's and GitHub's signatures)
declares its work with `@op(..., via="scim")`: such an operation is served only by that
integration's route (none for `path=None`), which authenticates the request and runs it as
the integration's acting Owner with `alloy.dispatch.run_as`; it has no Bearer route, client
call or MCP tool. Body and query types that are not Structs (`dict`, `object`) reach the
function as received: the protocol's own shapes (RFC 7644) are parsed there.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import typing
from collections.abc import Callable

import msgspec


def path_params(path: str | None) -> tuple[str, ...]:
    """The `{name}` segments of a route path (string tests: every command declares ops)."""
    return tuple(seg[1:-1] for seg in (path or "").split("/")
                 if seg.startswith("{") and seg.endswith("}"))


class Download(msgspec.Struct, kw_only=True):
    """A binary result an operation may return (the SQLite export): the server sends
    `content` as the body, LocalClient returns the bytes as RemoteClient would."""

    content: bytes
    media_type: str
    filename: str


class Op:
    """One declared operation. Types are read from the function's annotations on first use,
    so importing a service module (as every CLI command does) stays cheap."""

    def __init__(self, name: str, method: str, path: str | None, fn: Callable, *,
                 status: int | None, auth: bool, scope: str | None, tx: bool, media_type: str,
                 via: str | None = None, errors: tuple[int, ...] = (),
                 download: str | None = None) -> None:
        self.name, self.method, self.path, self.fn = name, method, path, fn
        self.download = download  # media type of a Download it may answer instead
        self.errors = errors  # answers beyond those its shape implies (server/openapi.py)
        self.auth, self.tx, self.media_type, self.via = auth, tx, media_type, via
        self.scope = scope or ("read" if method == "GET" else "write")
        self.path_params = path_params(path)
        self._status = status

    def __repr__(self) -> str:
        return f"<Op {self.name} {self.method} {self.path}>"

    @functools.cached_property
    def _hints(self) -> dict:
        return typing.get_type_hints(self.fn)

    @property
    def body(self) -> type | None:
        return self._hints.get("body")

    @property
    def query(self) -> type | None:
        return self._hints.get("query")

    @property
    def result(self) -> typing.Any:
        return self._hints.get("return")

    @functools.cached_property
    def status(self) -> int:
        if self._status:
            return self._status
        if self.result in (None, type(None)):
            return 204
        return 201 if self.method == "POST" else 200

    @functools.cached_property
    def _doc(self) -> tuple[str, str]:
        summary, _, description = (inspect.getdoc(self.fn) or self.name).partition("\n")
        return summary.strip(), description.strip()

    @property
    def summary(self) -> str:
        return self._doc[0]

    @property
    def description(self) -> str:
        return self._doc[1]

    @property
    def write(self) -> bool:
        return self.method != "GET"

    @property
    def tag(self) -> str:
        return self.name.split(".", 1)[0]


REGISTRY: dict[str, Op] = {}  # the Bearer API: routes, OpenAPI, clients, MCP
INTEGRATION: dict[str, Op] = {}  # run only by an integration's own route (`via`)


def op(method: str, path: str | None, *, status: int | None = None, auth: bool = True,
       scope: str | None = None, tx: bool = True, media_type: str = "application/json",
       via: str | None = None, errors: tuple[int, ...] = (), download: str | None = None):
    """Declare a service function as an operation (see the module docstring).

    `tx=False` runs the function outside a unit of work: it opens its own short ones with
    `ctx.transaction()`, so slow CPU work (password hashing) never holds the write lock.
    `errors` names error statuses the OpenAPI could not infer from the declaration: 401 from
    a sign-in operation, 404 for an org named in the query, 503 for an unconfigured service.
    `download` is the media type of a `Download` the operation may return instead of its
    annotated result (the SQLite export).
    """

    def register(fn: Callable) -> Callable:
        # `def list_` is the operation `labels.list`: a service need not shadow a builtin
        name = f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__.rstrip('_')}"
        params = set(fn.__code__.co_varnames[1:fn.__code__.co_argcount + fn.__code__.co_kwonlyargcount])
        in_path = set(path_params(path))
        if params - in_path - {"body", "query"} or in_path - params:
            raise TypeError(f"{name}: parameters {sorted(params)} do not match path {path}")
        if path is None and via is None:
            raise TypeError(f"{name}: only an integration's operation may have no route")
        (INTEGRATION if via else REGISTRY)[name] = Op(
            name, method, path, fn, status=status, auth=auth, scope=scope, tx=tx,
            media_type=media_type, via=via, errors=errors, download=download)
        return fn

    return register


# Service modules holding operations, by the prefix of their operation names.
MODULES = (
    "system", "auth", "apikeys", "onboard", "orgs", "invites", "sso", "webhooks",
    "projects", "teams", "tickets", "relations", "comments", "labels", "tags",
    "workflows", "transitions", "sprints",
    "timeentries", "timers", "laborrates", "reports", "io", "slack", "attachments", "views",
)


def get(name: str) -> Op:
    """Look an operation up by name, importing only its module (keeps the CLI fast)."""
    found = REGISTRY.get(name)
    if found is None:
        module = name.split(".", 1)[0]
        if module not in MODULES:
            raise KeyError(name)
        importlib.import_module(f"alloy.services.{module}")
        found = REGISTRY[name]
    return found


def integration_ops(via: str) -> list[Op]:
    """The operations the integration `via` runs (its service module is `alloy.services.<via>`)."""
    importlib.import_module(f"alloy.services.{via}")
    return [o for o in INTEGRATION.values() if o.via == via]


def all_ops() -> list[Op]:
    for module in MODULES:
        importlib.import_module(f"alloy.services.{module}")
    return list(REGISTRY.values())
