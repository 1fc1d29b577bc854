"""Saved views on the wire: a named search query, personal or shared with the org."""

from __future__ import annotations

from typing import Annotated

import msgspec

from alloy.domain.text import required

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType
ViewName = required(100)
Query = Annotated[str, msgspec.Meta(max_length=2000, examples=["is:open assignee:@me"],
                                    description="a search query (see docs/search.md)")]


class ViewIn(msgspec.Struct, kw_only=True):
    name: ViewName
    query: Query
    shared: bool = False


class ViewPatch(msgspec.Struct, kw_only=True):
    name: ViewName | Unset = UNSET
    query: Query | Unset = UNSET
    shared: bool | Unset = UNSET


class View(msgspec.Struct, kw_only=True):
    id: str
    org_id: str
    owner_id: str
    name: str
    query: str
    shared: bool
    created_at: str
    updated_at: str
