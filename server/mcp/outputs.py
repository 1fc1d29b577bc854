"""Each tool's `outputSchema`, derived from its operation's declared result type (the one
declaration the API's OpenAPI and the remote client's answer check also use), and the
structured content that goes with it.

A tool gets one when its answer is one JSON object: a single operation's record, or a page
reshaped to the reference's `data`/`items` shape. Tools that answer text (`deleted
successfully.`), a bare list, a CSV, or combine several operations keep text only.
"""

from __future__ import annotations

import typing

import msgspec

from alloy.domain.page import Page

_REF = "#/$defs/{name}"


def _page_item(result) -> typing.Any | None:
    """T of a `Page[T]` or `list[T]` result; None for anything else."""
    origin = typing.get_origin(result)
    if origin in (list, Page) and typing.get_args(result):
        return typing.get_args(result)[0]
    return None


def _object(schema: dict, defs: dict) -> dict | None:
    """`schema` as a top-level object schema carrying its definitions; None if not an object."""
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") != "object":
        return None
    return {**schema, "$defs": defs} if defs else dict(schema)


_SCHEMAS: dict[str, dict | None] = {}


def output_schema(tool) -> dict | None:
    if tool.name not in _SCHEMAS:
        _SCHEMAS[tool.name] = _derive(tool)
    return _SCHEMAS[tool.name]


def _derive(tool) -> dict | None:
    if tool.call is None or tool.shape == "deleted" or tool.call.operation.download:
        return None  # combined, text, or maybe a file (export_data's SQLite)
    result = tool.call.operation.result
    if result is None or result is type(None) or type(None) in typing.get_args(result):
        return None  # answers nothing (text), or maybe nothing
    if tool.shape in ("data", "items"):
        item = _page_item(result)
        if item is None:
            return None
        (items,), defs = msgspec.json.schema_components([list[item]], ref_template=_REF)
        return {"type": "object", "properties": {
                    tool.shape: items, "next_cursor": {"anyOf": [{"type": "string"},
                                                                 {"type": "null"}]},
                    "has_more": {"type": "boolean"}},
                "required": [tool.shape, "next_cursor", "has_more"],
                **({"$defs": defs} if defs else {})}
    if tool.shape != "raw" or _page_item(result) is not None:
        return None
    (schema,), defs = msgspec.json.schema_components([result], ref_template=_REF)
    return _object(schema, defs)


def structured(tool, result) -> dict | None:
    """The structured content of a tool's answer: the answer itself, when the tool declares
    an output schema and the answer is the object it describes."""
    return result if output_schema(tool) is not None and isinstance(result, dict) else None
