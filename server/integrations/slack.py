"""Slack's signed endpoints: verify the v0 signature on the raw body, then call the core.

No Bearer auth here: Slack signs each request with the app's signing secret. Everything
past the signature check is `alloy.integrations.slack` (which acts through operations).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import msgspec
from alloy.server.integrations import Signed
from anyio import to_thread
from litestar import Request

from alloy.errors import BadRequest


async def _signed(env, request: Request) -> bytes:
    from alloy.integrations import slack

    raw = await request.body()
    slack.verify(env.settings, request.headers.get("x-slack-request-timestamp"),
                 request.headers.get("x-slack-signature"), raw)
    return raw


async def _command(env, request: Request) -> dict:
    from alloy.integrations import slack

    raw = await _signed(env, request)
    try:
        form = dict(parse_qsl(raw.decode(), keep_blank_values=True))
    except UnicodeDecodeError:
        raise BadRequest("body is not application/x-www-form-urlencoded") from None
    return await to_thread.run_sync(slack.command, env, form)


async def _event(env, request: Request) -> dict:
    from alloy.integrations import slack

    raw = await _signed(env, request)
    try:
        payload = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        raise BadRequest("request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise BadRequest("request body must be a JSON object")
    return await to_thread.run_sync(slack.event, env, payload)


_SIGNER = "Slack signs the request with the app's signing secret."
_HEADERS = (("X-Slack-Request-Timestamp", "Unix time the request was sent"),
            ("X-Slack-Signature", "v0= + hex HMAC-SHA256 of v0:{timestamp}:{raw body}"))
_STR, _OBJECT = {"type": "string"}, {"type": "object", "additionalProperties": True}

ENDPOINTS = (
    Signed(name="slack.command", path="/api/v1/integrations/slack/commands",
           summary="Answer a /ticket slash command with a Block Kit message",
           signer=_SIGNER, headers=_HEADERS, media_type="application/x-www-form-urlencoded",
           body={"type": "object", "properties": {
               "command": _STR, "text": _STR, "user_id": _STR, "user_name": _STR,
               "channel_id": _STR}},
           answer={"type": "object", "required": ["response_type"], "properties": {
               "response_type": {"type": "string", "enum": ["in_channel", "ephemeral"]},
               "text": _STR, "blocks": {"type": "array", "items": _OBJECT}}},
           handle=_command),
    Signed(name="slack.event", path="/api/v1/integrations/slack/events",
           summary="Handle a Slack Events API payload (URL check, thread replies)",
           signer=_SIGNER, headers=_HEADERS, media_type="application/json", body=_OBJECT,
           answer={"type": "object", "required": ["status"], "properties": {
               "status": _STR, "challenge": _STR}},
           handle=_event),
)
