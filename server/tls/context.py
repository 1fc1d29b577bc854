"""The HTTPS server's SSLContext, swapped when its certificate files change: no restart.

uvicorn builds one SSLContext per server process and hands it to asyncio. We keep that one
as a shell: its SNI callback, called on every handshake (with or without SNI), hands the
connection the newest context, built afresh from the files when they changed (checked at
most once a second). A fresh context, rather than `load_cert_chain` on the live one, because
OpenSSL keeps one certificate per key type: an RSA certificate replaced by an ECDSA one
would otherwise still be served to some clients. The files are the only channel, so every
worker process of `alloy serve --workers N` picks up a renewal by itself.
"""

from __future__ import annotations

import os
import ssl
import sys
import time

from alloy.errors import NotConfigured


def check(cert_file: str, key_file: str | None) -> None:
    """Load the pair once, now: an unreadable file or a key that does not match its
    certificate stops `alloy serve` with one line, before anything listens."""
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert_file, key_file or None)
    except (OSError, ssl.SSLError) as why:
        files = f"{cert_file}" + (f" and {key_file}" if key_file else "")
        reason = getattr(why, "strerror", None) or str(why)
        raise NotConfigured(f"cannot load the TLS certificate and key from {files}: "
                            f"{' '.join(reason.split())}") from None


class ReloadingContext:
    """uvicorn's `ssl_context_factory`: plain paths, so it pickles into worker processes."""

    def __init__(self, cert_file: str, key_file: str | None) -> None:
        self.files = (cert_file, key_file)

    def __call__(self, config, default_factory) -> ssl.SSLContext:
        self._factory = default_factory  # reads config.ssl_certfile/keyfile each time
        self._stamp = self._read_stamp()
        self._current = shell = default_factory()
        self._next_check = time.monotonic() + 1
        shell.sni_callback = self._pick
        return shell

    def _read_stamp(self) -> tuple:
        stamps = []
        for path in self.files:
            try:
                st = os.stat(path) if path else None
            except OSError:
                st = None
            stamps.append(st and (st.st_mtime_ns, st.st_size, st.st_ino))
        return tuple(stamps)

    def _pick(self, ssl_object, server_name, shell) -> None:
        now = time.monotonic()
        if now >= self._next_check:
            self._next_check = now + 1
            stamp = self._read_stamp()
            if stamp != self._stamp:
                self._stamp = stamp  # a bad pair is retried when the files change again
                try:
                    self._current = self._factory()
                    print("TLS: certificate reloaded", file=sys.stderr, flush=True)
                except Exception as why:  # keep serving the previous certificate
                    print(f"WARN: TLS: keeping the previous certificate, cannot load the "
                          f"new one: {why}", file=sys.stderr, flush=True)
        if self._current is not shell:
            ssl_object.context = self._current
