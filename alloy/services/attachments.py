"""Attachments: files on tickets, stored in S3-compatible object storage.

The bytes never pass through Alloy: `presign` hands out a short-lived PUT URL for a fresh
key under `attachments/<ticket_id>/`, the client uploads directly, then `confirm` records
the attachment. Confirm accepts only a key presigned for that same ticket (kept in
`attachment_uploads`), so nobody can attach another ticket's or tenant's object. Reading
follows the ticket (Viewer); adding follows commenting (Reporter on an assigned project).
"""

from __future__ import annotations

import re

from alloy import blobs
from alloy.context import Ctx
from alloy.domain.attachments import Attachment, ConfirmIn, Presigned, PresignIn
from alloy.domain.page import Page, PageQuery, keyset
from alloy.domain.values import Role, new_id, now
from alloy.errors import Conflict, Invalid
from alloy.ops import op
from alloy.services import tickets

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(filename: str) -> str:
    """The last path segment of `filename`, reduced to characters safe in a URL and a key."""
    base = re.split(r"[\\/]", filename.strip())[-1]
    cleaned = _UNSAFE.sub("_", base).strip("._")[:200]
    return cleaned or "file"


def _to_attachment(row: dict, cfg) -> Attachment:
    fields = {f: row[f] for f in Attachment.__struct_fields__ if f != "download_url"}
    url = blobs.download_url(cfg, row["s3_key"]) if cfg is not None else None
    return Attachment(**fields, download_url=url)


@op("POST", "/api/v1/tickets/{ticket_id}/attachments/presign", status=200, errors=(503,))
def presign(ctx: Ctx, ticket_id: str, body: PresignIn) -> Presigned:
    """A presigned URL to PUT one file (at most 100 MiB) for this ticket (Reporter).

    Answers 503 NOT_CONFIGURED when object storage is not configured (ALLOY_S3_*).
    """
    _, project = tickets.load(ctx, ticket_id, Role.Reporter)
    cfg = blobs.require(ctx.settings)
    key = f"attachments/{ticket_id}/{new_id()}/{safe_name(body.filename)}"
    url = blobs.upload_url(cfg, key, body.content_type)
    ctx.db.insert("attachment_uploads", {
        "s3_key": key, "org_id": project["org_id"], "ticket_id": ticket_id,
        "requested_by": ctx.user_id, "created_at": now()})
    ctx.audit(project["org_id"], "attachment_upload", ticket_id, "presign",
              {"s3_key": key, "filename": body.filename, "size_bytes": body.size_bytes})
    return Presigned(upload_url=url, s3_key=key)


@op("POST", "/api/v1/tickets/{ticket_id}/attachments/confirm")
def confirm(ctx: Ctx, ticket_id: str, body: ConfirmIn) -> Attachment:
    """Record an uploaded file; `s3_key` must come from presign for this ticket (Reporter).

    `uploaded_by` is deprecated and ignored: the uploader is whoever is authenticated.
    """
    _, project = tickets.load(ctx, ticket_id, Role.Reporter)
    if ctx.db.one("SELECT 1 FROM attachments WHERE s3_key = ? AND ticket_id = ?",
                  body.s3_key, ticket_id):
        raise Conflict("this upload is already confirmed",
                       [{"field": "s3_key", "message": "already confirmed"}])
    if not ctx.db.one("SELECT 1 FROM attachment_uploads WHERE s3_key = ? AND ticket_id = ?",
                      body.s3_key, ticket_id):
        raise Invalid("invalid body: s3_key", [{
            "field": "s3_key", "message": "not a key presigned for this ticket: call presign"}])
    row = ctx.db.insert("attachments", {
        "id": new_id(), "org_id": project["org_id"], "ticket_id": ticket_id,
        "filename": body.filename, "content_type": body.content_type,
        "size_bytes": body.size_bytes, "s3_key": body.s3_key, "uploaded_by": ctx.user_id,
        "created_at": now()})
    ctx.db.run("DELETE FROM attachment_uploads WHERE s3_key = ?", body.s3_key)
    ctx.audit(project["org_id"], "ticket", ticket_id, "attachment_add", {
        "attachment_id": row["id"], "filename": body.filename, "size_bytes": body.size_bytes})
    return _to_attachment(row, blobs.config(ctx.settings))


@op("GET", "/api/v1/tickets/{ticket_id}/attachments")
def list_(ctx: Ctx, ticket_id: str, query: PageQuery) -> Page[Attachment]:
    """A ticket's attachments, oldest first; `download_url` is a presigned GET URL (valid for
    an hour) when object storage is configured, else null."""
    tickets.load(ctx, ticket_id)
    cfg = blobs.config(ctx.settings)
    return keyset(ctx.db, "SELECT * FROM attachments WHERE ticket_id = ?", (ticket_id,), query,
                  lambda row: _to_attachment(row, cfg))
