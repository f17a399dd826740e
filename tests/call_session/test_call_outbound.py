"""Outbound calls from the robot: a voicemail greeting with a beep on the far end, and a
far end that is busy. The far end is our own SIP user agent on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import numpy as np
import pytest

from asr_tts.tts.espeak import EspeakSynthesizer
from bot_engine.call.dial_targets import target_uri
from bot_engine.call.dialer import place_call
from bot_engine.call.speech import CallSpeech
from bot_engine.script import validate_variables
from bot_engine.script.model import Script
from media_gateway.sip import SipConfig, SipUserAgent
from media_gateway.sip.softphone import LegSummary, run_leg
from tests.call_session.call_session_helpers import load, turns

pytestmark = pytest.mark.slow

RATE = 8000
GREETING = ("Hi, you have reached John Smith. I can't take your call right now. "
            "Please leave a message after the tone.")
CONSENT_VARS = {"name": "John", "company": "Acme Furniture"}


def beep(seconds: float, hz: float = 1000.0) -> bytes:
    t = np.arange(int(RATE * seconds)) / RATE
    return (8000 * np.sin(2 * np.pi * hz * t)).astype("<i2").tobytes()


def silence(seconds: float) -> bytes:
    return bytes(int(RATE * seconds) * 2)


@pytest.fixture
async def far_end() -> AsyncIterator[SipUserAgent]:
    ua = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="john", tcp=False))
    yield ua
    await ua.close()


async def test_a_voicemail_greeting_is_detected_and_the_message_follows_the_beep(
    make_speech: Callable[[Script], CallSpeech], far_end: SipUserAgent, tmp_path: Path
) -> None:
    spoken = await EspeakSynthesizer().render(GREETING, "en-us", RATE)
    greeting = silence(0.3) + spoken + silence(0.4)
    beep_end_s = (len(greeting) + len(beep(0.5))) / (2 * RATE)
    machine_audio = greeting + beep(0.5) + silence(12)
    heard_file = tmp_path / "machine-heard.wav"

    async def machine() -> LegSummary:
        async for incoming in far_end.incoming():
            leg = await incoming.answer()
            return await run_leg(leg, play=machine_audio, record=heard_file, duration_s=40)
        raise AssertionError("no call reached the machine")

    machine_task = asyncio.get_running_loop().create_task(machine())
    script = load("consent_confirmation.en.yaml")
    report = await place_call(
        f"sip:john@127.0.0.1:{far_end.local_port}", script,
        validate_variables(script, CONSENT_VARS), make_speech(script), amd=True,
        record=tmp_path / "robot.wav",
    )
    summary = await asyncio.wait_for(machine_task, 30)

    assert report.amd is not None and report.amd.decision == "machine", report.amd
    assert report.result.outcome == "voicemail" and report.result.ending == "voicemail"
    [message] = turns(report, "bot")
    assert "call you back" in message.text
    assert not message.interrupted
    # The message went out after the beep ended: find the robot's first audio in what the
    # machine recorded (the machine's recording starts when its call was answered).
    heard = np.frombuffer(summary.recording, dtype="<i2")
    voiced = np.flatnonzero(np.abs(heard.astype(np.int32)) > 200)
    assert voiced.size, "the machine heard no message"
    assert voiced[0] / RATE >= beep_end_s - 0.25
    assert report.call.direction == "outbound"


async def test_a_busy_far_end_still_ends_with_a_valid_result(
    make_speech: Callable[[Script], CallSpeech], far_end: SipUserAgent
) -> None:
    async def reject() -> None:
        async for incoming in far_end.incoming():
            await incoming.reject(486)
            return

    rejecting = asyncio.get_running_loop().create_task(reject())
    script = load("lead_qualification.en.yaml")
    variables = validate_variables(
        script, {"name": "John", "product": "a kitchen", "company": "Acme"})
    report = await place_call(f"sip:john@127.0.0.1:{far_end.local_port}", script, variables,
                              make_speech(script), ring_timeout_s=10)
    await asyncio.wait_for(rejecting, 10)
    assert report.result.ending == "no_answer"
    assert report.result.outcome in script.result.outcomes
    assert report.call.hangup_cause == "busy"
    assert report.transcript == []


def test_numbers_go_through_the_trunk_and_uris_go_as_they_are() -> None:
    assert target_uri("+15551234567", "trunk.example:5070") == "sip:+15551234567@trunk.example"
    assert target_uri("sip:bob@127.0.0.1:5062", None) == "sip:bob@127.0.0.1:5062"
    with pytest.raises(ValueError, match="no trunk"):
        target_uri("5551234", None)
