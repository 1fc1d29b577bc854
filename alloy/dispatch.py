"""Run one operation: check identity and scope, validate input, call the service in a unit of work.

Both the HTTP server and the LocalClient come through here, so input rules and error
answers cannot differ between embedded and remote mode.
"""

from __future__ import annotations

import msgspec

from alloy import ops, restriction
from alloy.context import Ctx
from alloy.domain.validate import convert, reject_nul
from alloy.errors import Unauthorized
from alloy.ops import Op
from alloy.store import scope_for


def _typed(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, msgspec.Struct)


def execute(env, op: Op, actor, path_params: dict | None = None, body=None, query=None):
    if op.auth:
        if actor is None:
            raise Unauthorized("authentication required")
        restriction.check(op, actor)
    for where, data in (("path", path_params), ("body", body), ("query", query)):
        reject_nul(where, data)
    kwargs = dict(path_params or {})
    if op.body is not None:  # a Struct is validated; `dict`/`object` arrive as received
        kwargs["body"] = convert(op.body, body) if _typed(op.body) else body
    if op.query is not None:
        kwargs["query"] = (convert(op.query, query or {}, strict=False, where="query")
                           if _typed(op.query) else dict(query or {}))
    scope = scope_for(op, actor)  # whose rows RLS admits on PostgreSQL
    if not op.tx:
        ctx = Ctx(None, actor, env, scope)
        if op.auth:
            ctx.require_scope(op.scope)
        return op.fn(ctx, **kwargs)
    with env.store.unit(write=op.write, scope=scope) as db:
        ctx = Ctx(db, actor, env, scope)
        if op.auth:
            ctx.require_scope(op.scope)
        result = op.fn(ctx, **kwargs)
        db.commit()
    return result


def run_as(env, actor, op: Op | str, *, body=None, query=None, **path):
    """Run a declared operation as `actor`: how an integration (SCIM, Slack, GitHub) acts.

    The same path as every request (one unit of work, permission checks, RLS, audit and
    events); the result is the operation's own (a Struct), not wire JSON.
    """
    if isinstance(op, str):
        op = ops.INTEGRATION.get(op) or ops.get(op)
    return execute(env, op, actor, path, body, query)
