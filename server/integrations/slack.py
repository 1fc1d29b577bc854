"""Slack's signed endpoints: verify the v0 signature on the raw body, then call the core.

No Bearer auth here: Slack signs each request with the app's signing secret. Everything
past the signature check is `alloy.slack` (which acts through the ordinary operations).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import msgspec
from anyio import to_thread
from litestar import Request, Response, route

from alloy.errors import AlloyError, BadRequest


def _answer(result: dict) -> Response:
    return Response(content=msgspec.json.encode(result), status_code=200,
                    media_type="application/json")


def _error(err: AlloyError) -> Response:
    return Response(content=msgspec.json.encode(err.envelope()), status_code=err.status,
                    media_type="application/json")


def routes(env) -> list:
    from alloy import slack

    async def signed(request: Request) -> bytes:
        raw = await request.body()
        slack.verify(request.headers.get("x-slack-request-timestamp"),
                     request.headers.get("x-slack-signature"), raw)
        return raw

    @route("/api/v1/integrations/slack/commands", http_method=["POST"], include_in_schema=False)
    async def commands(request: Request) -> Response:
        try:
            raw = await signed(request)
            try:
                form = dict(parse_qsl(raw.decode(), keep_blank_values=True))
            except UnicodeDecodeError:
                raise BadRequest("body is not application/x-www-form-urlencoded") from None
            return _answer(await to_thread.run_sync(slack.command, env, form))
        except AlloyError as err:
            return _error(err)

    @route("/api/v1/integrations/slack/events", http_method=["POST"], include_in_schema=False)
    async def events(request: Request) -> Response:
        try:
            raw = await signed(request)
            try:
                payload = msgspec.json.decode(raw)
            except msgspec.DecodeError:
                raise BadRequest("request body is not valid JSON") from None
            if not isinstance(payload, dict):
                raise BadRequest("request body must be a JSON object")
            return _answer(await to_thread.run_sync(slack.event, env, payload))
        except AlloyError as err:
            return _error(err)

    return [commands, events]
