"""THE interface the faces use. Two implementations of `Client`, one behaviour:

- `LocalClient` runs operations in-process on the local database (embedded mode);
- `RemoteClient` sends them over HTTP to an Alloy server (remote mode).

Both take an operation name (`"tickets.create"`), path parameters as keywords, and `body` /
`query` dicts; both return the operation's result as plain JSON-shaped data (checked against
its declared type) and raise `alloy.errors` exceptions. `alloy.client.connect` picks one.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Client(Protocol):
    mode: str  # "embedded" or "remote"

    def call(self, name: str, *, body: Any = None, query: dict | None = None,
             **path: str) -> Any:
        """Run operation `name`; path parameters by name (`ticket_id=...`)."""

    def close(self) -> None:
        """Release what the client holds (its database, its HTTP connections)."""
