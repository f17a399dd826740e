"""Interop with baresip (a real softphone) on loopback: audio, DTMF and BYE both ways."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import soundfile

from media_gateway.call_leg import CallEnded, InboundDtmf, InboundFrame
from media_gateway.sip import SipCallLeg, SipConfig, SipUserAgent
from media_gateway.sip.softphone import save_pcm
from tests.gateway_sip.sip_audio import dominant_frequency, tone
from tests.gateway_sip.sip_baresip import Baresip

pytestmark = pytest.mark.slow
TIMEOUT = 20


@pytest.fixture
async def baresip(tmp_path: Path) -> AsyncIterator[Baresip]:
    microphone = tmp_path / "mic.wav"
    save_pcm(microphone, tone(1000, 6.0))  # baresip hangs up when its file ends
    peer = Baresip(tmp_path / "baresip", microphone)
    await peer.start()
    yield peer
    await peer.stop()


@pytest.fixture
async def robot_ua() -> AsyncIterator[SipUserAgent]:
    ua = await SipUserAgent.start(SipConfig(port=0, user="robot"))
    yield ua
    await ua.close()


async def gather_audio(leg: SipCallLeg, frames: int) -> bytes:
    audio = bytearray()
    async with asyncio.timeout(TIMEOUT):
        async for event in leg.events():
            if isinstance(event, InboundFrame):
                audio += event.pcm
                if len(audio) >= frames * 320:
                    break
    return bytes(audio)


async def gather_digits(leg: SipCallLeg, count: int) -> str:
    digits = ""
    async with asyncio.timeout(TIMEOUT):
        async for event in leg.events():
            if isinstance(event, InboundDtmf):
                digits += event.digit
                if len(digits) >= count:
                    return digits
    return digits


async def wait_end(leg: SipCallLeg) -> CallEnded:
    async with asyncio.timeout(TIMEOUT):
        async for event in leg.events():
            if isinstance(event, CallEnded):
                return event
    raise AssertionError("events ended without CallEnded")


async def baresip_digits(peer: Baresip, count: int) -> str:
    digits = ""
    while len(digits) < count:
        event = await peer.wait_event("CALL_DTMF_START")
        digits += event.get("param", "")
    return digits


async def _until(condition: Callable[[], bool]) -> None:
    """Poll a state change caused by the peer, bounded."""
    async with asyncio.timeout(TIMEOUT):
        while not condition():
            await asyncio.sleep(0.02)


def heard_frequency(path: Path) -> float:
    data, rate = soundfile.read(str(path), dtype="int16")
    assert rate == 8000 and len(data) > 8000, f"recording too short: {len(data)} samples"
    return dominant_frequency(data[1600:].tobytes(), rate)


async def test_baresip_calls_the_robot(baresip: Baresip, robot_ua: SipUserAgent) -> None:
    await baresip.command("dial", f"sip:robot@127.0.0.1:{robot_ua.local_port}")
    incoming = await asyncio.wait_for(anext(aiter(robot_ua.incoming())), TIMEOUT)
    assert incoming.info.caller == "peer"
    incoming.ring()
    robot = await incoming.answer()
    await baresip.wait_event("CALL_ESTABLISHED")
    robot.play(tone(440, 3.0))

    heard = await gather_audio(robot, frames=75)
    assert abs(dominant_frequency(heard[320 * 10 :]) - 1000) < 15

    await baresip.command("sndcode", "47#")
    assert await gather_digits(robot, 3) == "47#"

    # baresip's hold/resume are re-INVITEs: the robot must stop sending, then resume
    await baresip.command("hold")
    await _until(lambda: robot.media is not None and not robot.media.sending)
    await baresip.command("resume")
    await _until(lambda: robot.media is not None and robot.media.sending)
    await robot.send_dtmf("3")
    assert await baresip_digits(baresip, 1) == "3"

    await baresip.command("hangup")
    assert await wait_end(robot) == CallEnded("caller_hangup")
    await baresip.wait_event("CALL_CLOSED")
    await baresip.stop()
    assert abs(heard_frequency(baresip.decoded_recording()) - 440) < 15


async def test_robot_calls_baresip(baresip: Baresip, robot_ua: SipUserAgent) -> None:
    leg = await asyncio.wait_for(robot_ua.call(baresip.uri), TIMEOUT)
    await baresip.wait_event("CALL_ESTABLISHED")
    leg.play(tone(600, 3.0))
    heard = await gather_audio(leg, frames=75)
    assert abs(dominant_frequency(heard[320 * 10 :]) - 1000) < 15

    await leg.send_dtmf("19")
    assert await baresip_digits(baresip, 2) == "19"
    await baresip.command("sndcode", "*")
    assert await gather_digits(leg, 1) == "*"

    await leg.hangup()
    await baresip.wait_event("CALL_CLOSED")
    await baresip.stop()
    assert abs(heard_frequency(baresip.decoded_recording()) - 600) < 15
