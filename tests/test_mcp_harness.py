"""Harness for the MCP tests: `alloy-mcp` as a real subprocess driven by the SDK's client.

Four transports: stdio and streamable HTTP, each embedded (local database) and remote
(ALLOY_API_URL + ALLOY_API_TOKEN against a live `alloy serve`). Whatever the MCP server
does is checked through the HTTP API of an `alloy serve` on the same database.
Also here: static checks that the tool table binds to the declared operations.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import msgspec

from tests.support import BIN, Server, auth, base_env, cli, free_port, wait_ready

TRANSPORTS = ["stdio-embedded", "stdio-remote", "http-embedded", "http-remote"]
_n = itertools.count()

# The MCP Tools Reference, in its order (71 tool sections) and its 15 slash commands.
REFERENCE_TOOLS = """ping whoami create_ticket get_ticket search_tickets update_ticket transition_ticket
batch_transition batch_update_tickets assign_ticket get_my_tickets delete_ticket add_comment
list_comments update_comment delete_comment create_label list_labels add_ticket_label
remove_ticket_label get_label update_label delete_label set_tags get_tags delete_tag search_by_tag
create_project list_projects get_project update_project delete_project create_sprint list_sprints
update_sprint start_sprint complete_sprint get_sprint_burndown get_sprint delete_sprint
create_team list_teams delete_team create_workflow list_workflows update_workflow get_workflow
delete_workflow get_project_summary list_members create_invite list_invites add_project_member
remove_project_member list_project_members create_api_key list_api_keys delete_api_key
get_ticket_activity log_time get_time_entry update_time_entry delete_time_entry list_time_entries
get_time_report get_capitalization_report submit_time_entry approve_time_entry
get_capitalization_export export_data import_data""".split()
# and those beyond it (catalog.BEYOND): the transition check, relations and sub-issues
TOOL_NAMES = REFERENCE_TOOLS + ["check_transition", "link_tickets", "unlink_tickets",
                                "list_relations", "set_parent", "get_ticket_tree"]
PROMPTS = {"assign": ["ticket", "user"], "comment": ["ticket"],
           "create-ticket": ["project_key", "title"], "invite": ["email", "role"],
           "log-work": [], "move": ["ticket", "status"], "my-work": [],
           "new-project": ["name", "key"], "ping": [], "plan-sprint": [], "project-summary": [],
           "report": ["period"], "search": ["query"], "sprint-status": [], "standup": []}
TEMPLATES = {"alloy://project/{key}": "project", "alloy://ticket/{id}": "ticket",
             "alloy://sprint/{id}/board": "sprint-board",
             "alloy://user/{id}/assigned": "user-assigned-tickets",
             "alloy://view/{name}": "view"}
SPEC = Path("/work/shared/spec/07-mcp-tools-reference.txt")


@dataclasses.dataclass
class World:
    """A live server, a registered user with an API key, and the env to start alloy-mcp."""

    server: Server
    home: Path
    email: str
    token: str  # access token (JWT) of the user
    api_key: str
    user_id: str
    org_id: str

    def api(self, method: str, path: str, **kw) -> httpx.Response:
        return self.server.http.request(method, path, headers=auth(self.token), **kw)

    def mcp_env(self, transport: str) -> dict:
        env = base_env(self.home)
        env["ALLOY_CONFIG_DIR"] = str(self.home / f"config-{self.email}")
        if transport.endswith("remote"):
            env.update(ALLOY_API_URL=self.server.url, ALLOY_API_TOKEN=self.api_key)
        return env


def make_world(home: Path, server: Server | None = None) -> World:
    """Register a fresh user (own org) on `server` (started on `home`'s database if None)."""
    server = server or Server(home, ALLOY_REGISTRATION="open")
    email = f"mcp{next(_n)}-{time.time_ns() % 10**8}@example.com"
    r = server.http.post("/api/v1/auth/register", json={
        "email": email, "password": "password123", "display_name": "Mcp User"})
    assert r.status_code == 201, r.text
    pair = r.json()
    key = server.http.post("/api/v1/api-keys", headers=auth(pair["access_token"]),
                           json={"name": "MCP Server", "scopes": ["read", "write", "admin"]})
    assert key.status_code == 201, key.text
    world = World(server, home, email, pair["access_token"], key.json()["key"], pair["user_id"],
                  pair["org_id"])
    # embedded mode acts as the user saved by `alloy auth login` (same database file)
    cli(["auth", "login", "--email", email, "--password", "password123"],
        world.mcp_env("stdio-embedded"))
    return world


class HttpMcp:
    """`alloy-mcp --http 127.0.0.1:PORT` in a subprocess."""

    def __init__(self, env: dict, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "w")  # noqa: SIM115
        self.proc = subprocess.Popen([str(BIN / "alloy-mcp"), "--http",
                                      f"127.0.0.1:{self.port}"], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_ready(self.proc, self.url + "/.well-known/oauth-authorization-server", Path(log))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@contextlib.asynccontextmanager
async def connect(world: World, transport: str, http: HttpMcp | None = None,
                  bearer: str | None = None, client_info=None):
    """An initialized SDK `Client` on `alloy-mcp` over the given transport (`client_info`:
    the name and version it introduces itself with; the SDK's default when None)."""
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    if transport.startswith("stdio"):
        params = StdioServerParameters(command=str(BIN / "alloy-mcp"),
                                       env=world.mcp_env(transport))
        errlog = open(world.home / f"mcp-{transport}.log", "a")  # noqa: SIM115
        from mcp.client.stdio import stdio_client

        try:
            async with Client(stdio_client(params, errlog=errlog), mode="legacy",
                              client_info=client_info) as client:
                yield client
        finally:
            errlog.close()
        return
    headers = {"Authorization": f"Bearer {bearer or world.api_key}"}
    async with create_mcp_http_client(headers=headers) as hc:
        async with Client(streamable_http_client(http.url + "/mcp", http_client=hc),
                          client_info=client_info) as client:
            yield client


def text(result) -> str:
    return result.content[0].text


def data(result):
    raw = text(result)
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


# ---- scenario steps: a tool call, its arguments from earlier results, an API check -------

@dataclasses.dataclass
class Step:
    tool: str
    args: Callable[[dict], dict]
    check: Callable[[World, dict, object], None] = lambda w, s, r: None
    needs: tuple[str, ...] = ()
    error: str | None = None  # the call must fail with this text in the MCP error
    gives: tuple[str, ...] = ()  # state keys (ids or flags) later steps may need
    uri: Callable[[dict], str] | None = None  # read this resource instead of calling a tool


def ok(resp, status=200):
    assert resp.status_code == status, f"{resp.status_code} {resp.text}"
    return resp.json() if resp.content else None


def ids(items) -> list:
    return [i.get("id") for i in items]


def keep(key, field="id"):
    """A check that stores the result's `field` in the state under `key`."""
    def check(w, s, r):
        assert isinstance(r, dict) and r.get(field), r
        s[key] = r[field]
    return check


def get(w, path):
    return ok(w.api("GET", path))


def gone(w, path):
    assert w.api("GET", path).status_code == 404


def _eq(got, want):
    assert got == want, f"got {got!r}, want {want!r}"


def _fail(r):
    raise AssertionError(r)


async def run_steps(client, world: World, steps, state: dict) -> dict[str, list]:
    """Run `steps`; outcome per tool: list of ("ok"|"fail", reason). A step whose inputs an
    earlier failed step should have given fails too, naming what it lacked."""
    import jsonschema
    import mcp_types as types
    from mcp.shared.exceptions import MCPError

    schemas = {t.name: t.output_schema for t in (await client.list_tools()).tools}
    outcomes: dict[str, list] = {}
    for step in steps:
        record = outcomes.setdefault(step.tool, []).append
        lacking = [k for k in step.needs if k not in state]
        if lacking:
            record(("fail", f"{step.tool}: an earlier step did not give {', '.join(lacking)}"))
            continue
        args = step.args(state)
        try:
            if step.uri:
                read = await client.read_resource(step.uri(state))
                result = types.CallToolResult(content=[types.TextContent(
                    text=read.contents[0].text)])
            else:
                result = await client.call_tool(step.tool, args)
        except MCPError as e:
            record(("fail", f"{step.tool}({args}) -> MCP protocol error {e.code} {e.message}"))
            continue
        if result.is_error:  # a tool that ran and failed answers a result (DESIGN.md)
            text = result.content[0].text
            if step.error and step.error in text:
                record(("ok", ""))
            else:
                record(("fail", f"{step.tool}({args}) -> failed: {text}"))
            continue
        if step.error:
            record(("fail", f"{step.tool} answered {result} but should have failed"))
            continue
        try:
            step.check(world, state, data(result))
            schema = schemas.get(step.tool) if not step.uri else None
            if schema is not None:  # the declared output schema, and the answer it describes
                jsonschema.Draft202012Validator(schema).validate(result.structured_content)
                assert result.structured_content == data(result), "structured != text"
            record(("ok", ""))
            for key in step.gives:  # a flag for steps that need this one's effect
                state.setdefault(key, True)
        except (AssertionError, KeyError, TypeError, jsonschema.ValidationError) as e:
            record(("fail", f"{step.tool}({args}) -> {data(result)!r}: {e!r}"))
    return outcomes


# ---- static checks: the tool table binds to the operations as the reference needs ----------

def _fields(struct) -> set[str] | None:
    try:
        return {f.name for f in msgspec.structs.fields(struct)}
    except TypeError:
        return None


def test_tool_names_match_the_reference():
    from alloy.server.mcp import catalog

    assert sorted(catalog.TOOLS) == sorted(TOOL_NAMES) and len(REFERENCE_TOOLS) == 71
    if SPEC.exists():  # the tool sections of the reference are its lowercase heading lines
        spec = [ln for ln in SPEC.read_text().splitlines()
                if ln and ln.replace("_", "").isalpha() and ln.islower()]
        assert spec == REFERENCE_TOOLS


# What a resource's calls receive: the URI template's names, plus what `_assigned`,
# `_run_view` and `Session.call_all` add.
_RESOURCE_ARGS = {"project_id", "assignee_id", "view_id", "limit", "cursor"}


def call_problems(call, given: set[str]) -> list[str]:
    """What is wrong with `call` made with tool arguments `given`: an unknown operation, a
    path parameter the operation lacks or no argument fills, a body or query field the
    operation does not declare."""
    from alloy import ops

    try:
        op = ops.get(call.op)
    except KeyError:
        return [f"unknown operation {call.op}"]
    fills = given | set(call.defaults) | {"limit", "cursor"}  # call_all pages
    out = [f"{op.name} has no path parameter {p}" for p in call.path if p not in op.path_params]
    out += [f"{op.name}: nothing fills path parameter {p} (argument {a})"
            for p, a in call.path_args().items() if a not in fills]
    if call.body_arg:
        if op.body is None or call.body_arg not in given:
            out.append(f"{op.name}: cannot send {call.body_arg} as its body")
    else:
        body = _fields(op.body) if op.body is not None else set()
        out += [f"{op.name}: body field {n} {'undeclared' if n not in (body or {n}) else 'unfilled'}"
                for n in call.body if n not in (body or {n}) or n not in fills]
    query = _fields(op.query) if op.query is not None else set()
    out += [f"{op.name}: query field {n} {'undeclared' if n not in (query or {n}) else 'unfilled'}"
            for n in call.query if n not in (query or {n}) or n not in fills]
    return out


def test_every_call_names_a_declared_operation_and_its_parameters():
    """A renamed operation or path parameter fails here, not for a user of the tool."""
    from alloy.server.mcp import catalog, resources

    problems = [f"{tool.name}: {p}" for tool in catalog.TOOLS.values() for call in tool.calls
                for p in call_problems(call, {x.name for x in tool.params})]
    uris = {t.name: t.uri for t in resources.TEMPLATES}
    for name, calls in resources.NEEDS.items():
        given = set(re.findall(r"{(\w+)}", uris.get(name, ""))) | _RESOURCE_ARGS
        problems += [f"resource {name}: {p}" for call in calls for p in call_problems(call, given)]
    assert not problems, "\n".join(problems)


def test_the_call_check_catches_wrong_names():
    from alloy.server.mcp.tooling import Call

    assert call_problems(Call("tickets.nope"), set()) == ["unknown operation tickets.nope"]
    assert call_problems(Call("nope.get"), set()) == ["unknown operation nope.get"]
    assert call_problems(Call("tickets.get", path={"id": "x"}), {"ticket_id"}) == [
        "tickets.get has no path parameter id"]
    assert call_problems(Call("timeentries.get"), {"time_entry_id"}) == [
        "timeentries.get: nothing fills path parameter entry_id (argument entry_id)"]
    assert call_problems(Call("tickets.update", body=("titel",)), {"ticket_id", "titel"}) == [
        "tickets.update: body field titel undeclared"]
    assert call_problems(Call("tickets.list", query=("status",)), {"project_id"}) == [
        "tickets.list: query field status unfilled"]


def test_schemas_are_objects_with_described_parameters():
    from alloy.server.mcp import catalog

    for tool in catalog.TOOLS.values():
        schema = tool.input_schema()
        assert schema["type"] == "object" and tool.description
        for name, prop in schema["properties"].items():
            assert prop["description"], (tool.name, name)
