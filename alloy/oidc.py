"""The OpenID Connect relying party: discovery, PKCE, code exchange, ID-token validation.

Network I/O happens here and only outside database transactions.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from alloy import outbound
from alloy.errors import Invalid, Unauthorized, Unavailable


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) per RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _http(allow_private: bool):
    return outbound.client(allow_private=allow_private, timeout=10, follow_redirects=True)


def discover(issuer_url: str, *, allow_private: bool = False) -> dict:
    """The provider's endpoints from its `/.well-known/openid-configuration`."""
    import httpx

    url = issuer_url.rstrip("/") + "/.well-known/openid-configuration"
    try:
        with _http(allow_private) as http:
            resp = http.get(url)
            resp.raise_for_status()
            doc = resp.json()
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as e:
        raise Unavailable(f"identity provider discovery failed at {url}: {e}") from None
    except Unavailable as e:  # the outbound policy refused the URL
        raise Unavailable(f"identity provider discovery failed: {e.message}") from None
    if not isinstance(doc, dict):
        raise Unavailable(f"identity provider discovery failed at {url}: not a JSON object")
    missing = [k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if k not in doc]
    if missing:
        raise Invalid(f"identity provider discovery document lacks {', '.join(missing)}")
    return doc


def exchange(provider: dict, code: str, verifier: str, redirect_uri: str, *,
             allow_private: bool = False) -> dict:
    """Trade the authorization code (plus PKCE verifier) for the provider's tokens."""
    import httpx

    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": provider["client_id"], "client_secret": provider["client_secret"],
            "code_verifier": verifier}
    try:
        with _http(allow_private) as http:
            resp = http.post(provider["token_endpoint"], data=form)
    except (httpx.HTTPError, httpx.InvalidURL) as e:
        raise Unavailable(f"identity provider token endpoint unreachable: {e}") from None
    if resp.status_code != 200:
        raise Unauthorized(f"identity provider refused the code ({resp.status_code})")
    tokens = resp.json()
    if "id_token" not in tokens:
        raise Unauthorized("identity provider returned no id_token")
    return tokens


def verify_id_token(provider: dict, id_token: str, nonce: str, *,
                    allow_private: bool = False) -> dict:
    """Check the ID token's signature (JWKS), issuer, audience, expiry and nonce."""
    import jwt

    outbound.guard(provider["jwks_uri"], allow_private=allow_private)  # fetched by PyJWT

    try:
        key = jwt.PyJWKClient(provider["jwks_uri"]).get_signing_key_from_jwt(id_token).key
        claims = jwt.decode(id_token, key, algorithms=["RS256", "ES256", "EdDSA"],
                            audience=provider["client_id"],
                            issuer=provider["issuer_url"].rstrip("/"))
    except jwt.PyJWTError as e:
        raise Unauthorized(f"invalid ID token: {e}") from None
    if claims.get("nonce") != nonce:
        raise Unauthorized("invalid ID token: nonce mismatch")
    if not claims.get("email"):
        raise Unauthorized("the identity provider did not share an email address")
    return claims
