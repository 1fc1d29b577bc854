"""The outbox worker: delivers queued webhooks and Slack messages; idle, it costs nothing.

It sleeps until a commit queues something (`alloy.outbox.on_queued` in this process; on
PostgreSQL also LISTEN on `alloy.outbox.CHANNEL`, so every server process hears every
commit), until the next retry falls due, or until the slow fallback poll
(ALLOY_WEBHOOK_POLL_SECONDS) — which catches rows queued by a process that cannot wake it
(a CLI writing to the same SQLite file). Looking for due rows is a read; only due rows are
leased in a write transaction. One HTTP client per outbox, made when something is first due,
lives as long as the worker. Every server process may run one (leases keep each row to one).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging

from anyio import to_thread

from alloy import outbox

log = logging.getLogger("alloy.server")
RELISTEN = 5.0  # seconds before a lost LISTEN connection is opened again


class OutboxWorker:
    def __init__(self, env) -> None:
        self.env = env
        self.fallback = env.settings.webhooks.poll_seconds
        self.tasks: list[asyncio.Task] = []
        self.clients: dict[str, object] = {}  # outbox table -> its long-lived HTTP client
        self._wake: asyncio.Event | None = None
        self._unsubscribe = None

    def start(self) -> None:
        if self.fallback <= 0:
            return
        loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._unsubscribe = outbox.on_queued(lambda: loop.call_soon_threadsafe(self._wake.set))
        self.tasks.append(loop.create_task(self._loop()))
        if self.env.store.dialect == "postgres":
            self.tasks.append(loop.create_task(self._listen()))

    async def stop(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()
        for task in self.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for client in self.clients.values():
            client.close()
        self.clients.clear()

    async def _loop(self) -> None:
        while True:
            self._wake.clear()  # a commit during the round sets it again: no wake-up is lost
            try:
                due_in = await to_thread.run_sync(self.round)
            except Exception:  # keep serving; the failure is logged and retried
                log.exception("outbox delivery failed")
                due_in = None
            timeout = self.fallback if due_in is None else min(due_in, self.fallback)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    def round(self) -> float | None:
        """Send everything due now; seconds until the next row falls due (None: none)."""
        waits = []
        for table, deliver in self._outboxes():
            while (due_in := outbox.wait(self.env.store, table)) == 0:
                if not deliver():  # leased by another process meanwhile: look again soon
                    due_in = 1.0
                    break
            if due_in is not None:
                waits.append(due_in)
        return min(waits, default=None)

    def _outboxes(self):
        from alloy.integrations.slack_outbox import deliver_due as deliver_slack
        from alloy.webhooks import deliver_due as deliver_hooks

        store, settings = self.env.store, self.env.settings
        yield "webhook_deliveries", lambda: deliver_hooks(
            store, self._client("webhook_deliveries"))
        if settings.slack.bot_token:  # unconfigured, queued messages wait
            yield "slack_messages", lambda: deliver_slack(
                store, settings.slack, self._client("slack_messages"))

    def _client(self, table: str):
        client = self.clients.get(table)
        if client is None:
            client = self.clients[table] = self._make_client(table)
        return client

    def _make_client(self, table: str):
        import httpx

        from alloy import outbound

        if table == "webhook_deliveries":  # user-set URLs: checked on every request
            return outbound.client(allow_private=self.env.settings.server.allow_private_urls,
                                   timeout=10)
        return httpx.Client(timeout=10)

    async def _listen(self) -> None:
        """Wake on every commit that queued outbox rows, in any process (PostgreSQL).

        The LISTEN connection's socket is watched by the event loop itself: psycopg's own
        `notifies()` wakes ten times a second to check for interrupts, which an idle server
        should not pay for."""
        import psycopg

        loop = asyncio.get_running_loop()
        while True:
            conn = None
            try:
                conn = await to_thread.run_sync(functools.partial(
                    psycopg.connect, self.env.store.url, autocommit=True))
                conn.execute(f"LISTEN {outbox.CHANNEL}")
                lost = loop.create_future()
                loop.add_reader(conn.fileno(), self._heard, conn, lost)
                self._wake.set()  # whatever was queued while nobody listened
                log.warning("outbox: LISTEN %s connection lost (%s); reconnecting in %.0f s",
                            outbox.CHANNEL, await lost, RELISTEN)
            except psycopg.Error as e:
                log.warning("outbox: LISTEN %s failed (%s); retrying in %.0f s",
                            outbox.CHANNEL, e, RELISTEN)
            finally:
                if conn is not None:
                    with contextlib.suppress(Exception):
                        loop.remove_reader(conn.fileno())
                    conn.close()
            await asyncio.sleep(RELISTEN)

    def _heard(self, conn, lost: asyncio.Future) -> None:
        """The LISTEN socket is readable: a notification, or the connection went away."""
        try:
            conn.pgconn.consume_input()
            heard = False
            while conn.pgconn.notifies() is not None:
                heard = True
        except Exception as e:  # psycopg.OperationalError: the server closed it
            if not lost.done():
                lost.set_result(e)
            return
        if heard:
            self._wake.set()
