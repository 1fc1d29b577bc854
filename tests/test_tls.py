"""HTTPS served by `alloy serve`: certificates from a real ACME server (Pebble) on loopback,
which fetches the HTTP-01 challenge from Alloy's plain-HTTP port; renewal without restart;
the redirect to HTTPS; the operator's own certificate; one-line errors for bad flags."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import stat
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509

from alloy.config import Settings
from tests import acme_server
from tests.acme_server import Pebble, self_signed
from tests.support import BIN, HANG, base_env, cli, free_port

# .ci/run installs Pebble: on CI its absence fails these tests instead of skipping them.
needs_pebble = pytest.mark.skipif(not acme_server.available() and not os.environ.get("CI"),
                                  reason="Pebble is not installed (apt-get install pebble)")


class Serve:
    """`alloy serve` over HTTPS in a subprocess, ready once it accepts TLS connections."""

    def __init__(self, home: Path, *args: str, **env) -> None:
        self.port = free_port()
        self.env = base_env(home, PORT=self.port, HOST="127.0.0.1", **env)
        self.log_path = home / f"serve-{self.port}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen([str(BIN / "alloy"), "serve", *args], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        started = time.monotonic()
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"alloy serve exited: {self.output()}")
            try:
                served_cert(self.port)
                return
            except OSError:
                pass
            if time.monotonic() - started > HANG:
                self.stop()
                raise RuntimeError(f"no TLS on {self.port}: {self.output()}")
            time.sleep(0.05)

    def output(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def served_cert(port: int, cafile: Path | None = None) -> x509.Certificate:
    """The certificate a TLS handshake with 127.0.0.1:port (SNI localhost) presents;
    verified against `cafile` (name and dates included) when given."""
    if cafile:
        ctx = ssl.create_default_context(cafile=str(cafile))
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            ctx.wrap_socket(raw, server_hostname="localhost") as tls:
        return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))


def wait_for(check, what: str, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def acme_args(pebble: Pebble, http_port: int, cache: Path) -> tuple[str, ...]:
    return ("--tls-domain", "localhost", "--tls-directory-url", pebble.directory_url,
            "--tls-http-port", str(http_port), "--tls-cache-dir", str(cache))


@pytest.fixture
def pebble_for(tmp_path):
    started = []

    def start(validity: int = 3600) -> tuple[Pebble, int]:
        http_port = free_port()
        started.append(Pebble(tmp_path / f"pebble-{http_port}", http_port, validity))
        return started[-1], http_port

    yield start
    for pebble in started:
        pebble.stop()


@needs_pebble
def test_a_certificate_from_the_acme_server_is_served_cached_and_reused(tmp_path, pebble_for):
    pebble, http_port = pebble_for()
    cache = tmp_path / "cache"
    args = (*acme_args(pebble, http_port, cache), "--tls-contact", "ops@example.com")
    server = Serve(tmp_path, *args, REQUESTS_CA_BUNDLE=pebble.tls_cert)
    try:
        root = tmp_path / "pebble-root.pem"
        root.write_text(pebble.root_pem())
        verified = ssl.create_default_context(cafile=str(root))
        health = httpx.get(f"https://localhost:{server.port}/health", verify=verified)
        assert health.json()["status"] == "ok"
        cert = served_cert(server.port, root)
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert names.get_values_for_type(x509.DNSName) == ["localhost"]
        # Pebble really fetched the challenge from Alloy's plain-HTTP port
        assert (f"validate w/ HTTP: http://localhost:{http_port}/.well-known/acme-challenge/"
                in pebble.output())
        # the account key and the certificate are the owner's alone
        folder = next(cache.iterdir())
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {
            "account.pem": 0o600, "localhost.pem": 0o600}

        http = f"http://127.0.0.1:{http_port}"
        moved = httpx.get(f"{http}/api/v1/version?x=1")
        assert (moved.status_code, moved.headers["location"]) == (
            301, f"https://localhost:{server.port}/api/v1/version?x=1")
        assert httpx.post(f"{http}/api/v1/auth/login", json={}).status_code == 308
        assert httpx.get(f"{http}/.well-known/acme-challenge/nope").status_code == 404
        with httpx.Client(verify=verified, follow_redirects=True) as client:
            assert client.get(f"{http}/api/v1/version").json()["api"] == "v1"
    finally:
        server.stop()
    assert "requesting a certificate" in server.output()

    again = Serve(tmp_path, *args, REQUESTS_CA_BUNDLE=pebble.tls_cert)
    try:  # a restart serves the cached certificate: no new order
        assert served_cert(again.port, root).serial_number == cert.serial_number
        assert "requesting a certificate" not in again.output()
        assert pebble.output().count("Issued certificate serial") == 1
    finally:
        again.stop()


@needs_pebble
def test_the_certificate_is_renewed_before_expiry_without_restart(tmp_path, pebble_for):
    """30-second certificates: renewed when 10 s are left, by every worker, while serving.
    No --tls-contact: the spec calls it recommended, not required."""
    pebble, http_port = pebble_for(validity=30)
    server = Serve(tmp_path, *acme_args(pebble, http_port, tmp_path / "cache"),
                   "--workers", "2", REQUESTS_CA_BUNDLE=pebble.tls_cert)
    try:
        first = served_cert(server.port)
        renewed = wait_for(lambda: (c := served_cert(server.port)).serial_number
                           != first.serial_number and c, "a renewed certificate")
        assert renewed.not_valid_before_utc < first.not_valid_after_utc
        time.sleep(1.1)  # each worker looks at the files at most once a second
        assert first.serial_number not in {served_cert(server.port).serial_number
                                           for _ in range(8)}
        root = tmp_path / "pebble-root.pem"
        root.write_text(pebble.root_pem())
        served_cert(server.port, root)  # the renewed chain verifies
        assert server.proc.poll() is None and server.output().count("Listening on") == 1
        assert "certificate for localhost renewed" in server.output()
    finally:
        server.stop()


def test_your_own_certificate_is_served_and_replaced_without_restart(tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    cert, key = live / "cert.pem", live / "key.pem"
    one = self_signed(tmp_path / "one")
    shutil.copy(one[0], cert)
    shutil.copy(one[1], key)
    http_port = free_port()
    server = Serve(tmp_path, "--tls-cert", str(cert), "--tls-key", str(key),
                   "--tls-http-port", str(http_port))
    try:
        served_cert(server.port, one[0])
        assert httpx.get(f"https://127.0.0.1:{server.port}/health",
                         verify=ssl.create_default_context(cafile=str(one[0]))).status_code == 200
        # no domain: the redirect keeps the host the client asked for
        moved = httpx.get(f"http://127.0.0.1:{http_port}/x?y=1")
        assert moved.headers["location"] == f"https://127.0.0.1:{server.port}/x?y=1"

        two = self_signed(tmp_path / "two", rsa_key=True)  # another key type, too
        for new, old in ((two[1], key), (two[0], cert)):
            shutil.copy(new, live / "tmp.pem")
            os.replace(live / "tmp.pem", old)
        wait_for(lambda: served_cert(server.port).public_key() != _key_of(one[0]),
                 "the new certificate")
        served_cert(server.port, two[0])
        assert server.proc.poll() is None
        # the image's health check finds a TLS server on $PORT, and fails with none there
        for port, code in ((server.port, 0), (free_port(), 1)):
            probe = subprocess.run(_docker_healthcheck(), env={**os.environ, "PORT": str(port)},
                                   timeout=30)
            assert probe.returncode == code
    finally:
        server.stop()


def _key_of(path: Path):
    return x509.load_pem_x509_certificate(path.read_bytes()).public_key()


def test_bad_tls_settings_stop_serve_with_one_line(tmp_path):
    cert, key = self_signed(tmp_path / "mine")
    other_key = self_signed(tmp_path / "other")[1]
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key\n")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    closed = free_port()
    acme = ["--tls-domain", "localhost", "--tls-cache-dir", str(tmp_path / "cache")]
    cases = [
        (["--tls-domain", "https://api.example.com"], "ALLOY_TLS_DOMAIN must be a domain name"),
        (["--tls-domain", "*.example.com"], "ALLOY_TLS_DOMAIN must be a domain name"),
        ([*acme, "--tls-contact", "ops"], "ALLOY_TLS_CONTACT must be an email address"),
        (["--tls-contact", "ops@example.com"], "--tls-contact (ALLOY_TLS_CONTACT) needs "
                                               "--tls-domain"),
        ([*acme, "--tls-staging", "--tls-directory-url", "https://acme.test/dir"],
         "name two ACME servers"),
        ([*acme, "--tls-http-port", "0"], "needs the HTTP port for the ACME HTTP-01 challenge"),
        ([*acme, "--tls-cert", str(cert), "--tls-key", str(key)], "exclude each other"),
        (["--tls-key", str(key)], "--tls-key (ALLOY_TLS_KEY) needs --tls-cert"),
        (["--tls-cert", str(cert), "--tls-key", str(tmp_path / "missing.pem")],
         "No such file or directory"),
        (["--tls-cert", str(cert), "--tls-key", str(garbage)], "cannot load the TLS certificate"),
        (["--tls-cert", str(cert), "--tls-key", str(other_key)], "KEY_VALUES_MISMATCH"),
        (["--tls-cert", str(cert), "--tls-key", str(key), "--tls-http-port",
          str(busy.getsockname()[1])], "cannot listen for HTTP on 127.0.0.1:"),
        ([*acme, "--tls-directory-url", f"https://127.0.0.1:{closed}/dir", "--tls-http-port",
          str(free_port())], "ACME: no certificate for localhost from https://127.0.0.1:"),
        (["--tls-domain", "localhost", "--tls-cache-dir", str(garbage / "cache"),
          "--tls-http-port", str(free_port())], "(--tls-cache-dir): Not a directory"),
    ]
    env = base_env(tmp_path, PORT=free_port(), HOST="127.0.0.1")
    try:
        for args, message in cases:
            result = cli(["serve", *args], env, check=False)
            assert result.returncode == 1, (args, result.stderr)
            *before, last = result.stderr.splitlines()
            # one line (after the first start's JWT key warning, for errors found listening)
            assert last.startswith("error: ") and message in last, (args, result.stderr)
            assert not [line for line in before if not line.startswith(("WARN: ", "  "))]
    finally:
        busy.close()


def test_links_say_https_behind_tls():
    """ALLOY_HTTPS (TLS here or at a proxy): the links Alloy hands out start with https;
    --tls-domain implies it, with the domain as the public URL."""
    from alloy.server.tls import plan

    assert Settings.from_env({"PORT": "8443"}).server.base_url == "http://localhost:8443"
    https = Settings.from_env({"PORT": "8443", "ALLOY_HTTPS": "yes"})
    assert https.server.base_url == "https://localhost:8443"
    for port, url in (("443", "https://api.example.com"), ("3000", "https://api.example.com:3000")):
        settings = Settings.from_env({"PORT": port, "ALLOY_TLS_DOMAIN": "api.example.com"})
        settings = Settings.from_env(settings.environ, **plan(settings).environ())
        assert settings.server.base_url == url


def test_the_docs_own_certificate_example_runs(tmp_path):
    from tests.docs_runner import run_doc
    from tests.support import ROOT

    env = base_env(tmp_path, TLS_PORT=free_port(), HTTP_PORT=free_port())
    run_doc(ROOT / "docs" / "tls.md", env, tmp_path)


def _docker_healthcheck() -> list[str]:
    """The Dockerfile's HEALTHCHECK command, run with this Python."""
    import json
    import re
    import sys

    from tests.support import ROOT

    text = (ROOT / "Dockerfile").read_text()
    argv = json.loads(re.search(r"^HEALTHCHECK .*\\\n\s+CMD (\[.*\])$", text, re.M)[1])
    return [sys.executable, *argv[1:]]


async def test_the_redirect_goes_to_the_public_https_origin(tmp_path):
    """Behind a port mapping (443 -> 8443) ALLOY_PUBLIC_URL names the port clients use."""
    from alloy.server.tls import plan
    from alloy.server.tls.http import redirect_app

    def app_for(**environ):
        tls = plan(Settings.from_env({"PORT": "8443", "ALLOY_TLS_CERT": str(cert), **environ}))
        return redirect_app({"tok": "tok.thumb"}, 8443, tls.origin())

    cert, key = self_signed(tmp_path)
    cert.write_bytes(cert.read_bytes() + key.read_bytes())  # --tls-cert alone: key inside
    cases = [({}, "GET", 301, "https://evil.test:8443/a?b=1"),
             ({"ALLOY_PUBLIC_URL": "https://api.example.com/"}, "GET", 301,
              "https://api.example.com/a?b=1"),
             ({"ALLOY_PUBLIC_URL": "https://api.example.com"}, "DELETE", 308,
              "https://api.example.com/a?b=1")]
    for environ, method, status, location in cases:
        transport = httpx.ASGITransport(app=app_for(**environ))
        async with httpx.AsyncClient(transport=transport, base_url="http://evil.test") as http:
            moved = await http.request(method, "/a?b=1")
            assert (moved.status_code, moved.headers["location"]) == (status, location)
            challenge = await http.get("/.well-known/acme-challenge/tok")
            assert (challenge.status_code, challenge.text) == (200, "tok.thumb")
