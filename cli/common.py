"""Small helpers every command group shares."""

from __future__ import annotations

from alloy.cli.output import as_list, emit
from alloy.cli.session import client


def call(name: str, **kw):
    """Run operation `name` on this invocation's client (made once, closed at exit)."""
    return client().call(name, **kw)


def show_list(name: str, columns: list[str], plain: str = "id", **kw) -> None:
    emit(as_list(call(name, **kw)), columns=columns, plain=plain)


def page_query(cursor: str | None, limit: int | None) -> dict:
    return {"cursor": cursor, "limit": limit}
