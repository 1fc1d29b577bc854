"""Every tool of the MCP Tools Reference, in the reference's order, and how one is run."""

from __future__ import annotations

from server.mcp import tools_org, tools_plan, tools_tickets
from server.mcp.session import Session, resolve
from server.mcp.tooling import Tool, reshape

TOOLS: dict[str, Tool] = {t.name: t for t in
                          tools_tickets.TOOLS + tools_org.TOOLS + tools_plan.TOOLS}


def missing_ops(tool: Tool) -> list[str]:
    """Operations this tool needs that this installation lacks (empty: the tool works)."""
    return [c.op for c in tool.calls if resolve(c) is None]


def run(session: Session, tool: Tool, args: dict):
    """Run a tool synchronously (the caller puts it in a worker thread)."""
    nullable = {p.name for p in tool.params if p.nullable}
    args = {k: v for k, v in args.items() if v is not None or k in nullable}
    session.tool = tool.name
    if tool.run is not None:
        return tool.run(session, args)
    return reshape(tool.shape, session.call(tool.call, args))
