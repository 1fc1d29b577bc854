"""Entity tags on the wire: key/value pairs on projects, tickets, users, teams, time entries."""

from __future__ import annotations

from typing import Annotated

import msgspec

from alloy.domain.text import required, stated

TagKey = required(255)
TagValue = Annotated[str, msgspec.Meta(max_length=1000)]
ENTITY_TYPES = ("project", "ticket", "user", "team", "time_entry")
EntityType = stated(str, enum=list(ENTITY_TYPES))  # checked by the service, in its words


class TagPair(msgspec.Struct, kw_only=True):
    key: TagKey
    value: TagValue


class TagsIn(msgspec.Struct, kw_only=True):
    tags: Annotated[list[TagPair], msgspec.Meta(max_length=200)]


class Tag(msgspec.Struct, kw_only=True):
    id: str
    org_id: str
    entity_type: str
    entity_id: str
    key: str
    value: str
    created_at: str
    updated_at: str


class TagSearchQuery(msgspec.Struct, kw_only=True):
    key: TagKey
    value: TagValue
    entity_type: str | None = None
    tag: str | None = None  # more "key:value,key:value" pairs the entity must also carry (AND)
    cursor: str | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20
