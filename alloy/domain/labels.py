"""Labels on the wire: org-wide colored markers attached to tickets."""

from __future__ import annotations

from typing import Annotated

import msgspec

from alloy.domain.text import required

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType
LabelName = required(100)
# "#RGB", "#RGBA" or "#RRGGBB": the 4-7 characters the API Reference allows.
Color = Annotated[str, msgspec.Meta(
    pattern=r"^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{4}|[0-9A-Fa-f]{6})$",
    examples=["#FF5733"], description="a hex colour: #RGB, #RGBA or #RRGGBB (e.g. #FF5733)")]
Ids = Annotated[list[str], msgspec.Meta(max_length=1000)]


class LabelIn(msgspec.Struct, kw_only=True):
    name: LabelName
    color: Color


class LabelPatch(msgspec.Struct, kw_only=True):
    name: LabelName | Unset = UNSET
    color: Color | Unset = UNSET


class Label(msgspec.Struct, kw_only=True):
    id: str
    org_id: str
    name: str
    color: str
    created_at: str
    updated_at: str


class LabelIdsIn(msgspec.Struct, kw_only=True):
    """Label ids (or names) to put on a ticket, replacing what it had."""

    label_ids: Ids


class TicketIdsIn(msgspec.Struct, kw_only=True):
    ticket_ids: Annotated[list[str], msgspec.Meta(min_length=1, max_length=1000)]


class Assigned(msgspec.Struct, kw_only=True):
    assigned: int


class LabelDeletePreview(msgspec.Struct, kw_only=True):
    label_id: str
    dependents: dict[str, int]
