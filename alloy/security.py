"""Passwords (argon2id), access tokens (EdDSA JWTs), refresh tokens and API keys."""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import secrets
import string
import time
from pathlib import Path

from alloy.private import private_dir

API_KEY_PREFIX = "alloy_live_"
_B62 = string.digits + string.ascii_letters


# argon2id parameters per ALLOY_PASSWORD_HASHING. standard is OWASP's profile (19 MiB, t=2,
# p=1): strong, and fast enough to log in briskly; minimal is argon2's floor, for test suites.
HASHING = {"standard": {"time_cost": 2, "memory_cost": 19456, "parallelism": 1},
           "minimal": {"time_cost": 1, "memory_cost": 8, "parallelism": 1}}


@functools.cache
def _hasher(hashing: str = "standard"):
    from argon2 import PasswordHasher

    return PasswordHasher(**HASHING[hashing])


def hash_password(password: str, hashing: str = "standard") -> str:
    return _hasher(hashing).hash(password)


@functools.cache
def _dummy_hash(hashing: str) -> str:
    """A hash of nothing anyone knows, made with the same parameters as real ones."""
    return _hasher(hashing).hash(secrets.token_urlsafe(32))


def verify_password(stored: str | None, password: str, hashing: str = "standard") -> bool:
    """Check a password against its stored hash, in the same time whether or not one exists.

    No account (or an SSO-only one) still costs one argon2 verification against a dummy
    hash, so a login's answer time does not tell which emails have accounts.
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        ok = _hasher(hashing).verify(stored or _dummy_hash(hashing), password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and bool(stored)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def new_api_key() -> str:
    return API_KEY_PREFIX + "".join(secrets.choice(_B62) for _ in range(32))


def new_refresh_token() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()


def new_code(length: int = 22) -> str:
    return "".join(secrets.choice(_B62) for _ in range(length))


class JwtKeys:
    """Ed25519 signing keys: from ALLOY_JWT_* env or files, else generated once and kept."""

    def __init__(self, private_pem: bytes, public_pem: bytes, issuer: str, audience: str,
                 ttl: int) -> None:
        self.private_pem, self.public_pem = private_pem, public_pem
        self.issuer, self.audience, self.ttl = issuer, audience, ttl
        self._verified: dict[str, dict] = {}  # token -> claims, until their exp

    def issue(self, claims: dict) -> str:
        import jwt

        t = int(time.time())
        payload = {"iss": self.issuer, "aud": self.audience, "iat": t, "exp": t + self.ttl,
                   "jti": secrets.token_hex(8), **claims}
        return jwt.encode(payload, self.private_pem, algorithm="EdDSA")

    @functools.cached_property
    def _public_key(self):
        """The public key parsed once: PyJWT would parse the PEM again on every verify."""
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        return load_pem_public_key(self.public_pem)

    def verify(self, token: str) -> dict | None:
        """The token's claims if it is ours and unexpired, else None. A verified token is
        kept until its `exp`: access tokens are stateless, and the signature check costs more
        than the rest of a typical request's core work (API keys never come here)."""
        hit = self._verified.get(token)
        if hit is not None and hit.get("exp", 0) > time.time():
            return hit
        import jwt

        try:
            claims = jwt.decode(token, self._public_key, algorithms=["EdDSA"],
                                audience=self.audience, issuer=self.issuer)
        except jwt.PyJWTError:
            return None
        if len(self._verified) > 10_000:
            self._verified.clear()
        self._verified[token] = claims
        return claims


def _pem(inline: str | None, path: str | None) -> bytes | None:
    if inline:
        return inline.replace("\\n", "\n").encode()
    if path:
        return Path(path).read_bytes()
    return None


def load_jwt_keys(auth, key_dir: Path) -> JwtKeys:
    """The keys `auth` (Settings.auth) names, else a pair generated once into `key_dir`."""
    private = _pem(auth.jwt_private_key, auth.jwt_private_key_file)
    public = _pem(auth.jwt_public_key, auth.jwt_public_key_file)
    if private is None:
        private, public = _generated_pair(key_dir)
    elif public is None:
        public = _public_from(private)
    return JwtKeys(private, public, auth.jwt_issuer, auth.jwt_audience, auth.jwt_ttl_seconds)


def generated_key_warning(auth, key_dir: Path) -> str | None:
    """What `alloy serve` says when it signs with the generated pair: a server's operator
    should configure keys. Embedded commands say nothing (their tokens never leave the
    machine, and the advice means nothing to a solo user)."""
    if auth.jwt_private_key or auth.jwt_private_key_file:
        return None
    return ("WARN: No JWT keys configured — signing with the Ed25519 key pair generated for "
            f"development at {key_dir / 'jwt_ed25519.pem'}.\n      Set ALLOY_JWT_PRIVATE_KEY "
            "/ ALLOY_JWT_PUBLIC_KEY (or *_FILE) for production.")


def _public_from(private_pem: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem, password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def _generated_pair(key_dir: Path) -> tuple[bytes, bytes]:
    """Generate a key pair on first use and keep it 0600, so tokens survive restarts."""
    path = key_dir / "jwt_ed25519.pem"
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())
        private_dir(key_dir)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        os.replace(tmp, path)
    private = path.read_bytes()
    return private, _public_from(private)
