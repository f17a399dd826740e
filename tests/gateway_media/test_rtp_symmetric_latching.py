"""Symmetric RTP prefers the SDP address. A stranger that sends first never receives the
call's audio; a NAT'd peer that never sends from its SDP address is latched to once it has
sent `LATCH_PACKETS` packets in a row of one stream; and no third address is ever latched
to mid-call."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from media_gateway.rtp.clock import shared_clock
from media_gateway.rtp.packet import build_packet, parse_packet
from media_gateway.rtp.session import LATCH_PACKETS, RtpSession
from tests.gateway_media.gateway_media_helpers import TickWaiter, UdpPeer

AUDIO = b"\xff" * 160


@pytest.fixture
async def peers() -> AsyncIterator[tuple[RtpSession, UdpPeer, UdpPeer, UdpPeer]]:
    session = await RtpSession.open()
    sdp, stranger, third = await UdpPeer.open(), await UdpPeer.open(), await UdpPeer.open()
    session.configure(("127.0.0.1", sdp.port), codec="PCMU", payload_type=0)
    yield session, sdp, stranger, third
    await session.close()
    for peer in (sdp, stranger, third):
        peer.close()


async def wait_ticks(n: int) -> None:
    await TickWaiter(shared_clock()).ticks(n)


def stream(peer: UdpPeer, session: RtpSession, count: int, *, ssrc: int = 7, first: int = 1,
           step: int = 1) -> None:
    for n in range(count):
        seq = (first + n * step) & 0xFFFF
        peer.send(build_packet(0, seq, seq * 160, ssrc, AUDIO), session.local_port)


def drain(peer: UdpPeer) -> int:
    """RTP packets the peer got from the session so far."""
    got = 0
    while not peer.received.empty():
        data, _ = peer.received.get_nowait()
        got += parse_packet(data).payload_type == 0
    return got


async def test_a_stranger_that_sends_first_never_gets_the_robots_audio(
    peers: tuple[RtpSession, UdpPeer, UdpPeer, UdpPeer],
) -> None:
    session, sdp, stranger, _ = peers
    stranger.send(build_packet(0, 500, 80_000, 0xBAD, AUDIO), session.local_port)
    await wait_ticks(5)
    assert session.remote == ("127.0.0.1", sdp.port)
    assert drain(stranger) == 0 and drain(sdp) >= 3  # our media still goes to the SDP
    stats = session.stats()
    assert (stats.packets_received, stats.packets_foreign) == (0, 1)
    # a stranger spraying packets that are not one stream (random SSRC and sequence)
    for n in range(3 * LATCH_PACKETS):
        stranger.send(build_packet(0, (n * 7919) & 0xFFFF, n, n, AUDIO), session.local_port)
    await wait_ticks(5)
    assert session.remote == ("127.0.0.1", sdp.port) and drain(stranger) == 0
    # the real peer speaks from the SDP address: it is heard, the stranger never is
    stream(sdp, session, 3)
    stream(stranger, session, 2 * LATCH_PACKETS, ssrc=0xBAD, first=600)
    await wait_ticks(5)
    assert session.stats().packets_received == 3
    assert session.remote == ("127.0.0.1", sdp.port) and drain(stranger) == 0


async def test_a_nated_peer_is_latched_to_after_a_run_of_its_stream(
    peers: tuple[RtpSession, UdpPeer, UdpPeer, UdpPeer],
) -> None:
    session, sdp, nat, third = peers
    stream(nat, session, LATCH_PACKETS - 1, first=65530)  # the sequence wraps: still a run
    await wait_ticks(3)
    assert session.remote == ("127.0.0.1", sdp.port) and drain(nat) == 0
    stream(nat, session, 1, first=(65530 + LATCH_PACKETS - 1) & 0xFFFF)
    await wait_ticks(3)
    assert session.remote == ("127.0.0.1", nat.port)
    data, source = await nat.next_datagram()
    assert source == ("127.0.0.1", session.local_port) and parse_packet(data).payload_type == 0
    # once latched, a third address is foreign for good, whatever it sends
    stream(third, session, 3 * LATCH_PACKETS, ssrc=8)
    await wait_ticks(5)
    assert session.remote == ("127.0.0.1", nat.port)
    assert drain(third) == 0 and session.stats().packets_foreign >= 3 * LATCH_PACKETS


async def test_two_sources_at_once_latch_to_neither(
    peers: tuple[RtpSession, UdpPeer, UdpPeer, UdpPeer],
) -> None:
    session, sdp, nat, stranger = peers
    for n in range(3 * LATCH_PACKETS):
        nat.send(build_packet(0, n, n * 160, 7, AUDIO), session.local_port)
        stranger.send(build_packet(0, 1000 + n, n * 160, 9, AUDIO), session.local_port)
    await wait_ticks(5)
    assert session.remote == ("127.0.0.1", sdp.port)
    assert drain(nat) == 0 and drain(stranger) == 0


async def test_the_sdp_address_takes_the_media_back_and_nothing_else_is_latched(
    peers: tuple[RtpSession, UdpPeer, UdpPeer, UdpPeer],
) -> None:
    session, sdp, nat, third = peers
    stream(nat, session, LATCH_PACKETS)
    await wait_ticks(3)
    assert session.remote == ("127.0.0.1", nat.port)
    stream(sdp, session, 1, ssrc=0x600D)
    await wait_ticks(3)
    assert session.remote == ("127.0.0.1", sdp.port)
    while True:  # our media goes to the SDP address again
        data, _ = await sdp.next_datagram()
        if parse_packet(data).payload_type == 0:
            break
    stream(nat, session, 2 * LATCH_PACKETS, first=100)
    stream(third, session, 2 * LATCH_PACKETS, first=200, ssrc=9)
    await wait_ticks(5)
    assert session.remote == ("127.0.0.1", sdp.port)


async def test_a_new_sdp_address_forgets_what_was_learnt(
    peers: tuple[RtpSession, UdpPeer, UdpPeer, UdpPeer],
) -> None:
    session, sdp, nat, third = peers
    stream(sdp, session, 1)
    await wait_ticks(3)
    # A re-INVITE moves the media to `third`, which sits behind NAT (media from `nat`).
    session.configure(("127.0.0.1", third.port), codec="PCMU", payload_type=0)
    stream(nat, session, LATCH_PACKETS, first=2)
    await wait_ticks(3)
    assert session.stats().packets_received == 2
    assert session.remote == ("127.0.0.1", nat.port)
