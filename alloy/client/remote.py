"""Remote mode: the same operations over HTTP, errors mapped back to `alloy.errors`."""

from __future__ import annotations

import json

from alloy import ops
from alloy.errors import Unauthorized, Unavailable, from_envelope


class RemoteClient:
    """Sends `token` (refreshed once on a 401 when a refresh token is known) and `org_id`."""

    mode = "remote"

    def __init__(self, base_url: str, token: str | None = None, *, org_id: str | None = None,
                 refresh_token: str | None = None, on_refresh=None, timeout: float = 30.0):
        import httpx

        self.base_url = base_url.rstrip("/")
        self.token, self.org_id = token, org_id
        self.refresh_token, self.on_refresh = refresh_token, on_refresh
        # A plain-http server needs no certificate store: loading it costs ~30 ms per client
        # (every remote command). Redirects are never followed, so nothing reaches https here.
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout,
                                  verify=self.base_url.startswith("https://"))
        self.mcp_client: str | None = None  # set by alloy-mcp: the MCP client acted for

    def close(self) -> None:
        self._http.close()

    def _headers(self) -> dict:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.org_id:
            headers["X-Alloy-Org-Id"] = self.org_id
        if self.mcp_client is not None:
            from alloy.actor import MCP_CLIENT_HEADER, client_name

            headers[MCP_CLIENT_HEADER] = client_name(self.mcp_client)
        return headers

    def _send(self, op, path: str, body, query):
        import httpx

        kwargs = {"headers": self._headers(), "params": query or None}
        if op.body is not None:
            kwargs["content"] = json.dumps(body if body is not None else {})
            kwargs["headers"]["Content-Type"] = "application/json"
        try:
            return self._http.request(op.method, path, **kwargs)
        except httpx.HTTPError as e:
            raise Unavailable(f"cannot reach {self.base_url}: {e}") from None

    def call(self, name: str, *, body=None, query=None, **path):
        result = self.run(name, body=body, query=query, **path)
        if result is None or isinstance(result, (bytes, str, dict)):
            return result
        import msgspec

        return msgspec.to_builtins(result)

    def run(self, name: str, *, body=None, query=None, **path):
        op = ops.get(name)
        url = op.path.format(**{k: _quote(v) for k, v in path.items()})
        query = {k: _q(v) for k, v in (query or {}).items() if v is not None}
        resp = self._send(op, url, body, query)
        if resp.status_code == 401 and self.refresh_token and op.auth:
            if self._refresh():
                resp = self._send(op, url, body, query)
            elif self.on_refresh:  # a saved login whose refresh token is spent too
                raise Unauthorized("session expired: run `alloy auth login`")
        if resp.status_code >= 400:
            try:
                payload = resp.json()
            except ValueError:
                payload = None
            raise from_envelope(resp.status_code, payload)
        if 300 <= resp.status_code < 400:
            return {"location": resp.headers.get("location")}
        if resp.status_code == 204 or not resp.content:
            return None
        if op.media_type != "application/json":
            return resp.text
        if not resp.headers.get("content-type", "").startswith("application/json"):
            return resp.content  # a binary result (the SQLite export)
        return _decode(op, resp.content)

    def _refresh(self) -> bool:
        """On 401, trade the refresh token for a new pair once, then retry the request."""
        resp = self._http.post("/api/v1/auth/refresh", json={"refresh_token": self.refresh_token})
        if resp.status_code != 200:
            return False
        pair = resp.json()
        self.token, self.refresh_token = pair["access_token"], pair["refresh_token"]
        if self.on_refresh:
            self.on_refresh(pair)
        return True


def _decode(op, content: bytes):
    """The answer decoded against the operation's declared result type, as LocalClient.run
    gives it: a server answering another shape fails here, loudly, not in a face."""
    import typing

    import msgspec

    kind = typing.Any if op.result is None else op.result
    try:
        return msgspec.json.decode(content, type=kind)
    except msgspec.ValidationError as e:
        raise msgspec.ValidationError(
            f"{op.name}: the server's answer does not match {kind}: {e}") from None


def _quote(value) -> str:
    from urllib.parse import quote

    return quote(str(value), safe="")


def _q(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return value


__all__ = ["RemoteClient", "Unauthorized"]
