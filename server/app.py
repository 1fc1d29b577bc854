"""Build the Litestar app: one thin route per declared operation, errors in one envelope."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import traceback
from collections.abc import Callable

import msgspec
from alloy.server.errors import ErrorBody, envelope
from anyio import to_thread
from litestar import Litestar, Request, Response, route
from litestar.exceptions import ClientException, HTTPException, InternalServerException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.types import ASGIApp

from alloy import ops
from alloy.actor import MCP_CLIENT_HEADER
from alloy.dispatch import execute
from alloy.domain.sso import Redirect
from alloy.errors import AlloyError, BadRequest, Invalid, Unauthorized, Unavailable
from alloy.services.auth import authenticate
from alloy.store import WouldBlock, no_wait

log = logging.getLogger("alloy.server")
_JSON = "application/json"
MAX_BODY = 2 * 1024 * 1024  # bytes; larger request bodies are refused (413)


def error_response(err: AlloyError, fmt: Callable[[AlloyError], ErrorBody] = envelope) -> Response:
    """The one mapping of a core error to an HTTP answer. `fmt` writes the body: Alloy's
    envelope, or a protocol's own error schema (SCIM's, `integrations.scim.scim_error`)."""
    out = fmt(err)
    headers = dict(out.headers or {})
    if retry := getattr(err, "retry_after", None):
        headers["Retry-After"] = str(retry)
    return Response(content=msgspec.json.encode(out.body), status_code=out.status,
                    media_type=out.media_type, headers=headers or None)


def _format_for(path: str) -> Callable[[AlloyError], ErrorBody]:
    """Errors Litestar raises itself (no route, wrong method, body too large, a crash) are
    written in the schema of the API the path belongs to: SCIM's under /scim/v2/."""
    from alloy.server.integrations import scim

    return scim.scim_error if path.startswith(scim.PREFIX) else envelope


def _actor(env, headers):
    """The request's actor, acting for the MCP client an `alloy-mcp` in front of us names."""
    actor = _credential_actor(env, headers)
    mcp_client = headers.get(MCP_CLIENT_HEADER.lower())
    return actor if mcp_client is None else actor.through_mcp(mcp_client)


def _credential_actor(env, headers):
    header = headers.get("authorization")
    if not header:
        raise Unauthorized("missing Authorization header: send 'Bearer <token>'")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Authorization header must be 'Bearer <token>'")
    return authenticate(env, token, headers.get("x-alloy-org-id") or None)


def _run(env, op, headers, path, body, query, limiter=None, client=""):
    """Authenticate and execute, in a worker thread unless the op is INLINE."""
    if limiter is not None:
        limiter.check_login(env.store, op, client)
    actor = _actor(env, headers) if op.auth else None
    return execute(env, op, actor, path, body, query)


# The API's hot path: short, bounded SQL work with no network call and no password hashing.
# These run on the event loop itself. Handing a request to a worker thread cost more than
# its work: with 16 connections the threads fight over the GIL at every statement (19
# context switches per ticket create vs 0.2 inline) and server CPU per create fell from
# 1.16 ms to 0.65 ms inline on SQLite (bench/api_load.py), 1.4 ms to 0.9 ms on PostgreSQL.
# - SQLite: under `no_wait`, so the loop never sleeps in a lock: when another thread or
#   process is writing, the attempt is rolled back and the request goes to a worker thread
#   as every other operation does.
# - PostgreSQL: in a greenlet (`on_loop`) whose every wait for the database is awaited on
#   the loop, so a slow statement or a row lock holds up only its own request.
INLINE = frozenset({
    "tickets.create", "tickets.list", "tickets.get", "tickets.update", "tickets.resolve",
    "comments.create", "comments.list", "comments.get",
})
_BLOCKED = object()

# PostgreSQL units of work in progress on the loop at once (at most the pool's size, so that
# one rarely waits for a connection: see postgres._checkout). Each is idle between its
# statements while the loop serves other requests, and a few keep the loop busy: creates per
# second at 16 connections were alike with 3 to 10 (bench/api_postgres_vs_sqlite.py), but
# with 10 PostgreSQL spent 20-40% more CPU per create (its backends waiting for each other's
# row locks, and taking the cores from the server's one thread).
LOOP_UNITS = 4


class _Turns:
    """`size` turns on the event loop for PostgreSQL units of work. A request waits for one
    as long as for a pooled connection (`wait`), then answers 503 as an exhausted pool does:
    units stuck behind a row lock that is never released do not queue the rest forever."""

    def __init__(self, size: int, wait: float) -> None:
        self.size, self.wait = size, wait
        self._loop = self._semaphore = None

    async def take(self) -> asyncio.Semaphore:
        """A turn (release it on the semaphore returned). The semaphore is made on the running
        loop: an app may be served by more than one loop in its life, as tests do."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._semaphore = loop, asyncio.Semaphore(self.size)
        semaphore = self._semaphore
        if not semaphore.locked():
            await semaphore.acquire()  # at once
            return semaphore
        try:
            async with asyncio.timeout(self.wait):
                await semaphore.acquire()
        except TimeoutError:
            raise Unavailable(f"database unavailable: no free connection after {self.wait:g} s "
                              "(requests waiting for locked rows?)") from None
        return semaphore


def _headers(scope) -> dict[str, str]:
    """The request's headers by (lower-case) name, the first of a repeated one, as Litestar's
    `Headers.get` answers: a plain dict costs less than building Litestar's multidict."""
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in reversed(scope["headers"])}


class _Json:
    """A JSON answer as an ASGI app, sending what Litestar's ASGIResponse sends for one (the
    same two headers) without building its header multidict on every request."""

    __slots__ = ("body", "status")

    def __init__(self, body: bytes, status: int) -> None:
        self.body, self.status = body, status

    async def __call__(self, scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": [
            (b"content-type", b"application/json"), (b"content-length", b"%d" % len(self.body))]})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


async def _body(receive, headers: dict[str, str]) -> bytes:
    """The request body, refused past MAX_BODY as Litestar's `Request.body` refuses it, read
    from the ASGI messages with the headers at hand (Litestar parses them again for it)."""
    announced = headers.get("content-length")
    if announced is not None:
        try:
            if int(announced) > MAX_BODY:
                raise RequestEntityTooLarge
        except ValueError:
            raise ClientException(f"Invalid content-length: {announced!r}") from None
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise InternalServerException("client disconnected prematurely")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise RequestEntityTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _handler_for(env, op: ops.Op, limiter=None, turns: _Turns | None = None):
    inline = op.name in INLINE
    on_loop = None
    if inline and env.store.dialect == "postgres":
        from alloy.store import on_loop  # greenlet: the postgres extra's

    async def handle(request: Request) -> ASGIApp:
        """Answers a Response on the rare paths and a ready ASGI app (`_Json`) for JSON
        results, which spares Litestar rendering a Response anew on every request."""
        scope = request.scope
        try:
            client = scope["client"][0] if scope.get("client") else ""
            headers = _headers(scope)
            if limiter is not None:
                limiter.check_fast(op, client, headers.get("authorization"))
            body = None
            if op.body is not None:
                raw = await _body(request.receive, headers)
                try:
                    body = msgspec.json.decode(raw) if raw.strip() else {}
                except msgspec.DecodeError:
                    raise BadRequest("request body is not valid JSON") from None
                except RecursionError:  # msgspec's depth guard: a hostile body, not a crash
                    raise BadRequest("request body is nested too deeply") from None
                if body is None:  # JSON `null` is no object (an absent body reads as {})
                    raise Invalid("request body must be a JSON object",
                                  [{"field": "body", "message": "expected an object, got null"}])
            query = (dict(request.query_params) or None) if scope["query_string"] else None
            args = (env, op, headers, scope["path_params"], body, query, limiter, client)
            result = _BLOCKED
            if on_loop is not None:
                turn = await turns.take()
                try:
                    result = await on_loop.run(_run, *args)
                finally:
                    turn.release()
            elif inline:
                try:
                    with no_wait():
                        result = _run(*args)
                except WouldBlock:
                    pass  # someone else is writing: wait for them in a worker thread
            if result is _BLOCKED:
                result = await to_thread.run_sync(_run, *args)
        except AlloyError as err:
            return error_response(err)
        if result is None:
            return Response(content=b"", status_code=204)
        if isinstance(result, Redirect):
            return Response(content=b"", status_code=302, headers={"Location": result.location})
        if isinstance(result, ops.Download):  # binary results (the SQLite export)
            return Response(content=result.content, status_code=op.status,
                            media_type=result.media_type, headers={
                                "Content-Disposition": f'attachment; filename="{result.filename}"'})
        if op.media_type != _JSON:  # text results (CSV exports) go out as they are
            return Response(content=result, status_code=op.status, media_type=op.media_type)
        return _Json(msgspec.json.encode(result), op.status)

    litestar_path = op.path.replace("}", ":str}")
    return route(litestar_path, http_method=[op.method], name=op.name, status_code=200,
                 include_in_schema=False)(handle)


_TYPED = re.compile(r":\w+}")  # a path parameter's type, as in {org_id:str}


def _options(paths: list[str]):
    """OPTIONS on every path, listing all its methods in `Allow` (RFC 9110).

    Litestar's own OPTIONS handler is made with a path's first route and keeps its methods
    when later handlers join the path, so it left out every method registered after the first.
    Registered first, this one takes its place and reads the methods when asked.
    """

    @route(paths, http_method=["OPTIONS"], include_in_schema=False, sync_to_thread=False)
    def options(request: Request) -> Response:
        template = _TYPED.sub("}", request.scope["path_template"])
        methods = {m for path, handlers in request.app.route_handler_method_map.items()
                   if _TYPED.sub("}", path) == template for m in handlers}
        return Response(content=b"", status_code=204,
                        headers={"Allow": ", ".join(sorted(methods - {"asgi", "websocket"}))})

    return options


def _http_error(request: Request, exc: HTTPException) -> Response:
    codes = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 400: "BAD_REQUEST",
             401: "UNAUTHORIZED", 403: "FORBIDDEN", 413: "PAYLOAD_TOO_LARGE"}
    err = AlloyError(str(exc.detail))
    err.code, err.status = codes.get(exc.status_code, "HTTP_ERROR"), exc.status_code
    response = error_response(err, _format_for(request.url.path))
    if exc.status_code == 405 and exc.headers:  # RFC 9110: a 405 lists the allowed methods
        response.headers["Allow"] = exc.headers.get("allow") or exc.headers.get("Allow", "")
    return response


def _crash(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path)
    traceback.print_exception(exc, file=sys.stderr)
    return error_response(AlloyError("internal server error"), _format_for(request.url.path))


def create_app(env) -> Litestar:
    from alloy.server.integrations import scim, signed
    from alloy.server.openapi import openapi_document
    from alloy.server.ratelimit import RateLimiter
    from alloy.server.worker import OutboxWorker

    env.settings.check()  # every bad value now, not on the first request that needs it
    limiter = RateLimiter.from_settings(env.settings.server)
    turns = _Turns(min(LOOP_UNITS, getattr(env.store, "pool_size", LOOP_UNITS)),  # PostgreSQL
                   getattr(env.store, "pool_timeout", 10.0))
    handlers = [_handler_for(env, op, limiter, turns) for op in ops.all_ops()]
    # Integrations with their own authentication (a static token or a signed payload).
    handlers += scim.routes(env) + [endpoint.route(env) for endpoint in signed()]
    handlers = [_options(sorted({p for h in handlers for p in h.paths})), *handlers]

    @route("/schema/openapi.json", http_method=["GET"], include_in_schema=False)
    async def openapi() -> Response:
        return Response(content=openapi_document(), media_type=_JSON)

    cors = None
    if env.settings.server.cors_origins:
        from litestar.config.cors import CORSConfig

        cors = CORSConfig(allow_origins=list(env.settings.server.cors_origins))
    worker = OutboxWorker(env)

    def stopped() -> None:
        print("Shutdown complete.", file=sys.stderr, flush=True)

    return Litestar(route_handlers=[*handlers, openapi], openapi_config=None, cors_config=cors,
                    on_startup=[worker.start], on_shutdown=[worker.stop, stopped],
                    exception_handlers={HTTPException: _http_error, Exception: _crash},
                    request_max_body_size=MAX_BODY, logging_config=None)


def app_from_env() -> Litestar:
    """uvicorn factory: settings from the environment (what `alloy serve` exports)."""
    from alloy.env import bootstrap

    return create_app(bootstrap())
