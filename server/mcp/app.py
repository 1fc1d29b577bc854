"""The MCP server (`alloy-mcp`): tools, prompts and resources wired onto the SDK's Server.

The SDK's low-level `Server` is used because the tools are data (a table, not functions):
their schemas come from the table and every call goes through one error mapping.
"""

from __future__ import annotations

import json

import mcp_types as types
from alloy.server.mcp import catalog, prompts, resources
from alloy.server.mcp.errors import bad_params, message_for, resource_not_found, to_mcp
from alloy.server.mcp.outputs import output_schema, structured
from alloy.server.mcp.session import Backend, Session
from alloy.server.mcp.tooling import check_args, render
from anyio import to_thread
from mcp.server import Server

from alloy.errors import AlloyError, NotFound, Unauthorized

INSTRUCTIONS = ("Alloy project-management MCP server. Tools create and search tickets, manage "
                "projects, sprints, labels, tags, teams and workflows, log time and report "
                "capitalization. IDs are UUIDs; lists are paginated with next_cursor.")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("alloy")
    except PackageNotFoundError:
        return "0.0.0"


def _annotations(tool) -> types.ToolAnnotations:
    methods = {c.operation.method for c in tool.calls}
    return types.ToolAnnotations(read_only_hint=methods <= {"GET"},
                                 destructive_hint="DELETE" in methods)


def _client_name(ctx) -> str:
    """The name the MCP client gave in `initialize` (clientInfo), recorded on what it does."""
    params = getattr(getattr(ctx, "session", None), "client_params", None)
    info = getattr(params, "client_info", None)
    return getattr(info, "name", None) or ""


def _failed(message: str) -> types.CallToolResult:
    """A tool that ran and failed (DESIGN.md): the book's message, flagged for the assistant."""
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


def build(backend: Backend, stdio_session: Session | None = None) -> Server:
    """The server; over stdio one session serves all calls, over HTTP one per request."""

    def session_for(ctx) -> Session:
        """The session for this request, acting for the MCP client that `initialize`d."""
        if stdio_session is not None:
            session = stdio_session
        else:
            request = getattr(ctx, "request", None)
            header = request.headers.get("authorization", "") if request is not None else ""
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise to_mcp(Unauthorized("missing Bearer token in the Authorization header"))
            session = backend.session(token.strip())
        session.client.mcp_client = _client_name(ctx)
        return session

    async def in_thread(fn, session: Session, *args):
        """Run blocking client work off the event loop; close a per-request session after."""
        try:
            return await to_thread.run_sync(fn, session, *args)
        except AlloyError:  # the caller decides: a tool's failed result, a resource's -32002
            raise
        except Exception as exc:  # noqa: BLE001 - anything else is an internal error
            raise to_mcp(exc) from None
        finally:
            if session is not stdio_session:
                session.close()

    async def list_tools(ctx, params) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[
            types.Tool(name=t.name, description=t.description, input_schema=t.input_schema(),
                       output_schema=output_schema(t), annotations=_annotations(t))
            for t in catalog.TOOLS.values()])

    async def call_tool(ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = catalog.TOOLS.get(params.name)
        if tool is None:
            raise bad_params(f"Unknown tool: {params.name}. Use tools/list to see the tools.")
        args = dict(params.arguments or {})
        problems = check_args(tool, args)
        if problems:
            detail = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
            return _failed(f"Validation error: {detail}. Fix the input according to the "
                           f"parameter constraints of {tool.name}.")
        session = session_for(ctx)
        try:
            result = await in_thread(catalog.run, session, tool, args)
        except AlloyError as exc:  # the tool ran and failed: a result the assistant reads
            return _failed(message_for(exc))
        return types.CallToolResult(content=[types.TextContent(text=render(result))],
                                    structured_content=structured(tool, result))

    async def list_prompts(ctx, params) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=[
            types.Prompt(name=p.name, description=p.description,
                         arguments=[types.PromptArgument(name=n, description=d, required=False)
                                    for n, d in p.arguments])
            for p in prompts.PROMPTS])

    async def get_prompt(ctx, params: types.GetPromptRequestParams) -> types.GetPromptResult:
        prompt = prompts.BY_NAME.get(params.name)
        if prompt is None:
            raise bad_params(f"Unknown prompt: {params.name}. Use prompts/list to see them.")
        text = prompt.render(dict(params.arguments or {}))
        return types.GetPromptResult(description=prompt.description, messages=[
            types.PromptMessage(role="user", content=types.TextContent(text=text))])

    async def list_resources(ctx, params) -> types.ListResourcesResult:
        try:
            found = await in_thread(resources.static, session_for(ctx))
        except AlloyError as exc:
            raise to_mcp(exc) from None
        return types.ListResourcesResult(resources=[
            types.Resource(uri=uri, name=name, description=desc, mime_type="application/json")
            for uri, name, desc in found])

    async def list_templates(ctx, params) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(resource_templates=[
            types.ResourceTemplate(uri_template=t.uri, name=t.name, description=t.description,
                                   mime_type="application/json")
            for t in resources.TEMPLATES])

    async def read_resource(ctx, params: types.ReadResourceRequestParams):
        uri = str(params.uri)
        try:
            data = await in_thread(resources.read, session_for(ctx), uri)
        except NotFound as exc:
            raise resource_not_found(uri, exc) from None
        except AlloyError as exc:
            raise to_mcp(exc) from None
        return types.ReadResourceResult(contents=[types.TextResourceContents(
            uri=uri, mime_type="application/json", text=json.dumps(data, indent=2))])

    return Server("alloy-mcp", version=_version(), instructions=INSTRUCTIONS,
                  on_list_tools=list_tools, on_call_tool=call_tool,
                  on_list_prompts=list_prompts, on_get_prompt=get_prompt,
                  on_list_resources=list_resources,
                  on_list_resource_templates=list_templates,
                  on_read_resource=read_resource)
