"""WebSocket media streams in Twilio's Media Streams protocol, as CallLegs.

Twilio, Voximplant, jambonz, FreeSWITCH (mod_audio_stream) and Asterisk (through a
bridge) can all open this WebSocket, so one endpoint serves them all. The service mounts
`websocket_route(on_call)` (or `twilio_media_endpoint(on_call)` on a FastAPI app); every
stream that sends a valid `start` becomes a `TwilioCallLeg` handed to `on_call`.

Outbound audio goes out one 20 ms `media` message per tick of the shared media clock.
Twilio buffers what it receives, so pacing is what keeps `clear` (barge-in) effective:
only about a tick of audio is ever queued on the far side. After a prompt's last frame a
`mark` follows, and the prompt's `Playback.wait()` resolves when Twilio echoes that mark,
i.e. when the caller has actually heard it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketState

from media_gateway.call_leg import (
    FRAME_MS,
    TELEPHONE_RATE,
    CallEnded,
    CallInfo,
    CallLeg,
    InboundDtmf,
    InboundEvent,
    InboundFrame,
)
from media_gateway.inbound_queue import InboundQueue
from media_gateway.playback import PlaybackQueue, QueuedPlayback
from media_gateway.rtp import g711
from media_gateway.rtp.clock import MediaClock, shared_clock
from media_gateway.stream_leg import StreamCallLeg, TransferHandler
from media_gateway.twilio_protocol import (
    Connected,
    Dtmf,
    Mark,
    Media,
    Start,
    StartInfo,
    Stop,
    TwilioProtocolError,
    clear_message,
    mark_message,
    media_message,
    parse_message,
)

log = logging.getLogger(__name__)

OnCall = Callable[[CallLeg], Awaitable[None]]
TransferFactory = Callable[[StartInfo], TransferHandler | None]
"""The transfer handler of one stream, built from its `start` (Twilio's REST API needs the
stream's `callSid` and `accountSid`: `media_gateway.twilio_rest.TwilioCalls.handler_for`)."""
Authorize = Callable[[WebSocket], Awaitable[bool]]
"""Checks the upgrade request (an API key in the query, Twilio's X-Twilio-Signature
header, ...) before the stream is accepted; False refuses it with HTTP 403."""
# Twilio cannot transfer from inside a stream; the service redirects the call through the
# platform's REST API instead (`TransferHandler`, shared with AudioSocket; for Twilio
# itself, `media_gateway.twilio_rest`).

SAMPLE_RATE = TELEPHONE_RATE
FRAME_BYTES = SAMPLE_RATE * 2 * FRAME_MS // 1000
_ENCODINGS: dict[str, g711.Codec] = {"audio/x-mulaw": "PCMU", "audio/x-alaw": "PCMA"}
#: Outbound messages allowed to wait for a slow socket (5 s of audio) before hanging up.
MAX_OUTBOX = 250


class TwilioCallLeg(StreamCallLeg):
    """One Media Streams WebSocket as a call leg (8 kHz)."""

    sample_rate = SAMPLE_RATE
    transport_name = "a media stream"

    def __init__(
        self,
        websocket: WebSocket,
        start: Start,
        *,
        clock: MediaClock | None = None,
        transfer_handler: TransferHandler | None = None,
    ) -> None:
        fmt = start.start.media_format
        codec = _ENCODINGS.get(fmt.encoding.lower())
        if codec is None or fmt.sample_rate != SAMPLE_RATE or fmt.channels != 1:
            raise TwilioProtocolError(
                f"unsupported mediaFormat {fmt.encoding} {fmt.sample_rate} Hz "
                f"x{fmt.channels}; expected audio/x-mulaw (or x-alaw) 8000 Hz mono"
            )
        params = start.start.custom_parameters
        direction = params.get("direction", "inbound")
        self.info = CallInfo(
            call_id=start.start.call_sid or start.start.stream_sid,
            direction="outbound" if direction == "outbound" else "inbound",
            caller=params.get("from", params.get("caller", "")),
            callee=params.get("to", params.get("callee", "")),
            transport="websocket",
            params=dict(params),
        )
        self.stream_sid = start.start.stream_sid
        self._ws = websocket
        self._codec: g711.Codec = codec
        self._clock = clock or shared_clock()
        self._transfer_handler = transfer_handler
        self._events: InboundQueue[InboundEvent] = InboundQueue()
        self._player = PlaybackQueue(
            FRAME_BYTES,
            SAMPLE_RATE * 2 // 1000,
            finish_on_sent=False,
            on_sent=self._prompt_sent,
            on_cancel=self._prompt_cancelled,
        )
        self._mark_names = (f"vb-{n}" for n in itertools.count(1))
        self._awaiting_mark: dict[str, QueuedPlayback] = {}
        self._just_sent: list[QueuedPlayback] = []
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self._carry = b""
        self._media_ms = 0
        self._ended: CallEnded | None = None
        self._writer = asyncio.get_running_loop().create_task(self._write_loop())
        self._clock.register(self)

    # -- CallLeg (events, play, send_dtmf and transfer come from StreamCallLeg) ------------

    async def _end_transferred(self) -> None:
        await self._end("transferred", close=True)

    async def hangup(self) -> None:
        await self._end("robot_hangup", close=True)

    # -- inbound (called by the endpoint) --------------------------------------------------

    def on_media(self, message: Media) -> None:
        if message.media.track not in ("inbound", "inbound_track"):
            return  # our own audio echoed back on a both-tracks stream
        self._carry += g711.decode(message.media.audio(), self._codec)
        while len(self._carry) >= FRAME_BYTES:
            frame, self._carry = self._carry[:FRAME_BYTES], self._carry[FRAME_BYTES:]
            self._events.put(InboundFrame(frame, self._media_ms))
            self._media_ms += FRAME_MS

    def on_dtmf(self, message: Dtmf) -> None:
        self._events.put(InboundDtmf(message.dtmf.digit, self._media_ms))

    def on_mark(self, message: Mark) -> None:
        playback = self._awaiting_mark.pop(message.mark.name, None)
        if playback is not None:
            playback.finish(completed=True)

    async def on_stream_end(self, cause: str) -> None:
        await self._end(cause, close=False)

    # -- outbound, on the media clock ------------------------------------------------------

    def on_tick(self, scheduled: float) -> None:  # noqa: ARG002 (ClockClient's signature)
        frame = self._player.next_frame()
        if frame is None:
            return
        self._enqueue(media_message(self.stream_sid, g711.encode(frame, self._codec)))
        for playback in self._just_sent:  # the mark goes after the prompt's last frame
            name = next(self._mark_names)
            self._awaiting_mark[name] = playback
            self._enqueue(mark_message(self.stream_sid, name))
        self._just_sent.clear()

    def _prompt_sent(self, playback: QueuedPlayback) -> None:
        self._just_sent.append(playback)

    # PlaybackQueue's on_cancel callback: which prompt does not matter, all are cleared.
    def _prompt_cancelled(self, playback: QueuedPlayback) -> None:  # noqa: ARG002
        # Drop what the platform has buffered. Prompts already sent and waiting for their
        # mark were cleared too: they were not heard in full.
        self._enqueue(clear_message(self.stream_sid))
        for waiting in self._awaiting_mark.values():
            waiting.finish(completed=False)
        self._awaiting_mark.clear()

    def _enqueue(self, text: str) -> None:
        if self._ended is not None:
            return
        if self._outbox.qsize() >= MAX_OUTBOX:
            log.warning("stream %s: the socket is not draining; ending the call", self.stream_sid)
            asyncio.get_running_loop().create_task(self._end("network_error", close=True))
            return
        self._outbox.put_nowait(text)

    async def _write_loop(self) -> None:
        while (text := await self._outbox.get()) is not None:
            try:
                await self._ws.send_text(text)
            except Exception as exc:  # the peer went away mid-send
                log.info("stream %s: send failed: %s", self.stream_sid, exc)
                await self._end("network_error", close=False)
                return

    async def _end(self, cause: str, *, close: bool) -> None:
        if self._ended is not None:
            return
        self._ended = CallEnded(cause)
        self._clock.unregister(self)
        self._player.clear()
        for waiting in self._awaiting_mark.values():
            waiting.finish(completed=False)
        self._awaiting_mark.clear()
        self._outbox.put_nowait(None)
        self._events.put(self._ended)
        if close:
            if asyncio.current_task() is not self._writer:
                await asyncio.wait([self._writer], timeout=1.0)  # flush, boundedly
            await _close(self._ws, 1000)


async def _close(websocket: WebSocket, code: int, reason: str = "") -> None:
    if websocket.application_state == WebSocketState.CONNECTED:
        try:
            await websocket.close(code, reason)
        except Exception as exc:  # already closing from the other side
            log.debug("close failed: %s", exc)


def twilio_media_endpoint(
    on_call: OnCall,
    *,
    clock: MediaClock | None = None,
    transfer_handler: TransferHandler | None = None,
    transfer_for: TransferFactory | None = None,
    authorize: Authorize | None = None,
) -> Callable[[WebSocket], Awaitable[None]]:
    """An ASGI WebSocket endpoint (for `app.add_websocket_route` or FastAPI's
    `app.websocket(path)(...)`) that turns each stream into a CallLeg for `on_call`.
    Transfers go to `transfer_handler`, or to the one `transfer_for` builds per stream."""
    handler_for = transfer_for or (lambda _start: transfer_handler)

    async def endpoint(websocket: WebSocket) -> None:
        if authorize is not None and not await authorize(websocket):
            client = websocket.client.host if websocket.client else "?"
            log.warning("media stream from %s refused by authorize()", client)
            await websocket.close(code=1008)  # before accept: the handshake gets 403
            return
        await websocket.accept()
        await _serve_stream(websocket, on_call, clock, handler_for)

    return endpoint


def websocket_route(
    on_call: OnCall,
    path: str = "/media-stream",
    *,
    clock: MediaClock | None = None,
    transfer_handler: TransferHandler | None = None,
    transfer_for: TransferFactory | None = None,
    authorize: Authorize | None = None,
) -> WebSocketRoute:
    """A Starlette route the service mounts: `Starlette(routes=[websocket_route(cb)])`."""
    endpoint = twilio_media_endpoint(
        on_call,
        clock=clock,
        transfer_handler=transfer_handler,
        transfer_for=transfer_for,
        authorize=authorize,
    )
    return WebSocketRoute(path, endpoint)


async def _serve_stream(
    websocket: WebSocket,
    on_call: OnCall,
    clock: MediaClock | None,
    handler_for: TransferFactory,
) -> None:
    peer = f"{websocket.client.host}:{websocket.client.port}" if websocket.client else "?"
    leg: TwilioCallLeg | None = None
    call: asyncio.Task[None] | None = None
    cause = "caller_hangup"
    try:
        while True:
            raw = await websocket.receive()
            if raw["type"] == "websocket.disconnect":
                break
            text: Any = raw.get("text")
            if text is None:
                text = raw.get("bytes") or b""
            message = parse_message(text)
            if isinstance(message, Connected):
                continue
            if isinstance(message, Start):
                if leg is not None:
                    log.warning("stream from %s: a second start ignored", peer)
                    continue
                leg = TwilioCallLeg(
                    websocket, message, clock=clock, transfer_handler=handler_for(message.start)
                )
                log.info("stream %s started (call %s)", leg.stream_sid, leg.info.call_id)
                call = asyncio.get_running_loop().create_task(_run_call(on_call, leg))
                continue
            if leg is None:
                raise TwilioProtocolError(f"{message.event!r} before 'start'")
            if isinstance(message, Media):
                leg.on_media(message)
            elif isinstance(message, Dtmf):
                leg.on_dtmf(message)
            elif isinstance(message, Mark):
                leg.on_mark(message)
            elif isinstance(message, Stop):
                break
    except TwilioProtocolError as exc:
        log.warning("stream from %s closed: %s", peer, exc)
        cause = "network_error"
        await _close(websocket, exc.close_code, str(exc)[:120])
    except Exception as exc:  # the socket failed under us
        log.info("stream from %s lost: %s", peer, exc)
        cause = "network_error"
    finally:
        if leg is not None:
            await leg.on_stream_end(cause)
        await _close(websocket, 1000)
        if call is not None:
            await asyncio.gather(call, return_exceptions=True)


async def _run_call(on_call: OnCall, leg: TwilioCallLeg) -> None:
    try:
        await on_call(leg)
    except Exception:
        log.exception("call handler failed for stream %s", leg.stream_sid)
        await leg.hangup()
