"""Two RtpSessions through a UDP relay that drops and reorders packets deterministically
(by sequence number), as a bad network would."""

from __future__ import annotations

import asyncio
import struct
from typing import cast

import pytest

from media_gateway.call_leg import InboundFrame
from media_gateway.rtp.session import RtpSession
from tests.gateway_media.gateway_media_helpers import TIMEOUT_S, dominant_frequency, tone


class LossyRelay(asyncio.DatagramProtocol):
    """Forwards a→b with every packet whose seq ends in 5 dropped and the ones ending in
    7 and 8 swapped; b→a untouched."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.a: tuple[str, int] | None = None
        self.b: tuple[str, int] | None = None
        self.dropped: list[int] = []
        self.forwarded = 0
        self._held: bytes | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    @property
    def port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        assert self.transport is not None and self.a is not None and self.b is not None
        if addr == self.b:
            self.transport.sendto(data, self.a)
            return
        (seq,) = struct.unpack_from("!H", data, 2)
        if seq % 10 == 5:
            self.dropped.append(seq)
        elif seq % 10 == 7:
            self._held = data
        else:
            self.transport.sendto(data, self.b)
            self.forwarded += 1
            if seq % 10 == 8 and self._held is not None:
                self.transport.sendto(self._held, self.b)
                self._held = None
                self.forwarded += 1


async def test_loss_is_counted_reordering_is_repaired_and_audio_survives() -> None:
    loop = asyncio.get_running_loop()
    relay = LossyRelay()
    await loop.create_datagram_endpoint(lambda: relay, local_addr=("127.0.0.1", 0))
    a = await RtpSession.open()
    b = await RtpSession.open()
    try:
        relay.a, relay.b = ("127.0.0.1", a.local_port), ("127.0.0.1", b.local_port)
        a.configure(("127.0.0.1", relay.port), codec="PCMU", payload_type=0)
        b.configure(("127.0.0.1", relay.port), codec="PCMU", payload_type=0)
        a.play(tone(440, 2.0))
        frames: list[bytes] = []
        async with asyncio.timeout(TIMEOUT_S):
            async for event in b.events():
                if isinstance(event, InboundFrame):
                    frames.append(event.pcm)
                if len(frames) == 60:
                    break
        stats = b.stats()
        assert stats.packets_late == 0  # a swap of neighbours is within the buffer's depth
        assert stats.packets_duplicate == 0
        # Every drop that playout has passed is counted, and nothing else is (a drop
        # before the stream's first packet, or still ahead of playout, is not a loss yet).
        assert len(relay.dropped) - 2 <= stats.packets_lost <= len(relay.dropped)
        assert stats.packets_lost >= 5
        silent = sum(1 for f in frames if not any(f))
        assert silent == pytest.approx(stats.packets_lost, abs=1)  # each loss: one gap
        assert dominant_frequency(b"".join(frames[5:])) == pytest.approx(440, abs=15)
    finally:
        await a.close()
        await b.close()
        assert relay.transport is not None
        relay.transport.close()
