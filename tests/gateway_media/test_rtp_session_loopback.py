"""Two real RtpSessions (and raw UDP peers) talking over loopback on the shared clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from media_gateway.call_leg import InboundFrame
from media_gateway.rtp import g711
from media_gateway.rtp.clock import shared_clock
from media_gateway.rtp.dtmf import DtmfError
from media_gateway.rtp.packet import build_packet, parse_packet
from media_gateway.rtp.session import LATCH_PACKETS, RtpSession
from tests.gateway_media.gateway_media_helpers import (
    TickWaiter,
    UdpPeer,
    digits,
    dominant_frequency,
    loud_audio,
    rms,
    tone,
)


@pytest.fixture
async def pair() -> AsyncIterator[tuple[RtpSession, RtpSession]]:
    a = await RtpSession.open()
    b = await RtpSession.open()
    a.configure(("127.0.0.1", b.local_port), codec="PCMU", payload_type=0)
    b.configure(("127.0.0.1", a.local_port), codec="PCMU", payload_type=0)
    yield a, b
    await a.close()
    await b.close()


async def test_ports_are_even_and_distinct() -> None:
    sessions = [await RtpSession.open() for _ in range(4)]
    try:
        ports = {s.local_port for s in sessions}
        assert len(ports) == 4 and all(p % 2 == 0 for p in ports)
    finally:
        for s in sessions:
            await s.close()


@pytest.mark.parametrize(("codec", "pt"), [("PCMU", 0), ("PCMA", 8)])
async def test_tones_cross_in_both_directions(codec: g711.Codec, pt: int) -> None:
    a = await RtpSession.open()
    b = await RtpSession.open()
    try:
        a.configure(("127.0.0.1", b.local_port), codec=codec, payload_type=pt)
        b.configure(("127.0.0.1", a.local_port), codec=codec, payload_type=pt)
        a.play(tone(440, 0.6))
        b.play(tone(1000, 0.6))
        heard_by_b, heard_by_a = await asyncio.gather(loud_audio(b, 20), loud_audio(a, 20))
        assert dominant_frequency(heard_by_b) == pytest.approx(440, abs=15)
        assert dominant_frequency(heard_by_a) == pytest.approx(1000, abs=15)
        assert b.stats().packets_lost == 0
    finally:
        await a.close()
        await b.close()


async def test_frames_are_20ms_with_advancing_media_time(
    pair: tuple[RtpSession, RtpSession],
) -> None:
    _, b = pair
    frames: list[InboundFrame] = []
    async with asyncio.timeout(5):
        async for event in b.events():
            assert isinstance(event, InboundFrame)
            frames.append(event)
            if len(frames) == 5:
                break
    assert all(len(f.pcm) == 320 for f in frames)
    assert [f.timestamp_ms for f in frames] == [frames[0].timestamp_ms + 20 * i for i in range(5)]


async def test_playback_completes_and_reports_its_length(
    pair: tuple[RtpSession, RtpSession],
) -> None:
    a, _ = pair
    first = a.play(tone(500, 0.1))
    second = a.play(tone(600, 0.2))
    async with asyncio.timeout(5):
        r1, r2 = await first.wait(), await second.wait()
    assert (r1.completed, r1.played_ms) == (True, 100)
    assert (r2.completed, r2.played_ms) == (True, 200)


async def test_cancel_stops_the_prompt_midway(pair: tuple[RtpSession, RtpSession]) -> None:
    a, b = pair
    playback = a.play(tone(700, 30.0))  # far longer than any stall of a loaded machine
    await loud_audio(b, 5)  # the far end is hearing it
    playback.cancel()
    result = await asyncio.wait_for(playback.wait(), 5)
    assert not result.completed
    assert 100 <= result.played_ms < 30_000


async def test_dtmf_one_digit_per_press_and_no_audio_loss(
    pair: tuple[RtpSession, RtpSession],
) -> None:
    a, b = pair
    sending = asyncio.create_task(a.send_dtmf("159#"))
    assert await digits(b, 4) == ["1", "5", "9", "#"]
    await asyncio.wait_for(sending, 5)
    await TickWaiter(shared_clock()).ticks(5)
    stats = b.stats()
    assert stats.dtmf_received == 4
    assert stats.packets_lost == 0


async def test_dtmf_goes_the_other_way_too(pair: tuple[RtpSession, RtpSession]) -> None:
    a, b = pair
    sending = asyncio.create_task(b.send_dtmf("0*"))
    assert await digits(a, 2) == ["0", "*"]
    await asyncio.wait_for(sending, 5)


async def test_dtmf_needs_a_negotiated_payload_type() -> None:
    session = await RtpSession.open()
    try:
        session.configure(("127.0.0.1", 9), codec="PCMU", payload_type=0, dtmf_payload_type=None)
        with pytest.raises(DtmfError):
            await session.send_dtmf("1")
        with pytest.raises(DtmfError):
            await session.send_dtmf("Z")
    finally:
        await session.close()


async def test_hold_stops_sending_and_resume_restarts(
    pair: tuple[RtpSession, RtpSession],
) -> None:
    a, _ = pair
    waiter = TickWaiter(shared_clock())
    await waiter.ticks(2)
    a.set_hold(True)
    await waiter.ticks(1)
    held = a.stats().packets_sent
    await waiter.ticks(5)
    assert a.stats().packets_sent == held
    a.set_hold(False)
    await waiter.ticks(5)
    assert a.stats().packets_sent >= held + 4
    assert a.packets_sent == a.stats().packets_sent  # the cheap read agrees


async def test_symmetric_rtp_latches_to_the_real_source() -> None:
    session = await RtpSession.open()
    advertised = await UdpPeer.open()  # what the SDP said (never sends: NAT)
    actual = await UdpPeer.open()  # where media really comes from
    third = await UdpPeer.open()
    try:
        session.configure(("127.0.0.1", advertised.port), codec="PCMU", payload_type=0)
        data, _ = await advertised.next_datagram()
        assert parse_packet(data).payload_type == 0
        for seq in range(1, LATCH_PACKETS + 1):  # a run of one stream proves it (NAT)
            actual.send(build_packet(0, seq, seq * 160, 77, b"\xff" * 160), session.local_port)
        data, source = await actual.next_datagram()
        assert source == ("127.0.0.1", session.local_port)
        assert session.remote == ("127.0.0.1", actual.port)
        # Once latched, a third address is foreign and ignored.
        before = session.stats()
        third.send(build_packet(0, 20, 3200, 78, b"\xff" * 160), session.local_port)
        await TickWaiter(shared_clock()).ticks(3)
        assert session.stats().packets_ignored == before.packets_ignored + 1
        assert session.stats().packets_foreign == before.packets_foreign + 1
        assert session.remote == ("127.0.0.1", actual.port)
    finally:
        await session.close()
        advertised.close()
        actual.close()
        third.close()


async def test_without_symmetric_rtp_only_the_sdp_address_is_heard() -> None:
    session = await RtpSession.open(symmetric=False)
    advertised = await UdpPeer.open()
    stranger = await UdpPeer.open()
    try:
        session.configure(("127.0.0.1", advertised.port), codec="PCMU", payload_type=0)
        stranger.send(build_packet(0, 1, 160, 5, b"\x00" * 160), session.local_port)
        await TickWaiter(shared_clock()).ticks(3)
        assert session.stats().packets_ignored == 1
        assert session.stats().packets_received == 0
        assert session.remote == ("127.0.0.1", advertised.port)
    finally:
        await session.close()
        advertised.close()
        stranger.close()


async def test_garbage_and_foreign_packets_are_ignored_and_audio_continues(
    pair: tuple[RtpSession, RtpSession],
) -> None:
    a, b = pair
    junk = await UdpPeer.open()
    try:
        for datagram in [
            b"hello",
            bytes.fromhex("80c80006deadbeef00000000"),  # RTCP sender report
            build_packet(18, 1, 1, 1, b"\x00" * 20),  # G.729: not negotiated
            build_packet(0, 1, 1, 1, b""),  # empty audio
            build_packet(0, 1, 1, 1, b"\x00" * 5000),  # absurdly large
        ]:
            junk.send(datagram, b.local_port)
        a.play(tone(880, 0.5))
        heard = await loud_audio(b, 10)
        assert dominant_frequency(heard) == pytest.approx(880, abs=15)
        assert b.stats().packets_ignored >= 5
    finally:
        junk.close()


async def test_reconfigure_switches_codec_mid_call(pair: tuple[RtpSession, RtpSession]) -> None:
    a, b = pair
    a.configure(("127.0.0.1", b.local_port), codec="PCMA", payload_type=8)
    b.configure(("127.0.0.1", a.local_port), codec="PCMA", payload_type=8)
    a.play(tone(1200, 0.6))
    heard = await loud_audio(b, 15)
    assert dominant_frequency(heard) == pytest.approx(1200, abs=15)


async def test_comfort_noise_between_talkspurts_is_silence_not_loss() -> None:
    session = await RtpSession.open()
    peer = await UdpPeer.open()
    try:
        session.configure(("127.0.0.1", peer.port), codec="PCMU", payload_type=0)
        loud = g711.encode(tone(440, 0.02), "PCMU")
        packets = [build_packet(0, seq, seq * 160, 9, loud) for seq in range(1, 5)]
        packets += [build_packet(13, 5, 800, 9, b"\x40")]  # RFC 3389: -64 dBov
        packets += [build_packet(0, seq, seq * 160, 9, loud) for seq in range(6, 10)]
        for packet in packets:
            peer.send(packet, session.local_port)
        frames = []
        async with asyncio.timeout(5):
            async for event in session.events():
                if isinstance(event, InboundFrame):
                    frames.append(event.pcm)
                if len(frames) == 9:
                    break
        assert [rms(f) > 1000 for f in frames] == [True] * 4 + [False] + [True] * 4
        stats = session.stats()
        assert (stats.packets_received, stats.packets_lost, stats.packets_ignored) == (9, 0, 0)
        assert stats.packets_discarded == 0
    finally:
        await session.close()
        peer.close()


async def test_idle_time_tracks_the_last_valid_packet() -> None:
    session = await RtpSession.open()
    peer = await UdpPeer.open()
    try:
        session.configure(("127.0.0.1", peer.port), codec="PCMU", payload_type=0)
        assert session.stats().idle_ms is None
        peer.send(build_packet(0, 1, 160, 5, b"\xff" * 160), session.local_port)
        waiter = TickWaiter(shared_clock())
        await waiter.ticks(2)
        first = session.stats().idle_ms
        assert first is not None
        await waiter.ticks(5)
        later = session.stats().idle_ms
        assert later is not None and later > first
    finally:
        await session.close()
        peer.close()


async def test_a_host_name_in_the_sdp_is_resolved_once() -> None:
    session = await RtpSession.open()
    try:
        session.configure(("localhost", 40000), codec="PCMU", payload_type=0)
        assert session.remote is not None and session.remote[0] in ("127.0.0.1", "::1")
    finally:
        await session.close()


async def test_unconfigured_session_ignores_media() -> None:
    session = await RtpSession.open()
    peer = await UdpPeer.open()
    try:
        peer.send(build_packet(0, 1, 160, 5, b"\x00" * 160), session.local_port)
        await TickWaiter(shared_clock()).ticks(3)
        assert session.stats().packets_ignored == 1
        with pytest.raises(ValueError):
            session.configure(("127.0.0.1", peer.port), codec="G722", payload_type=9)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            session.configure(("127.0.0.1", peer.port), codec="PCMU", payload_type=300)
    finally:
        await session.close()
        peer.close()


async def test_close_ends_events_and_unfinished_playback() -> None:
    session = await RtpSession.open()
    session.configure(("127.0.0.1", 9), codec="PCMU", payload_type=0)
    playback = session.play(tone(300, 5))
    seen = []

    async def read() -> None:
        async for event in session.events():
            seen.append(event)

    reader = asyncio.create_task(read())
    await session.close()
    await asyncio.wait_for(reader, 5)
    result = await asyncio.wait_for(playback.wait(), 5)
    assert not result.completed
    assert shared_clock().client_count == 0
    assert session.play(b"\x00\x00").done
