"""alloy.errors -> actionable MCP messages, in one place (MCP Tools Reference, Error Handling).

A tool that runs and fails answers a result with `isError` and the book's message (what went
wrong, what to check; never a stack trace), as DESIGN.md rules after the MCP specification.
JSON-RPC errors are for protocol faults: unknown tool or prompt and bad prompt arguments
(-32602), unknown resource (-32002), and -32603 for what nobody could have sent.
"""

from __future__ import annotations

import logging

from mcp.shared.exceptions import MCPError
from mcp_types import INTERNAL_ERROR, INVALID_PARAMS

from alloy import errors

log = logging.getLogger("alloy.mcp")


class ToolFailure(errors.AlloyError):
    """A failure whose message is already final (e.g. "Transition failed: ...")."""

    code, status = "VALIDATION_ERROR", 422


def _details(details: list) -> str:
    parts = []
    for d in details or []:
        if isinstance(d, dict):
            field = d.get("field") or d.get("loc") or ""
            parts.append(f"{field}: {d.get('message', '')}".strip(": "))
        else:
            parts.append(str(d))
    return f" ({'; '.join(parts)})" if parts else ""


def message_for(exc: BaseException) -> str:
    if isinstance(exc, ToolFailure):
        return str(exc)
    if not isinstance(exc, errors.AlloyError):
        return f"Internal error: {type(exc).__name__}: {exc}"
    msg, more = exc.message, _details(exc.details)
    if isinstance(exc, errors.Unavailable):
        return (f"Failed to connect to Alloy API: {msg}. Verify ALLOY_API_URL and that the "
                "server is running.")
    if isinstance(exc, errors.Unauthorized):
        return (f"Authentication failed: {msg}. Your API token may be invalid, expired or "
                "revoked: create a new API key and update ALLOY_API_TOKEN.")
    if isinstance(exc, errors.Forbidden):
        return (f"Permission denied: {msg}. Check your API key scopes and your role in the "
                "organization.")
    if isinstance(exc, errors.NotFound):
        return (f"Not found: {msg}. Verify the ID exists using a search or list tool.")
    if isinstance(exc, errors.Conflict):
        return (f"Conflict: {msg}{more}. If the resource has dependents, retry with "
                "cascade=true (add dry_run=true to preview), or resolve the conflict first.")
    if isinstance(exc, errors.Invalid):
        return (f"Validation error: {msg}{more}. Fix the input according to the parameter "
                "constraints.")
    if isinstance(exc, errors.BadRequest):
        return f"Bad request: {msg}{more}. Check your parameters and required fields."
    if isinstance(exc, errors.RateLimited):
        return f"Rate limited: {msg}. Wait a moment and retry."
    return f"API error (HTTP {exc.status}): {msg}{more}"


def to_mcp(exc: BaseException) -> MCPError:
    """The MCP error for any exception a tool, prompt or resource raised."""
    if isinstance(exc, MCPError):
        return exc
    if not isinstance(exc, errors.AlloyError):
        log.error("unexpected error: %r", exc, exc_info=exc)
    return MCPError(code=INTERNAL_ERROR, message=message_for(exc))


RESOURCE_NOT_FOUND = -32002  # MCP 2025-06-18 "Resources: Error Handling"


def resource_not_found(uri: str, exc: errors.NotFound) -> MCPError:
    return MCPError(code=RESOURCE_NOT_FOUND, message=f"Resource not found: {uri} ({exc.message})",
                    data={"uri": uri})


def bad_params(message: str) -> MCPError:
    return MCPError(code=INVALID_PARAMS, message=message)
