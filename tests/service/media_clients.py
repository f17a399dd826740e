"""The far end of a media stream, as a CallLeg, so the voice simulator's caller
(`SimulatedCaller`) can drive a Twilio Media Streams WebSocket or an Asterisk AudioSocket
connection exactly as it drives a SIP call.

Written from the published protocols (message bodies from twilio.com/docs/voice/
media-streams/websocket-messages; AudioSocket frames `type(1) length(2, big-endian)
payload`), not from our server's modules. Audio goes out in real time, 20 ms per frame,
as a phone network sends it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import struct
import uuid
from collections.abc import AsyncIterator
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from media_gateway.call_leg import (
    CallEnded,
    CallInfo,
    CallLeg,
    InboundEvent,
    InboundFrame,
    Playback,
    PlaybackResult,
    events_until_ended,
)
from media_gateway.rtp import g711

RATE = 8000
FRAME_BYTES = 320  # 20 ms of 16-bit PCM at 8 kHz


class _Queued(Playback):
    def __init__(self, pcm: bytes) -> None:
        self.frames = [
            pcm[i : i + FRAME_BYTES].ljust(FRAME_BYTES, b"\0")
            for i in range(0, len(pcm), FRAME_BYTES)
        ]
        self.sent = 0
        self.done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.first: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def finish(self, completed: bool) -> None:
        if not self.first.done():
            self.first.set_result(self.sent > 0)
        if not self.done.done():
            self.done.set_result(completed)

    def cancel(self) -> None:
        self.finish(False)

    async def wait(self) -> PlaybackResult:
        completed = await asyncio.shield(self.done)
        return PlaybackResult(played_ms=self.played_ms, completed=completed)

    async def started(self) -> bool:
        return await asyncio.shield(self.first)

    @property
    def played_ms(self) -> int:
        return self.sent * 20


class _ClientLeg(CallLeg):
    """A phone line: every 20 ms one frame goes out (the caller's speech, else silence),
    and whenever the robot sends nothing the caller hears silence, as on a real call."""

    sample_rate = RATE

    def __init__(self, info: CallInfo) -> None:
        self.info = info
        self._events: asyncio.Queue[InboundEvent] = asyncio.Queue()
        self._carry = b""
        self._heard_ms = 0
        self._ended = False
        self._last_heard = 0.0
        self._queue: list[_Queued] = []
        self._line: asyncio.Task[None] | None = None

    def events(self) -> AsyncIterator[InboundEvent]:
        return events_until_ended(self._events.get)

    def _start_line(self) -> None:
        self._line = asyncio.get_running_loop().create_task(self._tick())

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        start, ticks = loop.time(), 0
        try:
            while not self._ended:
                ticks += 1
                await asyncio.sleep(max(0.0, start + ticks * 0.02 - loop.time()))
                if self._ended:
                    break
                await self._send_audio(self._next_frame())
                if loop.time() - self._last_heard > 0.06:
                    self._events.put_nowait(InboundFrame(bytes(FRAME_BYTES), self._heard_ms))
                    self._heard_ms += 20
        except (ConnectionError, ConnectionClosed):
            self._end("network_error")

    def _next_frame(self) -> bytes:
        while self._queue:
            playing = self._queue[0]
            if playing.done.done():
                self._queue.pop(0)
                continue
            frame = playing.frames[playing.sent]
            playing.sent += 1
            if not playing.first.done():
                playing.first.set_result(True)
            if playing.sent == len(playing.frames):
                playing.finish(True)
                self._queue.pop(0)
            return frame
        return bytes(FRAME_BYTES)

    def _heard(self, pcm: bytes) -> None:
        self._last_heard = asyncio.get_running_loop().time()
        self._carry += pcm
        while len(self._carry) >= FRAME_BYTES:
            frame, self._carry = self._carry[:FRAME_BYTES], self._carry[FRAME_BYTES:]
            self._events.put_nowait(InboundFrame(frame, self._heard_ms))
            self._heard_ms += 20

    def _end(self, cause: str) -> None:
        if self._line is not None and self._line is not asyncio.current_task():
            self._line.cancel()
        for playing in self._queue:
            playing.finish(False)
        if not self._ended:
            self._ended = True
            self._events.put_nowait(CallEnded(cause))

    def play(self, pcm: bytes) -> Playback:
        playback = _Queued(pcm)
        if self._ended or not playback.frames:
            playback.finish(not self._ended)
        else:
            self._queue.append(playback)
        return playback

    async def _send_audio(self, frame: bytes) -> None:
        raise NotImplementedError

    async def transfer(self, target: str, *, wait_s: float | None = None) -> bool:
        return False


class TwilioStreamCaller(_ClientLeg):
    """What Twilio does on a `<Connect><Stream url=...>` call: connected, start (with the
    `<Parameter>`s as customParameters), media, dtmf, stop; it echoes every mark."""

    STREAM_SID = "MZ18ad3ab5a668481ce02b83e7395059f0"
    CALL_SID = "CA2ad3ab5a668481ce02b83e7395059f0b"

    def __init__(self, ws: ClientConnection, custom: dict[str, str]) -> None:
        super().__init__(
            CallInfo(self.CALL_SID, "outbound", custom.get("from", ""), "robot", "websocket")
        )
        self.ws = ws
        self.custom = custom
        self.marks_echoed = 0
        self.close_code: int | None = None
        self._chunk = 0
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def open(
        cls, url: str, custom: dict[str, str], headers: dict[str, str] | None = None
    ) -> TwilioStreamCaller:
        """`headers` go on the upgrade request (Twilio sends `X-Twilio-Signature` there)."""
        ws = await connect(url, open_timeout=10, additional_headers=headers)
        caller = cls(ws, custom)
        await caller._begin()
        return caller

    async def _begin(self) -> None:
        await self.ws.send(
            json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        )
        await self.ws.send(
            json.dumps(
                {
                    "event": "start",
                    "sequenceNumber": "1",
                    "start": {
                        "accountSid": "AC123",
                        "streamSid": self.STREAM_SID,
                        "callSid": self.CALL_SID,
                        "tracks": ["inbound"],
                        "mediaFormat": {
                            "encoding": "audio/x-mulaw",
                            "sampleRate": 8000,
                            "channels": 1,
                        },
                        "customParameters": self.custom,
                    },
                    "streamSid": self.STREAM_SID,
                }
            )
        )
        self._reader = asyncio.get_running_loop().create_task(self._read())
        self._start_line()

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                message: dict[str, Any] = json.loads(raw)
                event = message.get("event")
                if event == "media":
                    self._heard(g711.decode(base64.b64decode(message["media"]["payload"]), "PCMU"))
                elif event == "mark":  # Twilio answers a mark once the audio before it played
                    await self.ws.send(
                        json.dumps(
                            {
                                "event": "mark",
                                "sequenceNumber": "9",
                                "streamSid": self.STREAM_SID,
                                "mark": {"name": message["mark"]["name"]},
                            }
                        )
                    )
                    self.marks_echoed += 1
        except ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code
            self._end("robot_hangup")

    async def _send_audio(self, frame: bytes) -> None:
        self._chunk += 1
        await self.ws.send(
            json.dumps(
                {
                    "event": "media",
                    "sequenceNumber": str(self._chunk + 1),
                    "media": {
                        "track": "inbound",
                        "chunk": str(self._chunk),
                        "timestamp": str(self._chunk * 20),
                        "payload": base64.b64encode(g711.encode(frame, "PCMU")).decode(),
                    },
                    "streamSid": self.STREAM_SID,
                }
            )
        )

    async def send_dtmf(self, digits: str) -> None:
        for digit in digits:
            await self.ws.send(
                json.dumps(
                    {
                        "event": "dtmf",
                        "streamSid": self.STREAM_SID,
                        "sequenceNumber": "5",
                        "dtmf": {"track": "inbound_track", "digit": digit},
                    }
                )
            )

    async def hangup(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(
                json.dumps(
                    {
                        "event": "stop",
                        "sequenceNumber": "99",
                        "streamSid": self.STREAM_SID,
                        "stop": {"accountSid": "AC123", "callSid": self.CALL_SID},
                    }
                )
            )
        await self.close()
        self._end("caller_hangup")

    async def close(self) -> None:
        await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader, 5)


class AsteriskAudioSocketCaller(_ClientLeg):
    """What Asterisk's `AudioSocket(uuid,host:port)` does: the UUID frame, then 8 kHz
    signed-linear audio frames (0x10), DTMF frames (0x03) and a hangup frame (0x00)."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, call: uuid.UUID
    ) -> None:
        super().__init__(CallInfo(str(call), "outbound", "asterisk", "robot", "audiosocket"))
        self.reader, self.writer = reader, writer
        self.hangup_frames = 0
        self._task: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, port: int, call: uuid.UUID) -> AsteriskAudioSocketCaller:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        caller = cls(reader, writer, call)
        caller._frame(0x01, call.bytes)
        caller._task = asyncio.get_running_loop().create_task(caller._read())
        caller._start_line()
        return caller

    def _frame(self, kind: int, payload: bytes = b"") -> None:
        self.writer.write(struct.pack(">BH", kind, len(payload)) + payload)

    async def _read(self) -> None:
        try:
            while True:
                kind, length = struct.unpack(">BH", await self.reader.readexactly(3))
                payload = await self.reader.readexactly(length)
                if kind == 0x10:
                    self._heard(payload)
                elif kind == 0x00:
                    self.hangup_frames += 1
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._end("robot_hangup")

    async def _send_audio(self, frame: bytes) -> None:
        self._frame(0x10, frame)
        await self.writer.drain()

    async def send_dtmf(self, digits: str) -> None:
        for digit in digits:
            self._frame(0x03, digit.encode())
        await self.writer.drain()

    async def hangup(self) -> None:
        with contextlib.suppress(ConnectionError):
            self._frame(0x00)
            await self.writer.drain()
        await self.close()
        self._end("caller_hangup")

    async def close(self) -> None:
        self.writer.close()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 5)


__all__ = ["AsteriskAudioSocketCaller", "TwilioStreamCaller"]
