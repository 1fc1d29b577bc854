"""Turn untrusted input (a JSON object, query parameters) into a typed Struct.

msgspec stops at the first bad field; users deserve to hear about all of them, so each
field is converted on its own and every problem becomes one detail of a single 422.
"""

from __future__ import annotations

import functools
import types
import typing

import msgspec

from alloy.domain.text import BLANK_MESSAGE, NOT_BLANK
from alloy.domain.values import Canonical
from alloy.errors import Invalid


@functools.cache
def _plan(cls: type) -> tuple:
    hints = typing.get_type_hints(cls, include_extras=True)
    plan = []
    for f in msgspec.structs.fields(cls):
        tp = hints[f.name]
        enum_cls = _enum_in(tp)
        plan.append((f.name, f.encode_name, tp, f.required, enum_cls))
    return tuple(plan)


def _enum_in(tp) -> type | None:
    if isinstance(tp, type) and issubclass(tp, Canonical):
        return tp
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _enum_in(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            found = _enum_in(arg)
            if found:
                return found
    return None


def _message(err: Exception) -> str:
    text = str(err)
    if f"matching regex {NOT_BLANK!r}" in text:  # msgspec's words for a blank name
        return BLANK_MESSAGE
    # msgspec appends " - at `$...`"; the field name is reported separately.
    return text.split(" - at `", 1)[0]


def convert(cls: type, data: object, *, strict: bool = True, where: str = "body"):
    """Build `cls` from `data`, raising Invalid with one detail per bad or missing field."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Invalid(f"request {where} must be a JSON object",
                      [{"field": where, "message": "expected an object"}])
    values, errors = {}, []
    for name, wire, tp, required, enum_cls in _plan(cls):
        if wire not in data:
            if required:
                errors.append({"field": wire, "message": "field required"})
            continue
        raw = data[wire]
        try:
            if enum_cls is not None and raw is not None:
                raw = enum_cls.parse(raw)
                values[name] = raw
                continue
            values[name] = msgspec.convert(raw, tp, strict=strict)
        except (msgspec.ValidationError, ValueError) as e:
            errors.append({"field": wire, "message": _message(e)})
    if errors:
        names = ", ".join(e["field"] for e in errors)
        raise Invalid(f"invalid {where}: {names}", errors)
    try:
        return cls(**values)
    except (TypeError, ValueError) as e:
        raise Invalid(str(e)) from None


def reject_nul(where: str, data: object) -> None:
    """Refuse NUL characters anywhere in `data` (keys and values): PostgreSQL cannot store
    them in text and SQLite would, so both databases answer the same 422 before either sees
    them. Walked without recursion: a deep body must not crash the check."""
    stack = [(where, data)]
    while stack:
        field, item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise Invalid(f"invalid {where}: {field} contains a NUL character",
                              [{"field": field, "message": "must not contain NUL (\\u0000)"}])
        elif isinstance(item, dict):
            top = field == where
            stack.extend((field, k) for k in item)
            stack.extend((str(k) if top else field, v) for k, v in item.items())
        elif isinstance(item, list | tuple):
            stack.extend((field, v) for v in item)


def given(patch) -> dict:
    """The fields a PATCH body actually carried (absent is not the same as null)."""
    return {f: getattr(patch, f) for f in patch.__struct_fields__
            if getattr(patch, f) is not msgspec.UNSET}
