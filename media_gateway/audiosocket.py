"""An Asterisk AudioSocket server: each TCP connection from Asterisk becomes a CallLeg.

Asterisk (`AudioSocket(uuid,host:port)` in the dialplan, or the AudioSocket channel
driver) connects, sends the call's UUID, then streams the caller's audio as signed-linear
frames; whatever audio we write back is played to the caller. The leg runs at one rate
(`sample_rate`, 8 kHz by default): inbound audio at another rate is resampled to it, and
outbound audio goes back at the rate Asterisk is sending, one 20 ms frame per tick of the
shared media clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from media_gateway.audio import StreamResampler
from media_gateway.audiosocket_framing import (
    ASTERISK_ERRORS,
    HANGUP_FRAME,
    AudioSocketProtocolError,
    FrameParser,
    Kind,
    audio_kind,
    encode_audio,
    parse_dtmf,
    parse_uuid,
)
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
from media_gateway.playback import PlaybackQueue
from media_gateway.rtp.clock import MediaClock, shared_clock
from media_gateway.stream_leg import StreamCallLeg, TransferHandler

log = logging.getLogger(__name__)

OnCall = Callable[[CallLeg], Awaitable[None]]
# AudioSocket has no transfer; the service may redirect the channel through AMI/ARI
# (`TransferHandler`, shared with the media stream endpoint).

#: Unsent bytes allowed to pile up in the socket (about 2 s at 8 kHz) before giving up.
MAX_WRITE_BUFFER = 64 * 1024


class AudioSocketCallLeg(StreamCallLeg):
    transport_name = "AudioSocket"

    def __init__(
        self,
        call_id: str,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        sample_rate: int,
        clock: MediaClock,
        transfer_handler: TransferHandler | None,
    ) -> None:
        audio_kind(sample_rate)  # a clear error for a rate AudioSocket cannot carry
        self.sample_rate = sample_rate
        self.info = CallInfo(
            call_id=call_id, direction="inbound", caller="", callee="", transport="audiosocket"
        )
        self._reader = reader
        self._writer = writer
        self._clock = clock
        self._transfer_handler = transfer_handler
        self._frame_bytes = sample_rate * 2 * FRAME_MS // 1000
        self._events: InboundQueue[InboundEvent] = InboundQueue()
        self._player = PlaybackQueue(self._frame_bytes, sample_rate * 2 // 1000)
        self._wire_rate = TELEPHONE_RATE
        """The rate Asterisk sends at; we answer at the same rate."""
        self._inbound: StreamResampler | None = None
        self._inbound_rate = sample_rate
        self._outbound = StreamResampler(sample_rate, self._wire_rate)
        self._carry = b""
        self._media_ms = 0
        self._ended: CallEnded | None = None
        clock.register(self)

    # -- CallLeg (events, play, send_dtmf and transfer come from StreamCallLeg) ------------

    async def _end_transferred(self) -> None:
        self.end("transferred", send_hangup=True)
        await self._drain()

    async def hangup(self) -> None:
        self.end("robot_hangup", send_hangup=True)
        await self._drain()

    # -- inbound ---------------------------------------------------------------------------

    def on_audio(self, pcm: bytes, rate: int) -> None:
        if len(pcm) % 2:
            pcm = pcm[:-1]  # a torn sample would shift every later one by a byte
        if rate != self._wire_rate:
            self._wire_rate = rate
            self._outbound = StreamResampler(self.sample_rate, rate)
        if rate != self._inbound_rate or self._inbound is None:
            self._inbound_rate = rate
            self._inbound = StreamResampler(rate, self.sample_rate)
        self._carry += self._inbound.process(pcm)
        while len(self._carry) >= self._frame_bytes:
            frame = self._carry[: self._frame_bytes]
            self._carry = self._carry[self._frame_bytes :]
            self._events.put(InboundFrame(frame, self._media_ms))
            self._media_ms += FRAME_MS

    def on_dtmf(self, digit: str) -> None:
        self._events.put(InboundDtmf(digit, self._media_ms))

    # -- outbound, on the media clock ------------------------------------------------------

    def on_tick(self, scheduled: float) -> None:  # noqa: ARG002 (ClockClient's signature)
        if self._ended is not None:
            return
        frame = self._player.next_frame()
        if frame is None:
            return
        if self._writer.transport.get_write_buffer_size() > MAX_WRITE_BUFFER:
            log.warning("AudioSocket %s is not draining; ending the call", self.info.call_id)
            self.end("network_error", send_hangup=False)
            return
        wire = self._outbound.process(frame)
        if wire:
            self._writer.write(encode_audio(wire, self._wire_rate))

    def end(self, cause: str, *, send_hangup: bool) -> None:
        if self._ended is not None:
            return
        self._ended = CallEnded(cause)
        self._clock.unregister(self)
        self._player.clear()
        if send_hangup and not self._writer.is_closing():
            self._writer.write(HANGUP_FRAME)
        self._events.put(self._ended)

    async def _drain(self) -> None:
        try:
            async with asyncio.timeout(2):
                await self._writer.drain()
        except (ConnectionError, TimeoutError):
            pass
        self._writer.close()


class AudioSocketServer:
    """Listens for Asterisk; `on_call(leg)` runs for each connection that sends a UUID."""

    def __init__(
        self,
        on_call: OnCall,
        *,
        sample_rate: int = 8000,
        clock: MediaClock | None = None,
        transfer_handler: TransferHandler | None = None,
        uuid_timeout_s: float = 5.0,
    ) -> None:
        """Prefer `await AudioSocketServer.start(...)`, which also binds the port."""
        audio_kind(sample_rate)
        self._on_call = on_call
        self._sample_rate = sample_rate
        self._clock = clock
        self._transfer_handler = transfer_handler
        self._uuid_timeout_s = uuid_timeout_s
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._server: asyncio.Server | None = None
        self.host = ""
        self.port = 0

    @classmethod
    async def start(
        cls,
        on_call: OnCall,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        sample_rate: int = 8000,
        clock: MediaClock | None = None,
        transfer_handler: TransferHandler | None = None,
        uuid_timeout_s: float = 5.0,
    ) -> AudioSocketServer:
        self = cls(
            on_call,
            sample_rate=sample_rate,
            clock=clock,
            transfer_handler=transfer_handler,
            uuid_timeout_s=uuid_timeout_s,
        )
        await self.listen(host, port)
        return self

    async def listen(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = await asyncio.start_server(self._accept, host, port)
        sockname = self._server.sockets[0].getsockname()
        self.host, self.port = str(sockname[0]), int(sockname[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        # Closing each socket ends its read loop (EOF), so every call ends as a hangup
        # instead of being cancelled mid-frame.
        for writer in list(self._connections.values()):
            writer.close()
        if self._connections:
            await asyncio.wait(list(self._connections), timeout=5)
        if self._server is not None:
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        try:
            await self._serve(reader, writer)
        finally:
            self._connections.pop(task, None)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        parser = FrameParser()
        leg: AudioSocketCallLeg | None = None
        call: asyncio.Task[None] | None = None
        cause = "caller_hangup"
        try:
            while True:
                if leg is None:
                    async with asyncio.timeout(self._uuid_timeout_s):
                        data = await reader.read(65536)
                else:
                    data = await reader.read(65536)
                if not data:
                    break  # socket closed: as good as a hangup frame
                for frame in parser.feed(data):
                    if leg is None:
                        if frame.kind != Kind.UUID:
                            raise AudioSocketProtocolError(
                                f"first frame is type 0x{frame.kind:02x}, expected the UUID"
                            )
                        leg = AudioSocketCallLeg(
                            str(parse_uuid(frame.payload)),
                            reader,
                            writer,
                            sample_rate=self._sample_rate,
                            clock=self._clock or shared_clock(),
                            transfer_handler=self._transfer_handler,
                        )
                        log.info("AudioSocket call %s from %s", leg.info.call_id, peer)
                        call = asyncio.get_running_loop().create_task(self._run_call(leg))
                    elif frame.sample_rate is not None:
                        leg.on_audio(frame.payload, frame.sample_rate)
                    elif frame.kind == Kind.DTMF:
                        try:
                            leg.on_dtmf(parse_dtmf(frame.payload))
                        except AudioSocketProtocolError as exc:  # one bad frame, not a bad call
                            log.warning("AudioSocket %s: %s", leg.info.call_id, exc)
                    elif frame.kind == Kind.HANGUP:
                        raise _Hangup
                    elif frame.kind == Kind.ERROR:
                        code = frame.payload[0] if frame.payload else None
                        log.info(
                            "AudioSocket %s: error %s (%s)",
                            leg.info.call_id,
                            code,
                            ASTERISK_ERRORS.get(code or 0, "unspecified"),
                        )
                        if code != 0x01:
                            cause = "network_error"
                        raise _Hangup
                    elif frame.kind == Kind.UUID:
                        log.warning("AudioSocket %s: a second UUID ignored", leg.info.call_id)
                    else:
                        log.debug("AudioSocket: unknown frame type 0x%02x skipped", frame.kind)
        except _Hangup:
            pass
        except (AudioSocketProtocolError, TimeoutError) as exc:
            log.warning("AudioSocket connection from %s closed: %s", peer, exc or "no UUID")
            cause = "network_error"
        except ConnectionError as exc:
            log.info("AudioSocket connection from %s lost: %s", peer, exc)
            cause = "network_error"
        finally:
            if leg is not None:
                leg.end(cause, send_hangup=False)
            if call is not None:
                await asyncio.gather(call, return_exceptions=True)

    async def _run_call(self, leg: AudioSocketCallLeg) -> None:
        try:
            await self._on_call(leg)
        except Exception:
            log.exception("call handler failed for AudioSocket call %s", leg.info.call_id)
            await leg.hangup()


class _Hangup(Exception):
    pass
