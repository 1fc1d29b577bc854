"""End of input is not the end of the work: `printf '<init>\n<initialized>\n<call>\n' |
alloy-mcp` closes stdin while the call runs, and the SDK ends the session (cancelling the
call) as soon as its read stream ends. These wrappers hold that end back until every request
read has been answered."""

from __future__ import annotations

import anyio
import mcp_types as types


class Answered:
    """The ids of requests read and not yet answered; `idle` is set while there are none."""

    def __init__(self) -> None:
        self.pending: set = set()
        self.idle = anyio.Event()
        self.idle.set()

    def read(self, item) -> None:
        message = getattr(item, "message", None)
        if isinstance(message, types.JSONRPCRequest):
            self.pending.add(message.id)
            if self.idle.is_set():
                self.idle = anyio.Event()

    def written(self, item) -> None:
        message = getattr(item, "message", None)
        if isinstance(message, types.JSONRPCResponse | types.JSONRPCError):
            self.pending.discard(message.id)
            if not self.pending:
                self.idle.set()


class DrainingRead:
    """A read stream whose end waits until `answered` is idle."""

    def __init__(self, stream, answered: Answered) -> None:
        self._stream, self._answered = stream, answered

    async def receive(self):
        try:
            item = await self._stream.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            await self._answered.idle.wait()
            raise anyio.EndOfStream from None
        self._answered.read(item)
        return item

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    def __getattr__(self, name):  # `last_context` and the like, as the SDK looks for them
        return getattr(self._stream, name)


class CountingWrite:
    """A write stream that tells `answered` which requests have their answer."""

    def __init__(self, stream, answered: Answered) -> None:
        self._stream, self._answered = stream, answered

    async def send(self, item) -> None:
        await self._stream.send(item)
        self._answered.written(item)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    def __getattr__(self, name):
        return getattr(self._stream, name)


def draining(read, write):
    """(read, write) for `Server.run` that finish every request before input's end counts."""
    answered = Answered()
    return DrainingRead(read, answered), CountingWrite(write, answered)
