"""Run the official MCP conformance suite's server scenarios against `alloy-mcp --http`.

    .venv/bin/python scripts/mcp_conformance.py [--scenario NAME ...] [--keep]

Installs Node 22 and `@modelcontextprotocol/conformance` from the npm registry into
`.cache/mcp-conformance` (the machine's Node 20 is too old for the suite), onboards a fresh
embedded database, starts `alloy-mcp --http` on loopback, and runs each scenario. The suite
sends no credentials and Alloy's HTTP transport requires a Bearer token on every request, so
the suite talks to a small proxy that adds the onboarded user's API key and changes nothing
else. Prints one line per scenario and a summary; exits non-zero when a scenario that applies
to Alloy's declared capabilities fails.

Scenarios that need a capability or fixture Alloy does not declare are listed as "n/a" with
the reason (the suite's reference server has test tools such as `test_simple_text`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CACHE = ROOT / ".cache" / "mcp-conformance"
SUITE = "@modelcontextprotocol/conformance@0.1.16"

# tools-call-error calls the suite's `test_error_handling`; Alloy's own tools answer failures
# the same way (isError with the message), tested in tests/test_mcp_transports.py.
# What Alloy declares: tools, prompts and resources (no logging, completion, subscriptions,
# sampling or elicitation); the suite's tool/prompt/resource scenarios call fixtures by name.
NOT_APPLICABLE = {
    "logging-set-level": "Alloy declares no logging capability",
    "completion-complete": "Alloy declares no completions capability",
    "resources-subscribe": "Alloy declares resources without subscribe",
    "resources-unsubscribe": "Alloy declares resources without subscribe",
    "tools-call-sampling": "Alloy's tools never ask the client to sample",
    "tools-call-elicitation": "Alloy's tools never elicit",
    "elicitation-sep1034-defaults": "Alloy's tools never elicit",
    "elicitation-sep1330-enums": "Alloy's tools never elicit",
    "tools-call-with-progress": "Alloy's tools report no progress",
    "tools-call-with-logging": "Alloy declares no logging capability",
    "server-sse-polling": "Alloy's tools answer at once (no long-running SSE streams)",
    "server-sse-multiple-streams": "Alloy's tools answer at once (no long-running SSE streams)",
}
FIXTURES = ("tools-call-", "resources-read-", "resources-templates-read", "prompts-get-",
            "json-schema-2020-12")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install() -> Path:
    """Node 22 and the suite, from the npm registry, once."""
    bin_dir = CACHE / "node_modules" / ".bin"
    if not (bin_dir / "conformance").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund",
                        "--loglevel=error", "node@22", SUITE], check=True)
    return bin_dir


def proxy(target: str, port: int, token: str) -> threading.Thread:
    """Forward every request to `target` with `Authorization: Bearer token` added."""
    import httpx
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import StreamingResponse
    from starlette.routing import Route

    client = httpx.AsyncClient(base_url=target, timeout=None)

    async def forward(request: Request):
        headers = list(request.headers.items())  # Host and Origin as sent: DNS-rebinding checks
        headers.append(("authorization", f"Bearer {token}"))
        upstream = await client.send(client.build_request(
            request.method, request.url.path, params=request.query_params,
            headers=headers, content=await request.body()), stream=True)
        kept = {k: v for k, v in upstream.headers.items()
                if k.lower() not in ("content-length", "transfer-encoding", "connection")}
        return StreamingResponse(upstream.aiter_raw(), status_code=upstream.status_code,
                                 headers=kept, background=None)

    app = Starlette(routes=[Route("/{path:path}", forward,
                                  methods=["GET", "POST", "DELETE", "OPTIONS"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return thread


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listening on port {port}")


def scenarios(bin_dir: Path, env: dict) -> list[str]:
    out = subprocess.run([str(bin_dir / "conformance"), "list"], env=env, text=True,
                         capture_output=True, check=True).stdout
    names = []
    for line in out.split("Client scenarios")[0].splitlines():
        line = line.strip()
        if line.startswith("- "):
            names.append(line[2:].split(" ")[0])
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", action="append", help="run only these")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = parser.parse_args()

    bin_dir = install()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    home = Path(tempfile.mkdtemp(prefix="alloy-mcp-conformance-"))
    alloy_env = {**os.environ, "ALLOY_DATA_DIR": str(home / "data"),
                 "ALLOY_CONFIG_DIR": str(home / "config")}
    onboard = subprocess.run([str(BIN / "alloy"), "onboard", "--email", "conformance@example.com",
                              "--password", "password123", "--org-name", "Conformance",
                              "--org-slug", "conformance", "--format", "json"],
                             env=alloy_env, text=True, capture_output=True, check=True)
    token = json.loads(onboard.stdout)["api_key"]
    mcp_port, proxy_port = free_port(), free_port()
    log = open(home / "alloy-mcp.log", "w")  # noqa: SIM115
    server = subprocess.Popen([str(BIN / "alloy-mcp"), "--http", f"127.0.0.1:{mcp_port}"],
                              env=alloy_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_port(mcp_port)
        proxy(f"http://127.0.0.1:{mcp_port}", proxy_port, token)
        wait_port(proxy_port)
        url = f"http://127.0.0.1:{proxy_port}/mcp"
        passed, failed, skipped = [], [], []
        for name in args.scenario or scenarios(bin_dir, env):
            reason = NOT_APPLICABLE.get(name) or (
                "calls the suite's own fixture tools/prompts/resources by name"
                if name.startswith(FIXTURES) else None)
            if reason and not args.scenario:
                skipped.append(name)
                print(f"n/a   {name}: {reason}")
                continue
            out_dir = home / "results" / name
            proc = subprocess.run([str(bin_dir / "conformance"), "server", "--url", url,
                                   "--scenario", name, "-o", str(out_dir)], env=env,
                                  text=True, capture_output=True, timeout=300)
            ok = proc.returncode == 0
            (passed if ok else failed).append(name)
            print(f"{'pass' if ok else 'FAIL'}  {name}")
            if not ok:
                print("      " + "\n      ".join((proc.stdout + proc.stderr).strip()
                                                 .splitlines()[-25:]))
        print(f"\n{len(passed)} passed, {len(failed)} failed, {len(skipped)} not applicable "
              f"(suite {SUITE}, alloy-mcp --http, embedded)")
        return 1 if failed else 0
    finally:
        server.terminate()
        server.wait(10)
        log.close()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
        else:
            print(f"kept {home}")


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    sys.exit(main())
