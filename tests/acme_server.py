"""A real ACME server for the TLS tests: Pebble, Let's Encrypt's test CA (Debian's `pebble`).

Pebble speaks RFC 8555 as Let's Encrypt does and really validates: for HTTP-01 it fetches
`http://<domain>:<httpPort>/.well-known/acme-challenge/<token>`, so the test points httpPort
at the Alloy server's plain-HTTP port. It serves its API over HTTPS with a certificate we
make here (clients trust it through REQUESTS_CA_BUNDLE), and issues from a root it makes up
at each start, fetched from its management port to verify what Alloy then serves.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from tests.support import free_port

PEBBLE = shutil.which("pebble") or "/usr/bin/pebble"


def available() -> bool:
    return os.access(PEBBLE, os.X_OK)


def self_signed(folder: Path, name: str = "localhost", days: float = 1.0,
                rsa_key: bool = False) -> tuple[Path, Path]:
    """A self-signed certificate for `name` and 127.0.0.1: (cert.pem, key.pem) in `folder`;
    an ECDSA key, or RSA."""
    import ipaddress

    key = rsa.generate_private_key(65537, 2048) if rsa_key else ec.generate_private_key(
        ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName(name), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / f"{name}-cert.pem", folder / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Pebble:
    """Pebble on loopback, validating HTTP-01 on `http_port`, issuing certificates that live
    `validity` seconds."""

    def __init__(self, folder: Path, http_port: int, validity: int = 3600) -> None:
        self.folder = folder
        self.tls_cert, tls_key = self_signed(folder / "pebble-tls")
        self.port, self.management = free_port(), free_port()
        config = {"pebble": {
            "listenAddress": f"127.0.0.1:{self.port}",
            "managementListenAddress": f"127.0.0.1:{self.management}",
            "certificate": str(self.tls_cert), "privateKey": str(tls_key),
            "httpPort": http_port, "tlsPort": free_port(),
            "ocspResponderURL": "", "externalAccountBindingRequired": False,
            "certificateValidityPeriod": validity}}
        (folder / "pebble.json").write_text(json.dumps(config))
        env = {**os.environ, "PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0",
               "PEBBLE_AUTHZREUSE": "0"}  # every order proves control again
        self.log = open(folder / "pebble.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen([PEBBLE, "-config", str(folder / "pebble.json")],
                                     env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.directory_url = f"https://127.0.0.1:{self.port}/dir"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(self.directory_url, verify=self.trust(), timeout=2)
                break
            except httpx.HTTPError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"pebble did not start: {self.output()}") from None
                time.sleep(0.05)

    def trust(self) -> ssl.SSLContext:
        """A client context trusting Pebble's own HTTPS certificate."""
        return ssl.create_default_context(cafile=str(self.tls_cert))

    def root_pem(self) -> str:
        """The root Pebble issues under (made up at its start)."""
        return httpx.get(f"https://127.0.0.1:{self.management}/roots/0",
                         verify=self.trust(), timeout=10).text

    def output(self) -> str:
        return (self.folder / "pebble.log").read_text()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
