"""Ids, clocks and canonical enums: one place for how values look on the wire.

The enums here are built from the plain tuples of `alloy.domain.enums` (the one list of
each, which the faces read without loading this module) plus the other spellings the spec
uses, so a list shown to a person is the list the core accepts.
"""

from __future__ import annotations

import enum
import os
import time
from datetime import UTC, datetime

from alloy.domain import enums

_last = [0, 0]


def new_id() -> str:
    """A UUIDv7 as text: random, yet ids made by one process sort by creation."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")  # one system call for both random parts
    if ms <= _last[0]:
        ms, seq = _last[0], _last[1] + 1
        if seq > 0xFFF:
            ms, seq = ms + 1, 0
    else:
        seq = rand >> 64 & 0x3FF
    _last[:] = [ms, seq]
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | seq << 64
    value |= 0b10 << 62 | rand & ((1 << 62) - 1)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_HEX = frozenset("0123456789abcdefABCDEF")


def is_uuid(text: str) -> bool:
    """The one UUID check (any case; surrounding spaces are not part of an id). String tests,
    not a regex: every `alloy` command runs this, and compiling a regex costs start-up."""
    return (len(text) == 36 and text[8] == text[13] == text[18] == text[23] == "-"
            and text.count("-") == 4 and _HEX.issuperset(text.replace("-", "")))


def ticket_number(text: str) -> int | None:
    """`42` or `#42` (1-9 ASCII digits) as a number; anything else None."""
    digits = text[1:] if text.startswith("#") else text
    return int(digits) if 0 < len(digits) <= 9 and digits.isascii() and digits.isdigit() else None


def is_project_key(text: str) -> bool:
    """A project key: a letter, then up to 9 letters or digits (ASCII)."""
    return 0 < len(text) <= 10 and text.isascii() and text.isalnum() and text[0].isalpha()


def ticket_key(text: str) -> tuple[str, int] | None:
    """`BACK-12` (also `back_12`, `back 12`, `BACK#12`) as (`BACK`, 12); anything else None."""
    for at, char in enumerate(text):
        if char in "-_ #":
            key, digits = text[:at], text[at + 1:]
            if is_project_key(key) and not digits.startswith("#"):
                number = ticket_number(digits)
                if number is not None:
                    return key.upper(), number
            return None
    return None


def from_json(value):
    """A JSON column's value: text from SQLite, read by msgspec (loaded already; the json
    module would cost ~2% of a command), or parsed already (PostgreSQL, `insert`)."""
    if not isinstance(value, str):
        return value
    import msgspec

    try:
        return msgspec.json.decode(value)
    except msgspec.DecodeError:  # NaN or Infinity: json.dumps writes them, JSON has none
        import json

        return json.loads(value)


def to_json(value, *, indent: int | None = None, ascii: bool = True) -> str:
    """`json.dumps(value, indent=indent, ensure_ascii=ascii)` (indent None or positive),
    written by msgspec (loaded already) where the text is the same: the json module costs
    ~2% of a command to import and indents in pure Python. Text, ints, booleans and nulls
    come out alike (with `ascii`, only ASCII text without DEL); a float only in its plain
    form, 1e-4 <= |x| < 1e16 or 0, where both print the shortest repr. Else: json."""
    import msgspec

    if _alike(value):
        try:
            text = msgspec.json.format(msgspec.json.encode(value), indent=indent or 0).decode()
        except (TypeError, ValueError, OverflowError):  # a lone surrogate, say
            text = None
        if text is not None and not (ascii and (not text.isascii() or "\x7f" in text)):
            return text
    import json

    return json.dumps(value, indent=indent, ensure_ascii=ascii)


def _alike(data) -> bool:
    """Whether msgspec and json write `data` the same way (see to_json)."""
    todo = [data]
    while todo:
        value = todo.pop()
        kind = type(value)
        if kind is dict:
            if not all(type(k) is str for k in value):
                return False
            todo.extend(value.values())
        elif kind is list or kind is tuple:
            todo.extend(value)
        elif kind is float:
            if value and not 1e-4 <= abs(value) < 1e16:  # also refuses nan and inf
                return False
        elif kind is int:
            if not -(2**63) <= value < 2**64:
                return False
        elif not (kind is str or kind is bool or value is None):
            return False
    return True


_second = (0, "")  # the last second formatted: `now` runs twice per write on the hot path


def now() -> str:
    """RFC 3339 UTC with milliseconds; lexical order is time order."""
    global _second
    ns = time.time_ns()
    second = _second
    if second[0] != ns // 1_000_000_000:
        second = _second = (ns // 1_000_000_000, time.strftime(
            "%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 1_000_000_000)))
    return f"{second[1]}.{ns // 1_000_000 % 1000:03d}Z"


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def squash(text: str) -> str:
    """`text` compared loosely: lower case, without white space, `_` or `-` ("In progress" =
    "in_progress"). String methods, not a regex: compiling one costs every command."""
    return "".join(text.split()).replace("_", "").replace("-", "").lower()


_SQUASHED: dict[type, dict] = {}  # each Canonical enum's members by squashed value


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
        squashed = _SQUASHED.get(cls)
        if squashed is None:  # the first member wins, as a scan in order would find it
            squashed = _SQUASHED[cls] = {squash(m.value): m for m in reversed(cls)}
        key = squash(value)
        if key in squashed:
            return squashed[key]
        alias = getattr(cls, "_aliases", lambda: {})().get(key)
        if alias:
            return cls(alias)
        raise ValueError(f"expected one of {', '.join(m.value for m in cls)}")


class _Ranked(Canonical):
    """Roles compare by rank: Owner > Admin > Member > Reporter > Viewer."""

    @property
    def rank(self) -> int:
        return len(enums.ROLES) - enums.ROLES.index(self.value)

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


def canonical(name: str, values: tuple[str, ...], aliases: dict | None = None,
              base: type[Canonical] = Canonical):
    """A Canonical enum of `values` (from alloy.domain.enums); a value that is no Python name
    gets a trailing `_` as its member name (`Priority.None_`)."""
    members = [(v + "_" if v == "None" or not v.isidentifier() else v, v) for v in values]
    cls = base(name, members, module=__name__)
    if aliases:
        cls._aliases = classmethod(lambda _cls: aliases)
    return cls


Role = canonical("Role", enums.ROLES, base=_Ranked)


class Scope(Canonical):
    read = "read"
    write = "write"
    admin = "admin"


SCOPE_RANK = {"read": 1, "write": 2, "admin": 3, "*": 3}


Priority = canonical("Priority", enums.PRIORITIES, {
    "critical": "Urgent", "highest": "Urgent", "p0": "Urgent", "p1": "High", "p2": "Medium",
    "p3": "Low", "lowest": "Low", "none": "None", "": "None"})

# What a status means, whatever it is called: boards and burndowns read this.
Category = canonical("Category", enums.CATEGORIES, {
    "canceled": "cancelled", "review": "in_review", "doing": "in_progress",
    "started": "in_progress", "closed": "done", "completed": "done", "unstarted": "todo"})

DEFAULT_STATUSES = enums.DEFAULT_STATUSES

SprintStatus = canonical("SprintStatus", enums.SPRINT_STATUSES, {
    "planning": "Planned", "started": "Active", "done": "Completed", "complete": "Completed",
    "closed": "Completed"})

# Other spellings (squashed: lower case, no spaces/`_`/`-`) -> canonical type.
ACTIVITY_ALIASES = {
    # CLI Reference list and API Reference field table
    "meeting": "Meetings", "planning": "PM", "devops": "Deployment", "bugfix": "BugFixing",
    "refactoring": "Coding", "research": "Requirements", "support": "Maintenance",
    "other": "Maintenance",
    # CLI Reference example (`--activity-type development`) and common shorthands
    "development": "Coding", "dev": "Coding", "code": "Coding", "programming": "Coding",
    "test": "Testing", "qa": "Testing", "review": "CodeReview", "pr": "CodeReview",
    "ux": "Design", "ui": "Design", "projectmanagement": "PM", "management": "PM",
    "requirement": "Requirements", "analysis": "Requirements", "learning": "Training",
    "onboarding": "Training", "ops": "Maintenance", "bug": "BugFixing", "bugs": "BugFixing",
    "bugfixes": "BugFixing", "docs": "Documentation", "doc": "Documentation",
    "deploy": "Deployment", "release": "Deployment", "cicd": "Deployment", "ci": "Deployment",
    "standup": "Meetings", "ceremony": "Meetings", "ceremonies": "Meetings",
}

# The thirteen canonical activity types; the CapEx rule per type is in `domain/finance`.
ActivityType = canonical("ActivityType", enums.ACTIVITY_TYPES, ACTIVITY_ALIASES)

EntryStatus = canonical("EntryStatus", enums.ENTRY_STATUSES)
