"""The receive side reads each session's socket once per clock tick (no reader per socket
on the event loop): whatever piled up between ticks still goes through the jitter buffer
in sequence order, a flood is read in bounded slices, and packets the kernel refused to
send go out later, in order."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import numpy as np
import pytest

from media_gateway.call_leg import InboundFrame
from media_gateway.rtp import g711
from media_gateway.rtp.clock import shared_clock
from media_gateway.rtp.packet import build_packet, parse_packet
from media_gateway.rtp.session import MAX_DATAGRAMS_PER_TICK, RtpSession
from tests.gateway_media.gateway_media_helpers import TIMEOUT_S, TickWaiter, UdpPeer


def level_payload(level: int) -> bytes:
    """20 ms of a constant sample value, so a decoded frame tells which packet it was."""
    return g711.encode(np.full(160, level, dtype="<i2").tobytes(), "PCMU")


def level_of(frame: bytes) -> int:
    return int(np.frombuffer(frame, "<i2")[0])


@pytest.fixture
async def session_and_peer() -> AsyncIterator[tuple[RtpSession, UdpPeer]]:
    session = await RtpSession.open()
    peer = await UdpPeer.open()
    session.configure(("127.0.0.1", peer.port), codec="PCMU", payload_type=0)
    yield session, peer
    await session.close()
    peer.close()


async def frames(session: RtpSession, count: int) -> list[bytes]:
    got: list[bytes] = []
    async with asyncio.timeout(TIMEOUT_S):
        async for event in session.events():
            if isinstance(event, InboundFrame):
                got.append(event.pcm)
                if len(got) == count:
                    break
    return got


async def test_a_burst_between_ticks_plays_in_order_with_the_loss_as_silence(
    session_and_peer: tuple[RtpSession, UdpPeer],
) -> None:
    session, peer = session_and_peer
    # Ten packets in one burst, before the next tick: 4 and 5 swapped, 7 missing.
    for seq in [1, 2, 3, 5, 4, 6, 8, 9, 10, 11]:
        peer.send(
            build_packet(0, seq, seq * 160, 42, level_payload(seq * 1000)), session.local_port
        )
    levels = [level_of(frame) for frame in await frames(session, 11)]
    assert levels[:6] == pytest.approx([1000, 2000, 3000, 4000, 5000, 6000], rel=0.05)
    assert levels[6] == 0  # seq 7 never came: silence in its place
    assert levels[7:] == pytest.approx([8000, 9000, 10000, 11000], rel=0.05)
    stats = session.stats()
    assert (stats.packets_received, stats.packets_lost, stats.packets_late) == (10, 1, 0)


async def test_a_new_ssrc_restarts_the_stream_instead_of_waiting_for_its_sequence(
    session_and_peer: tuple[RtpSession, UdpPeer],
) -> None:
    session, peer = session_and_peer
    for seq in range(1, 5):
        peer.send(build_packet(0, seq, seq * 160, 1, level_payload(2000)), session.local_port)
    assert [level_of(f) for f in await frames(session, 4)] == pytest.approx([2000] * 4, rel=0.05)
    # The peer restarts its stream (a transfer, a new SSRC and far-away sequence numbers).
    for seq in range(30_000, 30_006):
        peer.send(build_packet(0, seq, seq * 160, 2, level_payload(-7000)), session.local_port)
    heard = [level_of(f) for f in await frames(session, 40)]  # silence, then the new stream
    new_stream = [level for level in heard if level != 0]
    assert new_stream == pytest.approx([-7000] * 6, rel=0.05)
    assert session.stats().packets_lost == 0


async def test_a_flood_is_read_in_bounded_slices_per_tick(
    session_and_peer: tuple[RtpSession, UdpPeer], monkeypatch: pytest.MonkeyPatch
) -> None:
    session, peer = session_and_peer
    # What each receive pass read (a late clock runs several passes back to back).
    received_after_pass: list[int] = []
    drain = session._drain

    def counted_drain() -> None:
        drain()
        received_after_pass.append(session.stats().packets_received)

    monkeypatch.setattr(session, "_drain", counted_drain)
    count = MAX_DATAGRAMS_PER_TICK + 10
    for seq in range(count):
        peer.send(build_packet(0, seq, seq * 160, 9, b"\xff" * 160), session.local_port)
    await TickWaiter(shared_clock()).ticks(3)
    reads = [b - a for a, b in itertools.pairwise([0, *received_after_pass])]
    assert [n for n in reads if n] == [MAX_DATAGRAMS_PER_TICK, 10]


async def test_packets_the_kernel_refused_go_out_later_in_order(
    session_and_peer: tuple[RtpSession, UdpPeer],
) -> None:
    session, peer = session_and_peer
    remote = ("127.0.0.1", peer.port)
    # What the send path does on EAGAIN: hold the packet and wait for the socket.
    for seq in (60_001, 60_002):
        session._queue_out(build_packet(0, seq, 0, 5, b"\xff" * 160), remote)
    seen: list[int] = []
    async with asyncio.timeout(TIMEOUT_S):
        while len(seen) < 4:
            data, _ = await peer.next_datagram()
            seen.append(parse_packet(data).sequence)
    # The two held packets first, then the clock's own packets behind them.
    assert seen[:2] == [60_001, 60_002]
    assert 60_001 not in seen[2:] and 60_002 not in seen[2:]
    assert session.stats().packets_send_dropped == 0
    assert not session._backlog
