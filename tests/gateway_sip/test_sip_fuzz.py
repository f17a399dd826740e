"""Fuzzing: 10,000 mutated and random SIP messages and SDP bodies. Parsers raise only
their own precise errors, and a live user agent flooded with them keeps serving calls."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from media_gateway.call_leg import CallEnded, InboundFrame
from media_gateway.sdp import SdpError, negotiate, parse_sdp
from media_gateway.sip import CallFailed, SipConfig, SipUserAgent
from media_gateway.sip.address import NameAddr, SipUri, Via
from media_gateway.sip.auth import parse_challenge
from media_gateway.sip.info_dtmf import parse_info_dtmf
from media_gateway.sip.message import SipParseError, StreamFramer, parse_message
from tests.gateway_sip.sip_audio import dominant_frequency, tone
from tests.gateway_sip.sip_audio import rms as rms_of
from tests.gateway_sip.sip_captured import BARESIP_INVITE
from tests.gateway_sip.sip_mutations import TEMPLATES, fuzz_messages, mutate

SDP = BARESIP_INVITE.split(b"\r\n\r\n", 1)[1]
FUZZ = settings(max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))


def _exercise(data: bytes) -> None:
    """Everything a received message goes through before it reaches a call."""
    try:
        message = parse_message(data)
    except SipParseError:
        return
    message.to_bytes()
    for name in ("from", "to", "contact", "refer-to"):
        value = message.headers.get(name)
        if value is not None:
            try:
                NameAddr.parse(value)
                SipUri.parse(NameAddr.parse(value).uri)
            except SipParseError:
                pass
    for via in message.headers.get_all("via"):
        with contextlib.suppress(SipParseError):
            Via.parse(via)
    for name in ("www-authenticate", "proxy-authenticate"):
        value = message.headers.get(name)
        if value is not None:
            with contextlib.suppress(SipParseError):
                parse_challenge(value)
    parse_info_dtmf(message.content_type, message.body)
    with contextlib.suppress(SdpError):
        negotiate(parse_sdp(message.body))


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(TEMPLATES), st.randoms(use_true_random=False))
def test_mutated_messages_only_raise_parse_errors(template: bytes, rng: object) -> None:
    _exercise(mutate(template, rng))  # type: ignore[arg-type]


@pytest.mark.slow
@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_only_raise_parse_errors(data: bytes) -> None:
    _exercise(data)
    framer = StreamFramer()
    try:
        for raw in framer.feed(data):
            _exercise(raw)
    except SipParseError:
        pass


@pytest.mark.slow
@FUZZ
@given(st.randoms(use_true_random=False))
def test_mutated_sdp_only_raises_sdp_errors(rng: object) -> None:
    body = mutate(SDP, rng)  # type: ignore[arg-type]
    try:
        media = negotiate(parse_sdp(body))
    except SdpError:
        return
    assert media.codec in ("PCMU", "PCMA") and 0 <= media.remote_port <= 65535


@pytest.mark.slow
async def test_live_stack_survives_a_flood_and_keeps_serving_calls() -> None:
    uas = await SipUserAgent.start(SipConfig(port=0, user="robot"))
    uac = await SipUserAgent.start(SipConfig(port=0, user="real"))
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        asyncio.DatagramProtocol, local_addr=("127.0.0.1", 0)
    )
    fuzz_calls = 0

    async def robot() -> None:
        """Reject the fuzzer's INVITEs; answer the real one and play a tone."""
        nonlocal fuzz_calls
        async for call in uas.incoming():
            if call.info.caller != "real":
                fuzz_calls += 1
                await call.reject(486)
                continue
            leg = await call.answer()
            leg.play(tone(700, 2.0))
            async for event in leg.events():
                if isinstance(event, CallEnded):
                    return

    serving = asyncio.create_task(robot())
    try:
        messages = fuzz_messages(10_000, seed=4)
        async with asyncio.timeout(120):
            for start in range(0, len(messages), 100):
                for data in messages[start : start + 100]:
                    transport.sendto(data, ("127.0.0.1", uas.local_port))
                # let the stack drain each burst (kernel buffers would drop the rest)
                while uas.received_messages < start + 50:
                    await asyncio.sleep(0.001)
        assert uas.handler_errors == 0
        assert uas.dropped_messages > 1000  # most mutations are malformed
        leg = await asyncio.wait_for(uac.call(f"sip:robot@127.0.0.1:{uas.local_port}"), 20)
        audio = bytearray()
        async with asyncio.timeout(20):
            async for event in leg.events():
                if isinstance(event, InboundFrame):
                    audio += event.pcm
                    if len(audio) >= 60 * 320:
                        break
        assert abs(dominant_frequency(bytes(audio[3200:])) - 700) < 15
        await leg.hangup()
        await asyncio.wait_for(serving, 20)
        assert uas.handler_errors == 0
    except CallFailed as failure:
        raise AssertionError(f"the stack stopped serving calls: {failure}") from failure
    finally:
        transport.close()
        serving.cancel()
        await uac.close()
        await uas.close()


@pytest.mark.slow
async def test_sip_call_keeps_serving_through_an_rtp_garbage_flood() -> None:
    """Random and mutated RTP packets at the call's media port (from a foreign address)
    must not break the call: audio keeps flowing, DTMF and BYE still work."""
    import random

    from media_gateway.call_leg import InboundDtmf
    from media_gateway.rtp.packet import build_packet

    uas = await SipUserAgent.start(SipConfig(port=0, user="robot"))
    uac = await SipUserAgent.start(SipConfig(port=0, user="real"))
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        asyncio.DatagramProtocol, local_addr=("127.0.0.1", 0)
    )
    rng = random.Random(7)
    try:
        placing = asyncio.create_task(uac.call(f"sip:robot@127.0.0.1:{uas.local_port}"))
        robot = await (await asyncio.wait_for(anext(aiter(uas.incoming())), 20)).answer()
        caller = await asyncio.wait_for(placing, 20)
        caller.play(tone(900, 4.0))
        # Let the robot's RTP latch onto the caller first (symmetric RTP learns the first
        # source; a flood that arrives before any real media is a separate concern).
        async with asyncio.timeout(20):
            async for event in robot.events():
                if isinstance(event, InboundFrame) and rms_of(event.pcm) > 1000:
                    break
        for i in range(10_000):
            if i % 2:
                data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
            else:
                packet = build_packet(
                    rng.choice([0, 8, 101, 13, 127]),
                    rng.randrange(65536),
                    rng.randrange(2**32),
                    rng.randrange(2**32),
                    bytes(rng.randrange(256) for _ in range(160)),
                )
                data = mutate(packet, rng)
            transport.sendto(data, ("127.0.0.1", robot.rtp.local_port))
            if i % 200 == 199:
                await asyncio.sleep(0.005)  # pace the flood so the kernel keeps most of it
        audio = bytearray()
        async with asyncio.timeout(20):
            async for event in robot.events():
                if isinstance(event, InboundFrame):
                    audio += event.pcm
                    if len(audio) >= 50 * 320:
                        break
        assert abs(dominant_frequency(bytes(audio[-40 * 320 :])) - 900) < 15
        await caller.send_dtmf("5")
        async with asyncio.timeout(20):
            async for event in robot.events():
                if isinstance(event, InboundDtmf):
                    assert event.digit == "5"
                    break
        await caller.hangup()
        async with asyncio.timeout(20):
            ends = [e async for e in robot.events() if isinstance(e, CallEnded)]
        assert ends == [CallEnded("caller_hangup")]
        assert uas.handler_errors == 0
    finally:
        transport.close()
        await uac.close()
        await uas.close()


@pytest.mark.slow
async def test_tcp_streams_of_garbage_close_alone_and_tcp_calls_still_work() -> None:
    """Mutated messages over TCP, many connections: each bad stream is dropped or closed
    by itself, and a call over TCP still connects afterwards."""
    uas = await SipUserAgent.start(SipConfig(port=0, user="robot"))
    uac = await SipUserAgent.start(SipConfig(port=0, user="real"))
    rejecting: list[asyncio.Task[None]] = []

    async def robot() -> None:
        async for call in uas.incoming():
            if call.info.caller != "real":
                await call.reject(486)
                continue
            leg = await call.answer()
            rejecting.append(asyncio.create_task(leg.hangup()))

    serving = asyncio.create_task(robot())
    try:
        messages = fuzz_messages(2_000, seed=11)
        for start in range(0, len(messages), 100):
            _, writer = await asyncio.open_connection("127.0.0.1", uas.local_port)
            writer.write(b"".join(messages[start : start + 100]))
            await writer.drain()
            writer.close()
            await writer.wait_closed()
        leg = await asyncio.wait_for(
            uac.call(f"sip:robot@127.0.0.1:{uas.local_port};transport=tcp"), 20
        )
        async with asyncio.timeout(20):
            ends = [e async for e in leg.events() if isinstance(e, CallEnded)]
        assert ends == [CallEnded("caller_hangup")]
        assert uas.handler_errors == 0
    finally:
        serving.cancel()
        await uac.close()
        await uas.close()
