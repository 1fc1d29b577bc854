"""Object storage for attachments: S3 or an S3-compatible store (MinIO), per Settings.s3.

Alloy never carries file bytes itself: it hands out presigned URLs, and the client PUTs to
and GETs from the store directly. botocore is imported only when a URL is signed, so the
core (and every CLI call) stays cheap to import. Signing is local (no network call).
"""

from __future__ import annotations

import functools
import threading

from alloy.config import S3
from alloy.errors import NotConfigured

UPLOAD_TTL = 15 * 60  # seconds a presigned upload URL stays valid
DOWNLOAD_TTL = 60 * 60  # seconds a presigned download URL stays valid

_SETUP = ("set ALLOY_S3_ACCESS_KEY_ID and ALLOY_S3_SECRET_ACCESS_KEY (and ALLOY_S3_ENDPOINT "
          "for MinIO or another S3-compatible store; ALLOY_S3_BUCKET and ALLOY_S3_REGION "
          "default to alloy-attachments and us-east-1)")


def config(settings) -> S3 | None:
    """The storage settings (`settings.s3`), or None when its credentials are not set."""
    return settings.s3 if settings.s3.configured else None


def require(settings) -> S3:
    found = config(settings)
    if found is None:
        raise NotConfigured(f"attachment storage is not configured: {_SETUP}")
    return found


_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def _client(cfg: S3):
    """One botocore S3 client per configuration (building one costs ~50 ms; they are
    thread-safe once built, sessions are not, hence the lock)."""
    import botocore.session
    from botocore.config import Config

    with _LOCK:
        session = botocore.session.Session()
        return session.create_client(
            "s3", region_name=cfg.region, endpoint_url=cfg.endpoint,
            aws_access_key_id=cfg.access_key_id, aws_secret_access_key=cfg.secret_access_key,
            # Path-style URLs work with MinIO and custom endpoints as well as with AWS.
            config=Config(signature_version="s3v4",
                          s3={"addressing_style": "path" if cfg.endpoint else "auto"}))


def upload_url(cfg: S3, key: str, content_type: str) -> str:
    """A presigned PUT URL for `key`; the client must send the same Content-Type."""
    return _client(cfg).generate_presigned_url(
        "put_object", Params={"Bucket": cfg.bucket, "Key": key, "ContentType": content_type},
        ExpiresIn=UPLOAD_TTL)


def download_url(cfg: S3, key: str) -> str:
    return _client(cfg).generate_presigned_url(
        "get_object", Params={"Bucket": cfg.bucket, "Key": key}, ExpiresIn=DOWNLOAD_TTL)
