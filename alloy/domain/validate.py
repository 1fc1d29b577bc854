"""Turn untrusted input (a JSON object, query parameters) into a typed Struct.

msgspec stops at the first bad field; users deserve to hear about all of them, so each
field is converted on its own and every problem becomes one detail of a single 422.
"""

from __future__ import annotations

import functools
import re
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


def _metas(tp) -> list[msgspec.Meta]:
    """The constraints (`msgspec.Meta`) on a field's type, through Annotated and unions."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(tp)
        return [m for m in extra if isinstance(m, msgspec.Meta)] + _metas(base)
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(tp) for m in _metas(arg)]
    return []


_KINDS = {"int": "a whole number", "float": "a number", "bool": "true or false",
          "str": "text", "array": "a list", "object": "an object"}
_FORMATS = {"date": "YYYY-MM-DD (e.g. 2026-03-15)",
            "datetime": "an RFC 3339 date and time (e.g. 2026-03-15T09:30:00Z)",
            "time": "a time of day, HH:MM[:SS]", "uuid": "an id (a UUID)"}
_BOUND = r"^Expected `(\w+)`(?: of length)? (>=|<=|>|<) (-?[\d.]+)$"  # compiled on use
_WORDS = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than"}


def _message(err: Exception, tp=None) -> str:
    """msgspec's words for a bad value, said the way a person would (the field's own
    description for a pattern, formats spelled out, bounds in words)."""
    text = str(err).split(" - at `", 1)[0]  # the field name is reported separately
    if f"matching regex {NOT_BLANK!r}" in text:
        return BLANK_MESSAGE
    metas = _metas(tp) if tp is not None else []
    if " matching regex " in text:
        described = next((m.description for m in metas if m.description), None)
        return f"must be {described}" if described else "is not in the expected form"
    found = re.match(r"^Invalid RFC3339 encoded (\w+)$", text) or re.match(
        r"^Invalid (uuid)$", text)
    if found and found.group(1) in _FORMATS:
        return f"must be {_FORMATS[found.group(1)]}"
    bound = re.match(_BOUND, text)
    if bound:
        kind, op, n = bound.groups()
        if kind == "str" and (op, n) == (">=", "1"):
            return "must not be empty"
        unit = {"str": " characters", "array": " items"}.get(kind, "")
        return f"must be {_WORDS[op]} {n}{unit}" if not unit else \
            f"must have {_WORDS[op]} {n}{unit}"
    typed = re.match(r"^Expected `([\w |]+)`, got `\w+`$", text)
    if typed:
        kinds = [_KINDS.get(k.strip(), k.strip()) for k in typed.group(1).split("|")
                 if k.strip() != "null"]
        return f"must be {' or '.join(kinds)}"
    if text.startswith("expected one of "):  # an enumeration (Canonical.parse)
        return "must be one of " + text.removeprefix("expected one of ")
    return text


def _label(tp, field: str) -> str:
    """How a field is named in a sentence: its `title` (e.g. "project key"), else its name."""
    return next((m.title for m in _metas(tp) if m.title), field)


def convert(cls: type, data: object, *, strict: bool = True, where: str = "body"):
    """Build `cls` from `data`, raising Invalid with one detail per bad or missing field."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Invalid(f"request {where} must be a JSON object",
                      [{"field": where, "message": "expected an object"}])
    try:  # a valid input (the usual case) converts in one call; else field by field below
        return msgspec.convert(data, cls, strict=strict)
    except (msgspec.ValidationError, TypeError, ValueError):
        pass  # a bad field, or an enum in another spelling (Canonical.parse accepts it)
    values, errors = {}, []
    for name, wire, tp, required, enum_cls in _plan(cls):
        if wire not in data:
            if required:
                errors.append({"field": wire, "message": "is required",
                               "label": _label(tp, wire)})
            continue
        raw = data[wire]
        try:
            if enum_cls is not None and raw is not None:
                raw = enum_cls.parse(raw)
                values[name] = raw
                continue
            values[name] = msgspec.convert(raw, tp, strict=strict)
        except (msgspec.ValidationError, ValueError) as e:
            errors.append({"field": wire, "message": _message(e, tp),
                           "label": _label(tp, wire)})
    if errors:
        labels = [e.pop("label") for e in errors]
        if len(errors) == 1:  # one problem: the sentence says it all
            raise Invalid(f"{labels[0]} {errors[0]['message']}", errors)
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
