"""baresip, a real softphone, dials the robot and plays a caller WAV as its microphone."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from asr_tts.tts.espeak import EspeakSynthesizer
from bot_engine.call.report import CallReport
from bot_engine.call.session import CallSession
from bot_engine.call.speech import CallSpeech
from bot_engine.script.model import Script
from media_gateway.sip import SipConfig, SipUserAgent
from media_gateway.sip.softphone import save_pcm
from tests.call_session.call_session_helpers import channel_rms, load, turns, words
from tests.gateway_sip.sip_baresip import Baresip

pytestmark = pytest.mark.slow
RATE = 8000


async def test_baresip_calls_the_robot_which_runs_the_script_and_records_both_sides(
    make_speech: Callable[[Script], CallSpeech], tmp_path: Path
) -> None:
    script = load("greeting_check.en.yaml")
    speech = make_speech(script)
    await speech.prepare(script, {})
    # tiny.en hears espeak-ng's "this is John" as "they've been done" or "living on"
    # whatever the decoding settings; "I am here" comes through either way.
    answer = await EspeakSynthesizer().render("Yes, I am here.", "en-us", RATE)
    # Silence while the robot greets, the answer, then quiet until baresip's file ends.
    microphone = tmp_path / "caller.wav"
    save_pcm(microphone, bytes(RATE * 2 * 3) + answer + bytes(RATE * 2 * 8))
    robot_ua = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="robot"))
    peer = Baresip(tmp_path / "baresip", microphone)
    record = tmp_path / "call.wav"

    async def robot() -> CallReport:
        async for incoming in robot_ua.incoming():
            leg = await incoming.answer()
            return await CallSession(leg, script, {}, speech, recording_path=record).run()
        raise AssertionError("no call came in")

    try:
        robot_task = asyncio.get_running_loop().create_task(robot())
        await peer.start()
        await peer.command("dial", f"sip:robot@127.0.0.1:{robot_ua.local_port}")
        report = await asyncio.wait_for(robot_task, 60)
    finally:
        await peer.stop()
        await robot_ua.close()

    assert report.result.outcome == "confirmed", report.transcript
    assert report.result.fields["confirmed"] is True
    [said] = turns(report, "caller")
    assert "yes" in words(said.text) and "here" in words(said.text)
    assert report.call.hangup_cause == "robot_hangup"
    caller_rms, robot_rms = channel_rms(record)
    assert caller_rms > 100, "the caller channel is silent"
    assert robot_rms > 100, "the robot channel is silent"
