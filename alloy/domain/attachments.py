"""Ticket attachments on the wire: presign a direct upload, confirm it, list with download URLs."""

from __future__ import annotations

from typing import Annotated

import msgspec

from alloy.domain.text import required

# The largest file a presigned upload may declare (100 MiB), documented in docs/attachments.md.
MAX_BYTES = 100 * 1024 * 1024

Filename = required(255)
ContentType = Annotated[str, msgspec.Meta(
    max_length=255, pattern=r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\s*;.*)?$")]
Size = Annotated[int, msgspec.Meta(gt=0, le=MAX_BYTES)]


class PresignIn(msgspec.Struct, kw_only=True):
    filename: Filename
    content_type: ContentType
    size_bytes: Size


class Presigned(msgspec.Struct, kw_only=True):
    upload_url: str
    s3_key: str


class ConfirmIn(msgspec.Struct, kw_only=True):
    filename: Filename
    content_type: ContentType
    size_bytes: Size
    s3_key: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
    uploaded_by: str | None = None  # accepted, ignored: the uploader is the caller


class Attachment(msgspec.Struct, kw_only=True):
    id: str
    ticket_id: str
    filename: str
    content_type: str
    size_bytes: int
    s3_key: str
    uploaded_by: str
    created_at: str
    download_url: str | None = None
