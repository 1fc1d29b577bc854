"""Embedded mode: operations run in this process, through the same dispatcher as the server."""

from __future__ import annotations

import msgspec

from alloy import ops
from alloy.dispatch import execute


class LocalClient:
    """Acts as `actor`, or resolves `token` (JWT or API key) on every call like the server."""

    mode = "embedded"

    def __init__(self, env=None, actor=None, *, token: str | None = None,
                 org_id: str | None = None) -> None:
        self._owns_env = env is None  # a database it opened itself is closed by close()
        if env is None:
            from alloy.env import bootstrap

            env = bootstrap()
        self.env, self.actor, self.token, self.org_id = env, actor, token, org_id
        self.mcp_client: str | None = None  # set by alloy-mcp: the MCP client acted for

    def close(self) -> None:
        if self._owns_env:
            self.env.close()

    def _actor(self, op):
        actor = self.actor
        if self.token and op.auth:
            from alloy.services.auth import authenticate

            actor = authenticate(self.env, self.token, self.org_id)
        if actor is not None and self.mcp_client is not None:
            actor = actor.through_mcp(self.mcp_client)
        return actor

    def run(self, name: str, *, body=None, query=None, **path):
        op = ops.get(name)
        query = {k: v for k, v in (query or {}).items() if v is not None}
        result = execute(self.env, op, self._actor(op), path, body, query)
        if isinstance(result, ops.Download):
            return result.content  # bytes, as RemoteClient answers a binary response
        # as RemoteClient decodes it; an answer already of its type is returned as is: what
        # convert does too, after resolving the type's annotations (1-4M instructions)
        if result is None or op.result is None or type(result) is op.result:
            return result
        return msgspec.convert(result, op.result, from_attributes=True)

    def call(self, name: str, *, body=None, query=None, **path):
        result = self.run(name, body=body, query=query, **path)
        return result if isinstance(result, bytes) else msgspec.to_builtins(result)
