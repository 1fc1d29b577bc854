"""A small OpenID provider on loopback that speaks the real protocol (discovery, authorize with
PKCE, token, JWKS) — the stand-in for Okta and friends, which we do not own."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class FakeIdP:
    def __init__(self, client_id: str = "alloy-client", client_secret: str = "s3cret") -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.user = {"email": "sso.user@example.com", "name": "Sso User"}
        self.codes: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()

    def _jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}

    def _handler(self):
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, code: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._json(200, {
                        "issuer": idp.url, "authorization_endpoint": idp.url + "/authorize",
                        "token_endpoint": idp.url + "/token", "jwks_uri": idp.url + "/jwks"})
                if url.path == "/jwks":
                    return self._json(200, idp._jwks())
                if url.path == "/authorize":
                    if q.get("client_id") != idp.client_id or \
                            q.get("code_challenge_method") != "S256":
                        return self._json(400, {"error": "invalid_request"})
                    code = secrets.token_urlsafe(16)
                    idp.codes[code] = {**q, "user": dict(idp.user)}
                    self.send_response(302)
                    self.send_header("Location", q["redirect_uri"] + "?" + urlencode(
                        {"code": code, "state": q["state"]}))
                    self.end_headers()
                    return None
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = idp.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(
                    hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if (grant is None or form.get("client_secret") != idp.client_secret
                        or form.get("redirect_uri") != grant["redirect_uri"]
                        or challenge != grant["code_challenge"]):
                    return self._json(400, {"error": "invalid_grant"})
                now = int(time.time())
                id_token = jwt.encode({
                    "iss": idp.url, "aud": idp.client_id, "sub": grant["user"]["email"],
                    "email": grant["user"]["email"], "name": grant["user"]["name"],
                    "nonce": grant["nonce"], "iat": now, "exp": now + 300},
                    idp.key, algorithm="RS256", headers={"kid": "k1"})
                return self._json(200, {"access_token": "idp-token", "token_type": "Bearer",
                                        "id_token": id_token})

        return Handler
