"""The load generator's RTP: every call's media in one loop per 20 ms tick.

A load generator shares the machine's cores with the robot it measures, so it must cost
far less than the robot: one loop sends a pre-encoded packet to every call (header packed
into a reused buffer) and drains every call's socket once, counting arrivals and sequence
gaps (RFC 3550 A.3 loss). No socket is registered with the event loop.

`LeanMedia` streams a fixed frame; a subclass chooses each tick's payload
(`next_payload`) and looks at what arrived (`on_payload`), e.g. to speak lines and take
turns like a caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import AsyncIterator, Callable
from typing import Any

from media_gateway.rtp import g711

_RTP_HEADER = struct.Struct("!BBHII")
TICK_S = 0.020


class LeanMedia:
    """The load generator's end of one call's RTP: the `RtpMedia` a `SipCallLeg` needs,
    without playback or a jitter buffer. `LeanMediaLoop` sends and receives for it."""

    def __init__(self, owner: LeanMediaLoop, sock: socket.socket, ssrc: int) -> None:
        self._owner = owner
        self._sock = sock
        self.local_port: int = sock.getsockname()[1]
        self.remote: tuple[str, int] | None = None
        self._packet = bytearray(_RTP_HEADER.size + 160)
        self._payload_type = 0
        self._codec: Any = "PCMU"
        self._ssrc = ssrc
        self._seq = 0
        self._timestamp = 0
        self._hold = False
        self._closed = asyncio.Event()
        # what arrived: RFC 3550 A.3 (extended sequence numbers, expected minus received)
        self.received = 0
        self.reordered = 0
        self._base: int | None = None
        self._highest = 0

    def configure(
        self,
        remote: tuple[str, int],
        *,
        codec: Any,
        payload_type: int,
        dtmf_payload_type: int | None = 101,  # noqa: ARG002 (the RTP session's call; no DTMF)
    ) -> None:
        self.remote = (str(remote[0]), int(remote[1]))
        self._payload_type = payload_type
        self._codec = codec
        self._packet[_RTP_HEADER.size :] = g711.encode(self._owner.frame_pcm, codec)

    def set_hold(self, on_hold: bool) -> None:
        self._hold = on_hold

    def set_event_sink(self, sink: Callable[[Any], None] | None) -> None:
        """Frames are counted, not decoded and delivered: nothing reaches the sink."""

    async def events(self) -> AsyncIterator[Any]:
        await self._closed.wait()
        return
        yield  # an async generator that only ends

    def play(self, pcm: bytes) -> Any:
        raise NotImplementedError("the lean load generator streams its own audio")

    async def send_dtmf(self, digits: str) -> None:
        raise NotImplementedError("the lean load generator sends no DTMF")

    @property
    def lost(self) -> int:
        if self._base is None:
            return 0
        return max(0, self._highest - self._base + 1 - self.received)

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def stats(self) -> Any:
        return self

    async def close(self) -> None:
        if not self._closed.is_set():
            self._closed.set()
            self._owner.media.pop(self.local_port, None)
            self._sock.close()

    # -- hooks for subclasses --------------------------------------------------------

    def next_payload(self) -> bytes | None:
        """This tick's G.711 payload (160 bytes); None sends the configured frame again."""
        return None

    def on_payload(self, payload: bytes) -> None:
        """A packet of the expected payload type arrived (its payload, header stripped)."""

    # -- driven by the loop ------------------------------------------------------------

    def send(self) -> None:
        remote = self.remote
        if remote is None or self._hold:
            return
        self._seq = (self._seq + 1) & 0xFFFF
        self._timestamp = (self._timestamp + 160) & 0xFFFFFFFF
        packet = self._packet
        payload = self.next_payload()
        if payload is not None:
            packet[_RTP_HEADER.size :] = payload
        _RTP_HEADER.pack_into(
            packet, 0, 0x80, self._payload_type, self._seq, self._timestamp, self._ssrc
        )
        # A full buffer loses this packet, and the robot's jitter buffer counts it.
        with contextlib.suppress(OSError):
            self._sock.sendto(packet, remote)

    def drain(self) -> None:
        recv = self._sock.recv
        for _ in range(64):
            try:
                data = recv(2048)
            except BlockingIOError:
                return
            except OSError:
                continue
            if len(data) < 12 or data[0] != 0x80 or data[1] & 0x7F != self._payload_type:
                continue
            sequence = data[2] << 8 | data[3]
            self.received += 1
            self.on_payload(data[12:])
            if self._base is None:
                self._base = self._highest = sequence
                continue
            delta = ((sequence - self._highest + 0x8000) & 0xFFFF) - 0x8000
            if delta > 0:
                self._highest += delta
            else:
                self.reordered += 1


class LeanMediaLoop:
    """Every call's media on the load generator, in one loop per 20 ms tick: send to every
    call, then drain every socket (none is registered with the event loop). `now` is the
    loop time of the current tick."""

    def __init__(
        self, frame_pcm: bytes, media_class: Callable[..., LeanMedia] = LeanMedia
    ) -> None:
        self.frame_pcm = frame_pcm
        self.media_class = media_class
        self.media: dict[int, LeanMedia] = {}
        self.now = 0.0
        self._task: asyncio.Task[None] | None = None

    async def open(self, host: str) -> LeanMedia:
        """The `rtp_factory` of the generator's SipUserAgent."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((host, 0))
        sock.setblocking(False)
        media = self.media_class(self, sock, ssrc=len(self.media) + 1)
        self.media[media.local_port] = media
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())
        return media

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_tick = loop.time() + TICK_S
        while True:
            await asyncio.sleep(max(0.0, next_tick - loop.time()))
            behind = int((loop.time() - next_tick) / TICK_S)
            if behind > 5:  # stalled: skip ahead rather than burst, as the media clock does
                next_tick += behind * TICK_S
            self.now = loop.time()
            media = list(self.media.values())
            for one in media:
                one.send()
            for one in media:
                one.drain()
            next_tick += TICK_S
