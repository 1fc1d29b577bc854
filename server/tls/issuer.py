"""Certificates from an ACME CA (RFC 8555; Let's Encrypt) with the HTTP-01 challenge.

Uses `acme`, the certbot project's client library (the `tls` extra). Everything is kept in
one folder per CA under the cache dir, 0700, files 0600: `account.pem`, the account key
(an account is per CA: staging and production never share one), and `<domain>.pem`, the
certificate's private key followed by its chain — one file, replaced atomically, so a
server reloading it can never pair a new certificate with an old key.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from alloy.errors import NotConfigured
from alloy.private import private_dir, write_private

LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory"
LETS_ENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory"
TIMEOUT = datetime.timedelta(seconds=90)  # for the CA to validate and issue


def folder_for(cache_dir: str, directory_url: str) -> Path:
    """`<cache dir>/<the CA's host and path>`: e.g. acme-v02.api.letsencrypt.org-directory."""
    name = re.sub(r"[^A-Za-z0-9.]+", "-", directory_url.split("://", 1)[-1]).strip("-.")
    return Path(cache_dir) / (name or "acme")


def _new_key() -> bytes:
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())


def leaf(pem: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificates(pem)[0]


def renew_at(pem: bytes) -> datetime.datetime:
    """When a third of the certificate's lifetime is left: 30 days for Let's Encrypt's
    90-day certificates, and proportionally sooner for shorter ones."""
    cert = leaf(pem)
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    return cert.not_valid_after_utc - lifetime / 3


def usable(pem: bytes | None, domain: str) -> bool:
    """A cached certificate that names `domain` and has not expired."""
    if not pem:
        return False
    try:
        cert = leaf(pem)
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except (ValueError, IndexError, x509.ExtensionNotFound):
        return False
    return (domain in names.value.get_values_for_type(x509.DNSName)
            and cert.not_valid_after_utc > datetime.datetime.now(datetime.UTC))


class Issuer:
    """One CA account, registered on first use; `issue(domain)` answers the CA's HTTP-01
    challenges through `challenges` (token -> key authorization, served by `http.py`)."""

    def __init__(self, directory_url: str, contact: str, folder: Path,
                 challenges: dict[str, str]) -> None:
        self.directory_url, self.contact, self.folder = directory_url, contact, folder
        self.challenges = challenges
        self._client = None

    def cert_path(self, domain: str) -> Path:
        return self.folder / f"{domain}.pem"

    def cached(self, domain: str) -> bytes | None:
        try:
            return self.cert_path(domain).read_bytes()
        except OSError:  # none yet (or unreadable: issuing says why when it cannot write)
            return None

    def issue(self, domain: str) -> bytes:
        """Order, prove control of `domain` over HTTP, finalize; save and return the PEM."""
        from acme import challenges, crypto_util, errors, messages

        try:
            client = self._account()
            key = _new_key()
            order = client.new_order(crypto_util.make_csr(key, [domain]))
            for authz in order.authorizations:
                if authz.body.status == messages.STATUS_VALID:
                    continue  # the CA still trusts an earlier proof
                http01 = next((c for c in authz.body.challenges
                               if isinstance(c.chall, challenges.HTTP01)), None)
                if http01 is None:
                    raise NotConfigured(f"the ACME server offers no HTTP-01 challenge for {domain}")
                response, validation = http01.response_and_validation(client.net.key)
                self.challenges[http01.chall.encode("token")] = validation
                client.answer_challenge(http01, response)
            deadline = datetime.datetime.now() + TIMEOUT
            order = client.poll_and_finalize(order, deadline)
        except (errors.Error, messages.Error, OSError) as why:
            raise NotConfigured(f"ACME: no certificate for {domain} from "
                                f"{self.directory_url}: {_one_line(why)}") from None
        finally:
            self.challenges.clear()
        pem = key + order.fullchain_pem.encode()
        self._save(self.cert_path(domain), pem)
        return pem

    def _save(self, path: Path, data: bytes) -> None:
        try:
            private_dir(self.folder)
            write_private(path, data)
        except OSError as why:
            raise NotConfigured(f"cannot write {path} (--tls-cache-dir): "
                                f"{why.strerror or why}") from None

    def _account(self):
        """The ACME client, signed in with the cached account key (made on first use)."""
        if self._client is not None:
            return self._client
        import josepy
        from acme import client as acme_client
        from acme import errors, messages

        key_path = self.folder / "account.pem"
        if not key_path.exists():
            self._save(key_path, _new_key())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        net = acme_client.ClientNetwork(josepy.JWKEC(key=key), alg=josepy.ES256,
                                        user_agent="alloy")
        client = acme_client.ClientV2(acme_client.ClientV2.get_directory(
            self.directory_url, net), net)
        registration = messages.NewRegistration.from_data(
            email=self.contact or None, terms_of_service_agreed=True)
        try:
            client.new_account(registration)
        except errors.ConflictError as known:  # this key's account exists: use it
            net.account = messages.RegistrationResource(uri=known.location,
                                                        body=messages.Registration())
        self._client = client
        return client


def _one_line(why: BaseException) -> str:
    return " ".join(str(why).split()) or type(why).__name__
