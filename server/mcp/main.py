"""`alloy-mcp`: the MCP server over stdio (default) or `--http HOST:PORT`.

Logs go to stderr: stdout is the protocol channel in stdio mode. Exit codes follow the CLI:
2 configuration/usage, 3 invalid or unauthorized token, 8 Alloy API unreachable.
"""

from __future__ import annotations

import argparse
import logging
import sys

from alloy.server.mcp.session import StartupError, from_environment, verify_identity

from alloy.errors import AlloyError, Unavailable

EPILOG = """environment:
  ALLOY_API_URL     Alloy API base URL (remote mode, with ALLOY_API_TOKEN)
  ALLOY_API_TOKEN   API key (alloy_live_... / alloy_test_...) to act as
  ALLOY_ORG_ID      organization to work in (default: the credential's)
  without ALLOY_API_URL the server runs embedded on the local database as the user saved
  by `alloy auth login` / `alloy onboard` (or ALLOY_USER_ID).

example:
  ALLOY_API_URL=http://localhost:3000 ALLOY_API_TOKEN=alloy_live_... alloy-mcp --http 0.0.0.0:3001
"""


def _address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]") or "0.0.0.0", int(port)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="alloy-mcp", epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                description="Alloy's MCP server: tools, prompts and resources "
                                "for AI assistants, over stdio or streamable HTTP.")
    p.add_argument("--http", metavar="HOST:PORT", type=_address,
                   help="serve streamable HTTP (Bearer token per request) instead of stdio")
    return p


def _fail(message: str, code: int) -> None:
    print(f"Error: {message}", file=sys.stderr)
    if code == 3:
        print("Required environment variables:\n"
              "  ALLOY_API_URL    — Alloy API base URL\n"
              "  ALLOY_API_TOKEN  — API key for authenticating (alloy_live_... or alloy_test_...)",
              file=sys.stderr)
    sys.exit(code)


def run(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="alloy-mcp %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        backend = from_environment(http=bool(args.http))
        session = None
        if backend.token or (not args.http):
            session = backend.session()
            me = verify_identity(session)
            logging.getLogger("alloy.mcp").info(
                "%s mode: acting as %s (org %s)", backend.mode, me.email, me.org_id)
    except StartupError as e:
        _fail(str(e), e.code)
    except Unavailable as e:
        _fail(f"Failed to connect to Alloy API: {e.message}. Check ALLOY_API_URL and that the "
              "server is running.", 8)
    except AlloyError as e:
        _fail(f"{e.message}", 3 if e.status in (401, 403, 404) else 1)
    if args.http:
        from alloy.server.mcp.http import serve

        serve(backend, *args.http)
        return
    import anyio

    anyio.run(_stdio, backend, session)


async def _stdio(backend, session) -> None:
    from alloy.server.mcp.app import build
    from mcp.server.stdio import stdio_server

    server = build(backend, session)
    from alloy.server.mcp.drain import draining

    async with stdio_server() as (read, write):
        read, write = draining(read, write)
        await server.run(read, write, server.create_initialization_options())


if __name__ == "__main__":
    run()
