"""Plain HTTP beside HTTPS: ACME HTTP-01 challenges, and a redirect to HTTPS for the rest.

It runs in a thread of the `alloy serve` process (not in its workers), on its own uvicorn
server: the ACME client filling `challenges` lives in the same process.
"""

from __future__ import annotations

import socket
import threading
import time

from alloy.errors import NotConfigured

CHALLENGE_PREFIX = "/.well-known/acme-challenge/"


def redirect_app(challenges: dict[str, str], https_port: int, origin: str = ""):
    """The ASGI app: a pending challenge's key authorization, else 301 (308 for methods
    other than GET and HEAD, so a client repeats its POST) to the same path over HTTPS: at
    `origin` (`https://host[:port]`) when known, so the Host header cannot send anyone
    elsewhere, else at the host the client asked for on `https_port`."""
    port = "" if https_port == 443 else f":{https_port}"

    async def app(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        if path.startswith(CHALLENGE_PREFIX):
            answer = challenges.get(path[len(CHALLENGE_PREFIX):])
            status, headers = (200, []) if answer else (404, [])
            body = (answer or "no such challenge").encode()
            headers.append((b"content-type", b"text/plain"))
        else:
            if not origin:
                host = _hostname(dict(scope["headers"]).get(b"host", b"").decode("latin-1"))
            query = scope.get("query_string") or b""
            target = scope.get("raw_path") or path.encode()
            base = origin or f"https://{host or 'localhost'}{port}"
            location = base.encode() + target + (b"?" + query if query else b"")
            status = 301 if scope["method"] in ("GET", "HEAD") else 308
            headers, body = [(b"location", location)], b""
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def _hostname(host: str) -> str:
    """The Host header without its port; an IPv6 literal keeps its brackets."""
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class HttpSide:
    """The plain-HTTP listener, started and stopped around the HTTPS server."""

    def __init__(self, host: str, port: int, app) -> None:
        self.host, self.port, self.app = host, port, app
        self.server = None
        self.thread = None

    def start(self) -> HttpSide:
        import uvicorn

        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as why:
            sock.close()
            hint = " (ports under 1024 need root or CAP_NET_BIND_SERVICE)" if (
                self.port < 1024 and why.errno == 13) else ""
            raise NotConfigured(f"cannot listen for HTTP on {self.host}:{self.port} "
                                f"(--tls-http-port): {why.strerror}{hint}") from None
        sock.listen(128)
        config = uvicorn.Config(self.app, lifespan="off", log_level="warning",
                                access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]},
                                       name="alloy-http", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            self.thread.join(timeout=5)
