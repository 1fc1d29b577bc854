"""The declarative shape of a tool: its parameters, the operation(s) it calls, its result shape.

A tool names its operation by name (`tickets.create`); the method and path come from the
operation's `@op` declaration. tests/test_mcp_harness.py checks every name, path parameter,
body and query field against the declarations.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import msgspec

from alloy import ops

ME, ORG = "$me", "$org"  # defaults resolved from the caller's identity (`auth.me`)
DELETED = "deleted successfully."

_JSON_TYPES = {"string": {"type": "string"}, "integer": {"type": "integer"},
               "boolean": {"type": "boolean"}, "object": {"type": "object"},
               "string[]": {"type": "array", "items": {"type": "string"}},
               "object[]": {"type": "array", "items": {"type": "object"}}}


@dataclasses.dataclass(frozen=True)
class P:
    """One tool parameter. `nullable` lets a caller send null to clear a field."""

    name: str
    type: str
    description: str
    required: bool = False
    nullable: bool = False
    enum: tuple[str, ...] = ()

    def schema(self) -> dict:
        out = dict(_JSON_TYPES[self.type])
        if self.nullable:
            out["type"] = [out["type"], "null"]
        if self.enum:
            out["enum"] = list(self.enum)
        out["description"] = self.description
        return out


@dataclasses.dataclass(frozen=True)
class Call:
    """One operation call: which tool arguments go to the path, the body and the query.

    Each path parameter of the operation takes the tool argument of the same name, or the
    one `path` maps it to where the names differ (`path={"entry_id": "time_entry_id"}`).
    `defaults` fills names the caller did not give (constants, or ME / ORG). `body_arg`
    sends one argument as the whole JSON body (import_data).
    """

    op: str
    body: tuple[str, ...] = ()
    query: tuple[str, ...] = ()
    path: dict[str, str] = dataclasses.field(default_factory=dict)
    defaults: dict = dataclasses.field(default_factory=dict)
    body_arg: str | None = None

    @property
    def operation(self) -> ops.Op:
        return ops.get(self.op)

    def path_args(self) -> dict[str, str]:
        """Path parameter of the operation -> the tool argument that fills it."""
        return {p: self.path.get(p, p) for p in self.operation.path_params}


@dataclasses.dataclass(frozen=True)
class Tool:
    """A tool of the MCP Tools Reference.

    Either `call` (one operation, result reshaped by `shape`, see `reshape`) or
    `run(session, args)` for tools that combine operations; `needs` lists the calls such a
    runner makes. A runner may name its main `call` too: the tool's output schema is then
    that call's (search_tickets).
    """

    name: str
    description: str
    params: tuple[P, ...] = ()
    call: Call | None = None
    shape: str = "raw"
    run: Callable[[Any, dict], Any] | None = None
    needs: tuple[Call, ...] = ()

    @property
    def calls(self) -> tuple[Call, ...]:
        return ((self.call,) if self.call else ()) + self.needs

    def input_schema(self) -> dict:
        return {"type": "object",
                "properties": {p.name: p.schema() for p in self.params},
                "required": [p.name for p in self.params if p.required],
                "additionalProperties": False}


def page_params(default: int = 20) -> tuple[P, P]:
    return (P("limit", "integer", f"Max results per page (1–100, default {default})"),
            P("cursor", "string", "Pagination cursor from previous response"))


def reshape(shape: str, result: Any) -> Any:
    """Turn an operation's answer into the result shape the reference shows for the tool.

    data | items: a `Page` keeps its cursor under the reference's key; a list (every item,
    or an operation answering a list) is one full page.
    deleted: the reference's confirmation (so is `None` under raw). raw: as answered.
    """
    if shape == "deleted" or (result is None and shape == "raw"):
        return DELETED
    if shape in ("data", "items"):
        if isinstance(result, list):
            return {shape: result, "next_cursor": None, "has_more": False}
        return {shape: result.items, "next_cursor": result.next_cursor,
                "has_more": result.has_more}
    return result


def plain(result: Any) -> Any:
    """The one place an answer a tool or resource has read (Structs, and the dicts and lists
    holding them) becomes the JSON-shaped data sent to the assistant, as `Client.call` gives
    it."""
    return result if isinstance(result, (str, bytes)) else msgspec.to_builtins(result)


def render(result: Any) -> str:
    return result if isinstance(result, str) else json.dumps(result, indent=2, default=str)


TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict,
         "string[]": list, "object[]": list}


def check_args(tool: Tool, args: dict) -> list[dict]:
    """Problems with the arguments (missing, unknown, wrong JSON type), as error details."""
    known = {p.name: p for p in tool.params}
    bad = [{"field": k, "message": "unknown parameter"} for k in args if k not in known]
    for p in tool.params:
        if p.name not in args:
            if p.required:
                bad.append({"field": p.name, "message": "is required"})
            continue
        value = args[p.name]
        if value is None:
            if not p.nullable and p.required:
                bad.append({"field": p.name, "message": "must not be null"})
            continue
        want = TYPES[p.type]
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            bad.append({"field": p.name, "message": f"must be a {p.type}"})
    return bad
