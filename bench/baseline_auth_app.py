"""Baseline for bench/api_auth.py: a bare Litestar + sqlite3 app doing the same essential work
as Alloy's login and me endpoints (argon2 verify + JWT sign + refresh row; JWT verify + select).

Run by the benchmark as: uvicorn bench.baseline_auth_app:app (ALLOY_BASE_DB, ALLOY_BASE_KEY set).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import threading
import time

import jwt
import msgspec
from argon2 import PasswordHasher
from litestar import Litestar, Request, Response, get, post

DB = os.environ["ALLOY_BASE_DB"]
KEY = open(os.environ["ALLOY_BASE_KEY"], "rb").read()
PUB = None
_local = threading.local()
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def conn() -> sqlite3.Connection:
    c = getattr(_local, "c", None)
    if c is None:
        c = _local.c = sqlite3.connect(DB, isolation_level=None, check_same_thread=False)
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA busy_timeout=30000")
    return c


def public_key():
    global PUB
    if PUB is None:
        from cryptography.hazmat.primitives import serialization

        k = serialization.load_pem_private_key(KEY, password=None)
        PUB = k.public_key().public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return PUB


@post("/login", status_code=200, sync_to_thread=True)
def login(request: Request, data: dict) -> Response:
    c = conn()
    row = c.execute("SELECT id, password_hash, email FROM users WHERE email = ?",
                    (data["email"],)).fetchone()
    _hasher.verify(row[1], data["password"])
    t = int(time.time())
    token = jwt.encode({"sub": row[0], "iat": t, "exp": t + 3600}, KEY, algorithm="EdDSA")
    refresh = secrets.token_urlsafe(32)
    c.execute("BEGIN IMMEDIATE")
    c.execute("INSERT INTO refresh_tokens (id, user_id, token_hash) VALUES (?, ?, ?)",
              (secrets.token_hex(16), row[0], hashlib.sha256(refresh.encode()).hexdigest()))
    c.execute("COMMIT")
    return Response(msgspec.json.encode({"access_token": token, "refresh_token": refresh}))


@get("/me", sync_to_thread=True)
def me(request: Request) -> Response:
    token = request.headers["authorization"].split(" ", 1)[1]
    claims = jwt.decode(token, public_key(), algorithms=["EdDSA"])
    row = conn().execute("SELECT id, email, display_name FROM users WHERE id = ?",
                         (claims["sub"],)).fetchone()
    return Response(msgspec.json.encode({"user_id": row[0], "email": row[1],
                                         "display_name": row[2]}))


app = Litestar([login, me], openapi_config=None, logging_config=None)
