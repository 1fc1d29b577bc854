"""Running the app in uvicorn, in one process, at no cost while idle.

uvicorn's housekeeping loop wakes ten times a second (to refresh the `Date` header once a
second and to notice a shutdown request), which alone kept an idle server at ~0.17% of a
core. `LeanServer` wakes once a second for the header and is woken at once by the signal
that asks it to stop, so shutdown is as prompt as before.
"""

from __future__ import annotations

import asyncio
import contextlib

import uvicorn


class LeanServer(uvicorn.Server):
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 10) % 864000  # on_tick does its once-a-second work at % 10
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), 1.0)

    def handle_exit(self, sig, frame) -> None:
        super().handle_exit(sig, frame)
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)


def run(app, *, host: str, port: int, **options) -> None:
    """`uvicorn.run(app, ...)` for one process, with `LeanServer`."""
    import sys

    from uvicorn.main import STARTUP_FAILURE

    server = LeanServer(uvicorn.Config(app, host=host, port=port, **options))
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)
