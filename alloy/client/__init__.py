"""THE interface the faces use. Two implementations, one behaviour:

- `LocalClient` runs operations in-process on the local database (embedded mode);
- `RemoteClient` sends them over HTTP to an Alloy server (remote mode).

Both take an operation name (`"tickets.create"`), path parameters as keywords, and `body` /
`query` dicts; both return plain JSON-shaped data and raise `alloy.errors` exceptions.
"""

from __future__ import annotations


def local(env=None, actor=None):
    from alloy.client.local import LocalClient

    return LocalClient(env, actor)


def remote(base_url: str, token: str | None = None, **kw):
    from alloy.client.remote import RemoteClient

    return RemoteClient(base_url, token, **kw)
