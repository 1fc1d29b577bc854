"""Synchronous store work run on the event loop, its waits for the database awaited there.

The services are plain functions over a blocking driver. A worker thread per request made
them fight the event loop for the GIL (a handoff and a context switch at every statement:
PostgreSQL creates under load cost twice the server CPU of SQLite's). `run` instead calls
the function in a greenlet on the loop; when psycopg would block on its socket (see
`alloy.store.postgres`), the greenlet hands the wait to the loop as an awaitable
(`await_`) and the loop serves other requests until the answer is there. SQLAlchemy's
asyncio support works the same way.

Only short work belongs here: anything that waits without telling the loop (a password
hash, an HTTP call, SQLite's busy handler) would stall every request.
"""

from __future__ import annotations

import contextvars

import greenlet


class _Work(greenlet.greenlet):
    """A greenlet whose waits go to the event loop."""


def active() -> bool:
    """Whether the caller runs inside `run`, where a wait must be handed to the loop."""
    return isinstance(greenlet.getcurrent(), _Work)


def await_(awaitable):
    """Await `awaitable` on the loop from the synchronous code `run` is running; its result."""
    return greenlet.getcurrent().parent.switch(awaitable)


async def run(fn, *args):
    """`fn(*args)` on the event loop, awaiting on the loop what it hands to `await_`."""
    work = _Work(fn, parent=greenlet.getcurrent())
    work.gr_context = contextvars.copy_context()  # as asyncio.to_thread does
    step = work.switch(*args)
    while not work.dead:
        try:
            answer = await step
        except BaseException as err:  # noqa: BLE001 - it is raised where the work awaited
            step = work.throw(err)
        else:
            step = work.switch(answer)
    return step
