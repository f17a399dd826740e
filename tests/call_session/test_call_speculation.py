"""Speculative finalization: at a caller's pause the utterance is decoded while the
endpointing window is still open (real Whisper tiny.en, real espeak-ng speech)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from asr_tts.audio import silence
from asr_tts.tts.base import TtsOptions
from asr_tts.tts.espeak import EspeakSynthesizer
from bot_engine.call.session import SessionSettings
from bot_engine.call.speech import CallSpeech
from bot_engine.call.utterance import Heard, Utterance
from bot_engine.call.voice_simulator import simulate_call
from bot_engine.script.model import Script
from tests.call_session.call_session_helpers import load, turns, words

pytestmark = pytest.mark.slow
RATE = 8000
FRAME = RATE // 50 * 2
DECODE_TIMEOUT_S = 60

SpeechFactory = Callable[[Script], CallSpeech]


async def say(text: str) -> bytes:
    return await EspeakSynthesizer().render(text, "en-us", RATE, TtsOptions(speed=0.9))


def feed(utterance: Utterance, pcm: bytes) -> None:
    """In 20 ms frames, as a call session feeds it."""
    for i in range(0, len(pcm), FRAME):
        utterance.feed(pcm[i : i + FRAME])


async def finished(task: asyncio.Task[Heard] | None) -> Heard:
    assert task is not None
    return await asyncio.wait_for(asyncio.shield(task), DECODE_TIMEOUT_S)


async def test_a_resumed_utterance_drops_the_speculation_and_keeps_every_word(
    make_speech: SpeechFactory,
) -> None:
    speech = make_speech(load("lead_qualification.en.yaml"))
    await speech.warm_up()
    utterance = Utterance(speech, [], None)
    feed(utterance, silence(RATE, 0.3) + await say("call me back") + silence(RATE, 0.2))
    utterance.speculate()
    assert utterance.speculating and speech.speculation.started == 1
    early = await finished(utterance.speculation)
    assert early.speculative and "call" in words(early.text)
    assert "afternoon" not in words(early.text)

    utterance.resume()  # the caller goes on speaking
    feed(utterance, await say("tomorrow afternoon") + silence(RATE, 0.3))
    assert not utterance.speculating and speech.speculation.discarded == 1
    utterance.finish()
    heard = await asyncio.wait_for(utterance.result(), DECODE_TIMEOUT_S)

    assert not heard.speculative
    assert {"call", "back", "tomorrow", "afternoon"} <= words(heard.text), heard.text
    assert speech.speculation.used == 0


async def test_the_speculative_result_used_at_the_endpoint_is_a_fresh_decode_of_it(
    make_speech: SpeechFactory,
) -> None:
    speech = make_speech(load("lead_qualification.en.yaml"))
    await speech.warm_up()
    audio = silence(RATE, 0.3) + await say("please call me back tomorrow") + silence(RATE, 0.1)
    utterance = Utterance(speech, [], None)
    feed(utterance, audio)
    utterance.speculate()
    utterance.speculate()  # one speculation per pause
    feed(utterance, silence(RATE, 0.2))  # the rest of the endpointing window: still quiet
    utterance.finish()
    heard = await asyncio.wait_for(utterance.result(), DECODE_TIMEOUT_S)

    fresh = Utterance(speech, [], None, speculative=False)
    feed(fresh, audio)
    fresh.finish()
    decoded = await asyncio.wait_for(fresh.result(), DECODE_TIMEOUT_S)

    assert heard.speculative and not decoded.speculative
    assert heard.text == decoded.text and "tomorrow" in words(heard.text)
    assert heard.confidence == pytest.approx(decoded.confidence)
    assert (speech.speculation.started, speech.speculation.used) == (1, 1)
    assert speech.speculation.discarded == 0


async def test_a_live_call_answers_from_speculative_decodes_and_can_turn_them_off(
    make_speech: SpeechFactory,
) -> None:
    script = load("lead_qualification.en.yaml")
    variables = {"name": "John", "product": "a custom kitchen", "company": "Acme Furniture"}
    lines = ["yes, speaking", "sure, go ahead", "yes, it is still relevant"]

    speech = make_speech(script)
    sim = await simulate_call(script, variables, lines, speech)
    heard = [t.text for t in turns(sim.report, "caller")]
    assert len(heard) == 3 and "relevant" in words(heard[2]), heard
    spec = speech.speculation
    assert spec.used >= 1 and spec.used + spec.discarded <= spec.started
    assert len(sim.report.timings) == 3
    # the caller's ear: each answered line has a gap, and the robot did not answer before
    # most of its endpointing window had passed (the endpointer needs 90% of it quiet)
    assert len(sim.caller.reply_gaps_ms) == 3
    assert all(gap > 0.8 * script.settings.endpoint_ms for gap in sim.caller.reply_gaps_ms)

    off = make_speech(script)
    sim = await simulate_call(script, variables, lines, off,
                              settings=SessionSettings(speculate_ms=None))
    assert [t.text for t in turns(sim.report, "caller")] == heard
    assert off.speculation.started == 0
