"""Operations, declared once.

A service function becomes an operation with `@op("POST", "/api/v1/...")`. From that one
declaration come the HTTP route, the OpenAPI entry, the LocalClient and RemoteClient calls
and the MCP tools. The function's signature says the rest:

- `ctx` first (an `alloy.context.Ctx`),
- one `str` parameter per `{name}` in the path,
- `body: SomeStruct` for a JSON body, `query: SomeStruct` for query parameters,
- the return annotation is the response type; returning `None` answers 204.

An operation's name is `<service module>.<function>`, e.g. `tickets.create`.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
import typing
from collections.abc import Callable

_PATH_PARAM = re.compile(r"{(\w+)}")


@dataclasses.dataclass(frozen=True)
class Op:
    name: str
    method: str
    path: str
    fn: Callable
    status: int
    path_params: tuple[str, ...]
    body: type | None
    query: type | None
    result: typing.Any
    auth: bool
    tx: bool
    scope: str
    summary: str
    description: str
    media_type: str = "application/json"

    @property
    def write(self) -> bool:
        return self.method != "GET"

    @property
    def tag(self) -> str:
        return self.name.split(".", 1)[0]


REGISTRY: dict[str, Op] = {}


def op(method: str, path: str, *, status: int | None = None, auth: bool = True,
       scope: str | None = None, tx: bool = True, media_type: str = "application/json"):
    """Declare a service function as an operation (see the module docstring).

    `tx=False` runs the function outside a unit of work: it opens its own short ones with
    `ctx.transaction()`, so slow CPU work (password hashing) never holds the write lock.
    """

    def register(fn: Callable) -> Callable:
        module = fn.__module__.rsplit(".", 1)[-1]
        name = f"{module}.{fn.__name__}"
        hints = typing.get_type_hints(fn)
        params = [p for p in inspect.signature(fn).parameters if p != "ctx"]
        path_params = tuple(_PATH_PARAM.findall(path))
        extra = set(params) - set(path_params) - {"body", "query"}
        if extra or set(path_params) - set(params):
            raise TypeError(f"{name}: parameters {params} do not match path {path}")
        doc = inspect.getdoc(fn) or name
        summary, _, description = doc.partition("\n")
        REGISTRY[name] = Op(
            name=name, method=method, path=path, fn=fn,
            status=status or (204 if hints.get("return") in (None, type(None))
                              else 201 if method == "POST" else 200),
            path_params=path_params, body=hints.get("body"), query=hints.get("query"),
            result=hints.get("return"), auth=auth, tx=tx,
            scope=scope or ("read" if method == "GET" else "write"),
            summary=summary.strip(), description=description.strip(),
            media_type=media_type)
        return fn

    return register


# Service modules holding operations, by the prefix of their operation names.
MODULES = (
    "system", "auth", "apikeys", "onboard", "orgs", "invites", "sso", "webhooks",
    "projects", "tickets",
    "timeentries", "laborrates", "reports",
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


def all_ops() -> list[Op]:
    for module in MODULES:
        importlib.import_module(f"alloy.services.{module}")
    return list(REGISTRY.values())
