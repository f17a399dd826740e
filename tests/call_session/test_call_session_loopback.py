"""Live calls over real SIP/RTP on 127.0.0.1: our UAC calls the robot, the robot runs the
full pipeline (webrtcvad, Whisper tiny.en, the Dialog, espeak-ng prompts from the cache).
The session's behaviour in detail (keys, a hang-up or the maximum duration mid-prompt, a
click that pauses a prompt) is tested in memory in test_call_session_fast.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile

from bot_engine.call.session import SessionSettings
from bot_engine.call.simulated_caller import SimulatedCaller
from bot_engine.call.speech import CallSpeech
from bot_engine.call.voice_simulator import loopback_call, simulate_call
from bot_engine.call.webhooks import WebhookRunner
from bot_engine.net import SsrfGuard
from bot_engine.script import validate_variables
from bot_engine.script.model import Script
from tests.call_session.call_session_helpers import channel_rms, load, turns, words

pytestmark = pytest.mark.slow

LEAD_VARS = {"name": "John", "product": "a custom kitchen", "company": "Acme Furniture"}
LONG_PROMPT_MS = 8000
"""The long prompt lasts well over this; a barge-in must cut it far shorter."""

SpeechFactory = Callable[[Script], CallSpeech]


async def test_a_full_english_lead_conversation_ends_qualified(
    make_speech: SpeechFactory, tmp_path: Path
) -> None:
    script = load("lead_qualification.en.yaml")
    variables = validate_variables(script, LEAD_VARS)
    lines = ["yes, speaking", "sure, go ahead", "yes, it is still relevant", "next month",
             "about two thousand dollars", "no, thank you"]
    record = tmp_path / "lead.wav"
    sim = await simulate_call(script, variables, lines, make_speech(script), record=record)
    report = sim.report

    assert report.result.ending == "completed", report.transcript
    assert report.result.outcome == "qualified"
    fields = report.result.fields
    assert fields["relevant"] is True
    assert fields["wants_manager"] is False
    assert fields["timeframe"] is not None
    assert isinstance(fields["budget"], int | float) and fields["budget"] > 0
    caller_turns = turns(report, "caller")
    assert len(caller_turns) == len(lines)
    assert "next" in words(caller_turns[3].text) and "month" in words(caller_turns[3].text)
    for turn in caller_turns:
        assert turn.confidence is not None and 0 < turn.confidence <= 1
        assert turn.start_ms is not None and turn.end_ms is not None
        assert turn.start_ms < turn.end_ms
        assert turn.engine == "whisper"
    assert [t.step_id for t in report.timings] == [t.step for t in caller_turns]
    for timing in report.timings:
        assert timing.endpointing_ms > 0 and timing.asr_final_ms >= 0
        assert timing.engine_added_ms == pytest.approx(
            timing.dialogue_ms + timing.tts_ms + timing.send_ms, abs=0.01)
    caller_rms, robot_rms = channel_rms(record)
    assert caller_rms > 100 and robot_rms > 100
    assert report.call.asr_engine == "whisper" and report.recording == str(record)
    assert report.call.answered_at is not None and report.call.ended_at is not None
    assert report.call.hangup_cause == "robot_hangup"


@pytest.mark.parametrize(("onset_ms", "trigger"), [(60, "onset"), (None, "speech")])
async def test_barge_in_stops_the_prompt_and_the_words_are_recognized(
    make_speech: SpeechFactory, onset_ms: int | None, trigger: str,
) -> None:
    """By default the prompt pauses at the speech onset and the word confirms it; with
    onset pausing off, it stops at the VAD's speech start."""
    script = load("long_prompt.en.yaml")

    async def interrupt(caller: SimulatedCaller) -> None:
        assert await caller.wait_robot_speaking(for_ms=1500)
        await caller.say("yes please")
        await caller.wait_robot_quiet()

    sim = await loopback_call(script, {}, make_speech(script), interrupt,
                              settings=SessionSettings(barge_in_onset_ms=onset_ms))
    report = sim.report

    assert report.result.outcome == "agreed", report.transcript
    first_prompt = turns(report, "bot")[0]
    assert first_prompt.interrupted
    assert first_prompt.heard_ms is not None and 1000 <= first_prompt.heard_ms < LONG_PROMPT_MS
    [barge_in] = report.barge_ins
    assert barge_in.trigger == trigger and report.resumed_prompts == []
    assert barge_in.onset_to_stop_ms >= barge_in.stop_ms >= 0
    assert barge_in.heard_ms == first_prompt.heard_ms
    answer = turns(report, "caller")[0]
    assert answer.interrupted
    # From its first syllable: the pre-roll carries the start of "yes" to the recognizer.
    assert words(answer.text) & {"yes", "yeah"} and "please" in words(answer.text)
    assert report.result.fields["answer"] is True


@pytest.fixture
async def silent_backend() -> AsyncIterator[tuple[str, list[str]]]:
    """An HTTP server on loopback that accepts requests and never answers; `events` logs
    "request" when one comes in and "gave up" when its client closes the connection."""
    events: list[str] = []
    held: list[asyncio.StreamWriter] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        events.append("request")
        held.append(writer)
        while await reader.read(65536):
            pass
        events.append("gave up")

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/lookup", events
    for writer in held:
        writer.close()
    server.close()


async def test_keys_with_a_terminator_then_a_webhook_timeout_takes_the_fallback(
    make_speech: SpeechFactory, silent_backend: tuple[str, list[str]]
) -> None:
    url, backend = silent_backend
    script = load("call_features.en.yaml")
    variables = validate_variables(script, {"backend": url})

    async def caller_side(caller: SimulatedCaller) -> None:
        assert await caller.wait_robot_quiet()
        await caller.press("1")
        assert await caller.wait_robot_quiet()
        await caller.press("123#")
        # "One moment please", then the backend stalls; RTP must keep coming meanwhile.
        assert await caller.until(lambda: bool(backend), timeout=10)
        target = caller.log.heard_ms + 300
        assert await caller.until(lambda: caller.log.heard_ms >= target, timeout=5)
        backend.append("caller heard 300 ms")
        assert await caller.wait_robot_quiet()
        await caller.say("yes")
        await caller.wait_robot_quiet()

    # The backend is on loopback, which only an explicit allow-list lets a webhook reach.
    webhooks = WebhookRunner(SsrfGuard(["127.0.0.1/32"]))
    sim = await loopback_call(script, variables, make_speech(script), caller_side,
                              webhooks=webhooks)
    report = sim.report

    assert report.result.outcome == "lookup_failed", report.transcript
    assert report.result.fields == {"code": "123", "answer": True}
    assert [t.text for t in turns(report, "caller")][:2] == ["[dtmf 1]", "[dtmf 123#]"]
    assert any(t.text == "webhook timeout" for t in turns(report, "event"))
    # robot audio arrived while the request was pending (the robot gives up after 1.5 s)
    assert backend == ["request", "caller heard 300 ms", "gave up"], "audio stalled"
    webhook_at = next(t.start_ms for t in turns(report, "event") if t.text.startswith("POST "))
    question = next(t for t in turns(report, "bot") if t.step == "confirm")
    assert webhook_at is not None and question.start_ms is not None
    assert question.start_ms - webhook_at >= 1400  # the fallback came after the deadline
    assert report.result.ending == "completed"


async def test_a_transfer_goes_out_as_refer_and_a_refused_one_ends_the_call(
    make_speech: SpeechFactory,
) -> None:
    script = load("call_features.en.yaml")
    sim = await simulate_call(script, validate_variables(script, {}), ["/dtmf 3"],
                              make_speech(script))
    report = sim.report
    assert report.result.ending == "transfer" and report.result.outcome == "agent"
    # Our caller UA refuses REFER (405), so the robot hangs up after saying why it tried.
    assert any(t.text.endswith("failed") and "sip:agent@127.0.0.1:9" in t.text
               for t in turns(report, "event"))
    assert "Transferring you now." in [t.text for t in turns(report, "bot")]
    assert report.call.hangup_cause == "robot_hangup"


async def test_consent_evidence_points_at_the_caller_audio_that_carried_it(
    make_speech: SpeechFactory, tmp_path: Path
) -> None:
    script = load("consent_confirmation.en.yaml")
    variables = validate_variables(script, {"name": "John", "company": "Acme Furniture"})
    record = tmp_path / "consent.wav"
    sim = await simulate_call(script, variables,
                              ["yes, speaking", "yes, I agree", "yes", "yes"],
                              make_speech(script), record=record)
    report = sim.report
    assert report.result.outcome == "consent_given", report.transcript
    # One piece of evidence: the answer the Dialog acted on (a reprompted low-confidence
    # answer is not consent).
    [evidence] = report.consent
    assert evidence.step_id == "ask_consent"
    assert words(evidence.utterance) & {"yes", "yeah", "agree", "agreed"}
    assert report.result.fields["consent_utterance"] == evidence.utterance
    data, rate = soundfile.read(str(record), dtype="int16", always_2d=True)
    caller = data[:, 0].astype(np.float64)
    span = caller[evidence.audio_start_ms * rate // 1000: evidence.audio_end_ms * rate // 1000]
    assert 300 <= evidence.audio_end_ms - evidence.audio_start_ms <= 3000
    before = caller[max(0, evidence.audio_start_ms * rate // 1000 - rate // 2):
                    evidence.audio_start_ms * rate // 1000 - rate // 10]
    assert np.sqrt(np.mean(span**2)) > 5 * max(1.0, float(np.sqrt(np.mean(before**2))))
