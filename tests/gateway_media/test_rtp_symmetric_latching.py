"""Symmetric RTP prefers the SDP address: a stranger that sends first cannot take the
call's media, and a NAT'd peer that never sends from its SDP address is still heard."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from gateway_media_helpers import TickWaiter, UdpPeer

from media_gateway.rtp.clock import shared_clock
from media_gateway.rtp.packet import build_packet, parse_packet
from media_gateway.rtp.session import RtpSession

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


async def test_the_sdp_address_is_heard_after_a_stranger_latched_and_takes_the_media_back(
    peers: tuple[RtpSession, UdpPeer, UdpPeer, UdpPeer],
) -> None:
    session, sdp, stranger, _ = peers
    stranger.send(build_packet(0, 500, 80_000, 0xBAD, AUDIO), session.local_port)
    await wait_ticks(3)
    assert session.remote == ("127.0.0.1", stranger.port)  # nothing from the SDP yet: NAT?
    sdp.send(build_packet(0, 1, 160, 0x600D, AUDIO), session.local_port)
    await wait_ticks(3)
    stats = session.stats()
    assert stats.packets_received == 2
    assert session.remote == ("127.0.0.1", sdp.port)
    # Our media goes to the SDP address again.
    while True:
        data, _ = await sdp.next_datagram()
        if parse_packet(data).payload_type == 0:
            break
    # The stranger is now foreign: ignored and counted.
    stranger.send(build_packet(0, 501, 80_160, 0xBAD, AUDIO), session.local_port)
    await wait_ticks(3)
    stats = session.stats()
    assert (stats.packets_received, stats.packets_foreign) == (2, 1)
    assert session.remote == ("127.0.0.1", sdp.port)


async def test_once_the_sdp_address_was_heard_no_other_source_is_latched(
    peers: tuple[RtpSession, UdpPeer, UdpPeer, UdpPeer],
) -> None:
    session, sdp, stranger, third = peers
    sdp.send(build_packet(0, 1, 160, 7, AUDIO), session.local_port)
    await wait_ticks(3)
    for seq, peer in enumerate((stranger, third, stranger), start=2):
        peer.send(build_packet(0, seq, seq * 160, 7, AUDIO), session.local_port)
    await wait_ticks(3)
    stats = session.stats()
    assert (stats.packets_received, stats.packets_foreign, stats.packets_ignored) == (1, 3, 3)
    assert session.remote == ("127.0.0.1", sdp.port)


async def test_a_latched_source_keeps_the_media_against_a_third_address(
    peers: tuple[RtpSession, UdpPeer, UdpPeer, UdpPeer],
) -> None:
    session, _, stranger, third = peers
    stranger.send(build_packet(0, 1, 160, 7, AUDIO), session.local_port)
    await wait_ticks(3)
    third.send(build_packet(0, 2, 320, 8, AUDIO), session.local_port)
    stranger.send(build_packet(0, 2, 320, 7, AUDIO), session.local_port)
    await wait_ticks(3)
    stats = session.stats()
    assert (stats.packets_received, stats.packets_foreign) == (2, 1)
    assert session.remote == ("127.0.0.1", stranger.port)


async def test_a_new_sdp_address_forgets_what_was_learnt(
    peers: tuple[RtpSession, UdpPeer, UdpPeer, UdpPeer],
) -> None:
    session, sdp, stranger, third = peers
    sdp.send(build_packet(0, 1, 160, 7, AUDIO), session.local_port)
    await wait_ticks(3)
    # A re-INVITE moves the media to `third`, which sits behind NAT (media from stranger).
    session.configure(("127.0.0.1", third.port), codec="PCMU", payload_type=0)
    stranger.send(build_packet(0, 2, 320, 7, AUDIO), session.local_port)
    await wait_ticks(3)
    assert session.stats().packets_received == 2
    assert session.remote == ("127.0.0.1", stranger.port)
