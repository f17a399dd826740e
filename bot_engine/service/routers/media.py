"""Twilio Media Streams over WebSocket (Twilio, Voximplant, jambonz, FreeSWITCH...).

Twilio cannot send an API key, so a stream proves it may use a route with the route's own
secret, returned once when the route is created:
- in the path: `wss://HOST/v1/media/twilio/{route_id}/{token}` (Twilio's `<Stream url>`
  allows no query string, a path is fine); a bad one is refused before the handshake
  completes (HTTP 403);
- or as `<Parameter name="route">` and `<Parameter name="token">` on `/v1/media/twilio`;
  a bad one closes the stream right after its `start` message.
Either way the refusal is logged. Every other `customParameters` entry is a call variable.

With `twilio_auth_token` set, every stream must also carry Twilio's `X-Twilio-Signature`
(`bot_engine.service.twilio_streams`): a bad or missing one is HTTP 403 at the handshake.
With `twilio_account_sid` too, a script's `transfer` redirects the call through Twilio's
REST API (`media_gateway.twilio_rest`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, WebSocket

from bot_engine.service.deps import InboundDep, SettingsDep
from bot_engine.service.settings import ServiceSettings
from bot_engine.service.twilio_streams import signature_ok, twilio_calls
from media_gateway.call_leg import CallLeg
from media_gateway.websocket_media import twilio_media_endpoint

log = logging.getLogger(__name__)
router = APIRouter(tags=["media"])


async def _refuse(websocket: WebSocket) -> None:
    await websocket.close(code=1008)  # before accept: the handshake gets HTTP 403


async def _serve(
    websocket: WebSocket, settings: ServiceSettings, on_call: Callable[[CallLeg], Awaitable[None]]
) -> None:
    rest = twilio_calls(settings)
    endpoint = twilio_media_endpoint(
        on_call, transfer_for=rest.handler_for if rest is not None else None
    )
    await endpoint(websocket)


@router.websocket("/v1/media/twilio/{route_id}/{token}")
async def twilio_stream_for_route(
    websocket: WebSocket,
    route_id: str,
    token: str,
    settings: SettingsDep,
    inbound: InboundDep,
) -> None:
    if not signature_ok(settings, websocket):
        await _refuse(websocket)
        return
    route = await inbound.route_with_token(route_id, token)
    if route is None:
        peer = websocket.client.host if websocket.client else "?"
        log.warning("media stream from %s refused: unknown route or bad token", peer)
        await _refuse(websocket)
        return

    async def on_call(leg: CallLeg) -> None:
        await inbound.answer_stream(leg, route)

    await _serve(websocket, settings, on_call)


@router.websocket("/v1/media/twilio")
async def twilio_stream(websocket: WebSocket, settings: SettingsDep, inbound: InboundDep) -> None:
    if not signature_ok(settings, websocket):
        await _refuse(websocket)
        return
    await _serve(websocket, settings, inbound.answer_stream_params)
