"""Ids, clocks and canonical enums: one place for how values look on the wire."""

from __future__ import annotations

import enum
import os
import re
import time
from datetime import UTC, datetime

_last = [0, 0]


def new_id() -> str:
    """A UUIDv7 as text: random, yet ids made by one process sort by creation."""
    ms = time.time_ns() // 1_000_000
    if ms <= _last[0]:
        ms, seq = _last[0], _last[1] + 1
        if seq > 0xFFF:
            ms, seq = ms + 1, 0
    else:
        seq = int.from_bytes(os.urandom(2), "big") & 0x3FF
    _last[:] = [ms, seq]
    rand = int.from_bytes(os.urandom(8), "big")
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | seq << 64
    value |= 0b10 << 62 | rand & ((1 << 62) - 1)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(text: str) -> bool:
    return bool(UUID_RE.match(text))


def now() -> str:
    """RFC 3339 UTC with milliseconds; lexical order is time order."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text).lower()


class Canonical(enum.Enum):
    """A str enum whose wire form is PascalCase and whose input is forgiving.

    `Aliases` maps extra spellings (already squashed: lower case, no spaces, `_` or `-`).
    """

    @classmethod
    def parse(cls, value: object):
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected one of {', '.join(m.value for m in cls)}")
        key = _squash(value)
        for member in cls:
            if _squash(member.value) == key:
                return member
        alias = getattr(cls, "_aliases", lambda: {})().get(key)
        if alias:
            return cls(alias)
        raise ValueError(f"expected one of {', '.join(m.value for m in cls)}")


class Role(Canonical):
    Owner = "Owner"
    Admin = "Admin"
    Member = "Member"
    Reporter = "Reporter"
    Viewer = "Viewer"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANK = {Role.Viewer: 1, Role.Reporter: 2, Role.Member: 3, Role.Admin: 4, Role.Owner: 5}


class Scope(Canonical):
    read = "read"
    write = "write"
    admin = "admin"


SCOPE_RANK = {"read": 1, "write": 2, "admin": 3, "*": 3}
