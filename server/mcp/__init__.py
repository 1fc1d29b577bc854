"""The MCP server (`alloy-mcp`): every tool, prompt and resource of the MCP Tools Reference,
over `alloy.client` only (embedded or remote), on stdio or streamable HTTP."""
