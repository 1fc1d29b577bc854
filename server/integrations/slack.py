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


def _signed_entry(op_id: str, summary: str, media_type: str, body: dict, answer: dict) -> dict:
    return {"post": {
        "operationId": op_id, "summary": summary, "tags": ["slack"],
        "description": "No Bearer auth: Slack signs the request with the app's signing secret.",
        "parameters": [
            {"name": "X-Slack-Request-Timestamp", "in": "header", "required": True,
             "schema": {"type": "string"}, "description": "Unix time the request was sent"},
            {"name": "X-Slack-Signature", "in": "header", "required": True,
             "schema": {"type": "string"},
             "description": "v0= + hex HMAC-SHA256 of v0:{timestamp}:{raw body}"}],
        "requestBody": {"required": True, "content": {media_type: {"schema": body}}},
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": answer}}},
            "400": {"$ref": "#/components/responses/Error"},
            "401": {"$ref": "#/components/responses/Error"},
            "503": {"$ref": "#/components/responses/Error"}}}}


_OBJECT = {"type": "object", "additionalProperties": True}

# The signed endpoints are Litestar routes, not operations: their OpenAPI entries are here.
OPENAPI = {
    "/api/v1/integrations/slack/commands": _signed_entry(
        "slack.command", "Answer a /ticket slash command with a Block Kit message",
        "application/x-www-form-urlencoded",
        {"type": "object", "properties": {"command": {"type": "string"},
                                          "text": {"type": "string"},
                                          "user_id": {"type": "string"},
                                          "user_name": {"type": "string"},
                                          "channel_id": {"type": "string"}}},
        {"type": "object", "required": ["response_type"], "properties": {
            "response_type": {"type": "string", "enum": ["in_channel", "ephemeral"]},
            "text": {"type": "string"}, "blocks": {"type": "array", "items": _OBJECT}}}),
    "/api/v1/integrations/slack/events": _signed_entry(
        "slack.event", "Handle a Slack Events API payload (URL check, thread replies)",
        "application/json", _OBJECT,
        {"type": "object", "required": ["status"], "properties": {
            "status": {"type": "string"}, "challenge": {"type": "string"}}}),
}
