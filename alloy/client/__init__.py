"""THE interface the faces use. Two implementations of `Client`, one behaviour:

- `LocalClient` runs operations in-process on the local database (embedded mode);
- `RemoteClient` sends them over HTTP to an Alloy server (remote mode).

Both take an operation name (`"tickets.create"`), path parameters as keywords, and `body` /
`query` dicts, and raise `alloy.errors` exceptions. `run` returns the operation's declared
result type (its Structs: a wrong field name fails where it is read, in tests); `call` returns
the same answer as plain JSON-shaped data, for a face that prints or forwards it as JSON.
`alloy.client.connect` picks one.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Client(Protocol):
    mode: str  # "embedded" or "remote"

    def run(self, name: str, *, body: Any = None, query: dict | None = None,
            **path: str) -> Any:
        """Run operation `name`; path parameters by name (`ticket_id=...`). The answer is
        the operation's result type: Structs, a `Page[...]`, bytes for a download, or None."""

    def call(self, name: str, *, body: Any = None, query: dict | None = None,
             **path: str) -> Any:
        """`run`, answered as JSON-shaped data (dicts and lists)."""

    def close(self) -> None:
        """Release what the client holds (its database, its HTTP connections)."""
