"""Every operation name the faces write resolves to a declared operation.

The faces name operations as string literals (`call("tickets.create", ...)`,
`api.run(client, "tickets.update", ...)`, MCP's `Call("tickets.get", ...)`); a typo or a
renamed operation must fail here, not in front of a user.
"""

from __future__ import annotations

import ast
import re

import pytest

from alloy import ops
from tests.support import ROOT

FACES = ("cli", "tui", "server/mcp")
# Functions whose string arguments name an operation.
TAKERS = {"call", "Call", "show_list", "pages", "items", "choices", "run", "get"}
DOTTED = re.compile(r"^[A-Za-z_]\w*\.\w+$")


def _name(func: ast.expr) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def named_ops(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, name) of every literal naming an operation: each dotted string given (directly
    or through `a if c else b`) to a function in TAKERS, and any string anywhere that starts
    with an operation module (`"labels.add_to_ticket"` kept in a variable). F-strings in a
    taker's arguments are checked by their constant prefix (`f"sprints.{action}"`)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and DOTTED.match(node.value) and node.value.split(".")[0] in ops.MODULES:
            found.append((node.lineno, node.value))
        if not (isinstance(node, ast.Call) and _name(node.func) in TAKERS):
            continue
        for arg in node.args:
            for part in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
                if isinstance(part, ast.Constant) and isinstance(part.value, str) \
                        and DOTTED.match(part.value):
                    found.append((part.lineno, part.value))
                elif isinstance(part, ast.JoinedStr) and part.values and \
                        isinstance(part.values[0], ast.Constant) and \
                        re.fullmatch(r"[A-Za-z_]\w*\.", part.values[0].value):
                    found.append((part.lineno, part.values[0].value + "*"))
    return sorted(set(found))


def unresolved(source: str) -> list[str]:
    declared = {o.name for o in ops.all_ops()}
    bad = []
    for line, name in named_ops(ast.parse(source)):
        ok = any(d.startswith(name[:-1]) for d in declared) if name.endswith("*") \
            else name in declared
        if not ok:
            bad.append(f"{line}: {name}")
    return bad


def face_files():
    return sorted(p for face in FACES for p in (ROOT / face).rglob("*.py"))


@pytest.mark.parametrize("path", face_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_operation_a_face_names_is_declared(path):
    assert unresolved(path.read_text()) == []


def test_the_scan_sees_the_faces_operations():
    """The scan is not vacuous: it finds the names each face uses (and most operations)."""
    seen = {name for p in face_files() for _, name in named_ops(ast.parse(p.read_text()))}
    assert {"tickets.create", "transitions.transition", "sprints.burndown",
            "labels.add_to_ticket", "io.export_data"} <= seen
    assert len(seen) > 80  # 93 of the 123 operations when written


@pytest.mark.parametrize("typo", [
    'call("tickets.creat", project_id=p)',            # the function part
    'call("tickest.create", project_id=p)',           # the module part
    'api.run(client, "tickets.updat", tid)',         # the TUI's second-argument form
    'Call("tickets.gett", "GET /api/v1/tickets/{id}")',  # an MCP tool
    'name = "labels.add_to_tickets" if on else "labels.remove_from_ticket"',
    'show_list(f"sprintz.{action}", [])',
])
def test_a_typo_is_caught(typo):
    assert unresolved(typo) != []
