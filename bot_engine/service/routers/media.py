"""Twilio Media Streams over WebSocket (Twilio, Voximplant, jambonz, FreeSWITCH...).

Twilio cannot send an API key, so a stream proves it may use a route with the route's own
secret, returned once when the route is created:
- in the path: `wss://HOST/v1/media/twilio/{route_id}/{token}` (Twilio's `<Stream url>`
  allows no query string, a path is fine); a bad one is refused before the handshake
  completes (HTTP 403);
- or as `<Parameter name="route">` and `<Parameter name="token">` on `/v1/media/twilio`;
  a bad one closes the stream right after its `start` message.
Either way the refusal is logged. Every other `customParameters` entry is a call variable.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, WebSocket

from bot_engine.service.state import ServiceState
from media_gateway.call_leg import CallLeg
from media_gateway.websocket_media import twilio_media_endpoint

log = logging.getLogger(__name__)
router = APIRouter(tags=["media"])


def _service(websocket: WebSocket) -> ServiceState:
    state: ServiceState = websocket.app.state.service
    return state


@router.websocket("/v1/media/twilio/{route_id}/{token}")
async def twilio_stream_for_route(websocket: WebSocket, route_id: str, token: str) -> None:
    svc = _service(websocket)
    route = await svc.inbound.route_with_token(route_id, token)
    if route is None:
        peer = websocket.client.host if websocket.client else "?"
        log.warning("media stream from %s refused: unknown route or bad token", peer)
        await websocket.close(code=1008)
        return

    async def on_call(leg: CallLeg) -> None:
        await svc.inbound.answer_stream(leg, route)

    await twilio_media_endpoint(on_call)(websocket)


@router.websocket("/v1/media/twilio")
async def twilio_stream(websocket: WebSocket) -> None:
    svc = _service(websocket)
    await twilio_media_endpoint(svc.inbound.answer_stream_params)(websocket)
