"""A TCP relay in front of PostgreSQL that counts round trips, for tests and benchmarks.

A round trip is the client speaking after the server has said it is ready for the next
query (ReadyForQuery, its answer to a Sync), or for the first time: however many statements
a pipelined burst carries, however TCP splits it, and however early the server answers its
first statements, it counts once, which is what a request pays in waiting for the network.
"""

from __future__ import annotations

import selectors
import socket
import threading


class RoundTripRelay:
    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.target = (host, port)
        self.listener = socket.create_server((host, 0))
        self.port = self.listener.getsockname()[1]
        self.count = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, url: str) -> str:
        """`url` (a postgresql:// URL to the target) pointed at the relay instead."""
        return url.replace(f":{self.target[1]}/", f":{self.port}/")

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            threading.Thread(target=self._relay, args=(client, server), daemon=True).start()

    def _relay(self, client: socket.socket, server: socket.socket) -> None:
        sel = selectors.DefaultSelector()
        sel.register(client, selectors.EVENT_READ, server)
        sel.register(server, selectors.EVENT_READ, client)
        answered = _Answers()
        waiting = True  # for the server, before the client's first word
        try:
            while True:
                for key, _ in sel.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    if key.fileobj is client:
                        answered.asked(data)
                        if waiting:
                            with self._lock:
                                self.count += 1
                        waiting = False
                    elif answered.ready_in(data):
                        waiting = True
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            client.close()
            server.close()

    def close(self) -> None:
        self.listener.close()


class _Answers:
    """The server's side of the wire, message by message (a type byte, then a length that
    counts itself), across however TCP splits it."""

    def __init__(self) -> None:
        self.header = b""  # of the message begun
        self.left = 0  # bytes of its body still to come

    def asked(self, data: bytes) -> None:
        """The client's words: an SSL or GSS encryption request is answered by one byte
        ('N' or 'S'/'G') that is no message."""
        if len(data) >= 8 and data[:4] == b"\0\0\0\x08" and data[4:8] in (
                (80877103).to_bytes(4, "big"), (80877104).to_bytes(4, "big")):
            self.left = 1

    def ready_in(self, data: bytes) -> bool:
        """Whether `data` holds a ReadyForQuery ('Z') message."""
        ready, i = False, 0
        while i < len(data):
            if self.left:
                step = min(self.left, len(data) - i)
                self.left -= step
                i += step
                continue
            take = 5 - len(self.header)
            self.header += data[i:i + take]
            i += take
            if len(self.header) == 5:
                ready |= self.header[:1] == b"Z"
                self.left = int.from_bytes(self.header[1:], "big") - 4
                self.header = b""
        return ready
