"""10,000 mutated and random datagrams into a live RtpSession: nothing escapes, and the
session still carries a call afterwards."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from media_gateway.rtp.dtmf import TelephoneEvent
from media_gateway.rtp.packet import build_packet
from media_gateway.rtp.session import MAX_PENDING_EVENTS, RtpSession
from tests.gateway_media.gateway_media_helpers import dominant_frequency, loud_audio, tone

PEER = ("127.0.0.1", 40000)


@st.composite
def datagrams(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["random", "audio", "dtmf", "mutated"]))
    if kind == "random":
        return draw(st.binary(max_size=300))
    pt = draw(st.sampled_from([0, 8, 101, 13, draw(st.integers(0, 127))]))
    payload = (
        TelephoneEvent(
            draw(st.integers(0, 255)),
            draw(st.booleans()),
            draw(st.integers(0, 63)),
            draw(st.integers(0, 0xFFFF)),
        ).serialize()
        if kind == "dtmf" or pt == 101
        else draw(st.binary(max_size=400))
    )
    packet = build_packet(
        pt,
        draw(st.integers(0, 0xFFFF)),
        draw(st.integers(0, 0xFFFFFFFF)),
        draw(st.sampled_from([1, 2, draw(st.integers(0, 0xFFFFFFFF))])),
        payload,
        marker=draw(st.booleans()),
    )
    if kind != "mutated":
        return packet
    data = bytearray(packet)
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        data[i] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(data)))
    return bytes(data[:cut]) + draw(st.binary(max_size=20))


@pytest.mark.slow
def test_fuzzed_datagrams_never_escape_and_the_session_keeps_working() -> None:
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_fuzz_then_call())
    finally:
        loop.close()


async def _fuzz_then_call() -> None:
    victim = await RtpSession.open()
    victim.configure(PEER, codec="PCMU", payload_type=0, dtmf_payload_type=101)
    tick = [0.0]

    @settings(
        max_examples=10_000,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(datagrams())
    def feed(data: bytes) -> None:
        victim._datagram_received(data, PEER)  # the entry point of every UDP datagram
        tick[0] += 0.02
        victim.on_tick(tick[0])  # drive sending and playout as the clock would
        victim.after_tick()

    feed()
    stats = victim.stats()
    assert stats.packets_received + stats.packets_ignored == 10_000
    assert len(victim._events) <= MAX_PENDING_EVENTS + stats.dtmf_received
    # The session still carries a real call.
    partner = await RtpSession.open()
    try:
        victim.configure(("127.0.0.1", partner.local_port), codec="PCMU", payload_type=0)
        partner.configure(("127.0.0.1", victim.local_port), codec="PCMU", payload_type=0)
        partner.play(tone(660, 0.6))
        victim.play(tone(990, 0.6))
        heard_by_victim, heard_by_partner = await asyncio.gather(
            loud_audio(victim, 10), loud_audio(partner, 10)
        )
        assert dominant_frequency(heard_by_victim) == pytest.approx(660, abs=15)
        assert dominant_frequency(heard_by_partner) == pytest.approx(990, abs=15)
    finally:
        await victim.close()
        await partner.close()
