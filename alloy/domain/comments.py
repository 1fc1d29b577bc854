"""Comments on tickets on the wire: flat rows whose `parent_comment_id` makes the threads."""

from __future__ import annotations

import msgspec

from alloy.domain.text import required

Body = required(65536)


class CommentIn(msgspec.Struct, kw_only=True):
    body: Body
    parent_comment_id: str | None = None
    author_id: str | None = None  # deprecated, ignored: the author is the caller


class CommentPatch(msgspec.Struct, kw_only=True):
    body: Body


class Comment(msgspec.Struct, kw_only=True):
    id: str
    ticket_id: str
    author_id: str
    body: str
    parent_comment_id: str | None
    created_at: str
    updated_at: str
