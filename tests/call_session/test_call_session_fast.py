"""The live session's parts with fakes for the leg, the TTS and the recognizer: the barge-in
detector frame by frame, the prompt player's pause and resume, and whole calls in memory
(keys, a hang-up mid-prompt, the maximum duration). Fast and the same every time; the real
end-to-end calls are in test_call_session_loopback.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np

from asr_tts.barge_in import BargeInDetector, BargeInSettings
from bot_engine.call.prompt_player import PromptPlayer
from bot_engine.call.prompts import call_prompts
from bot_engine.call.session import CallSession, SessionSettings
from bot_engine.record import TranscriptTurn
from bot_engine.script import validate_variables
from tests.call_session.call_session_helpers import load, turns
from tests.call_session.fakes import FRAME, RATE, FakeLeg, fake_speech, tone, wait_for

LOUD = tone(20, level=6000)
QUIET = bytes(FRAME)


def voice() -> bytes:
    """What the VAD takes for a word: 600 ms of a loud low tone, then 600 ms of faint
    noise."""
    rng = np.random.default_rng(3)
    return tone(600, hz=180, level=8000) + rng.normal(0, 500, 4800).astype("<i2").tobytes()


def push(detector: BargeInDetector, pcm: bytes, now: float, *, voiced: bool = True,
         paused_at: float | None = None, unvoiced_ms: int = 0) -> str | None:
    return detector.push(pcm, voiced=voiced, in_speech=False, unvoiced_run_ms=unvoiced_ms,
                         now=now, playing=True, paused_at=paused_at, may_pause=lambda: True)


def test_a_loud_voiced_run_as_long_as_the_onset_pauses_the_prompt() -> None:
    detector = BargeInDetector(BargeInSettings(onset_ms=60))
    assert push(detector, LOUD, 0.00) is None
    assert push(detector, LOUD, 0.02) is None
    assert push(detector, LOUD, 0.04) == "pause"
    assert detector.loud_since == 0.00


def test_quiet_or_unvoiced_frames_never_pause() -> None:
    detector = BargeInDetector(BargeInSettings(onset_ms=60))
    for i in range(10):
        assert push(detector, QUIET, i * 0.02) is None
        assert push(detector, LOUD, i * 0.02, voiced=False) is None
    assert detector.loud_run == 0


def test_a_paused_prompt_resumes_after_unvoiced_audio_or_at_the_longest_pause() -> None:
    detector = BargeInDetector(BargeInSettings(resume_after_ms=60, max_pause_ms=400))
    assert push(detector, QUIET, 1.00, voiced=False, paused_at=1.0, unvoiced_ms=40) is None
    assert push(detector, QUIET, 1.02, voiced=False, paused_at=1.0, unvoiced_ms=60) == "resume"
    assert push(detector, LOUD, 1.45, paused_at=1.0) == "resume"  # on-off noise: 400 ms at most


def test_onset_pausing_off_never_pauses() -> None:
    detector = BargeInDetector(BargeInSettings(onset_ms=None))
    assert all(push(detector, LOUD, i * 0.02) is None for i in range(20))


def test_a_word_keeps_its_energy_up_and_a_click_does_not() -> None:
    detector = BargeInDetector(BargeInSettings(min_word_ms=120, min_speech_rms=300))
    word = tone(200)
    click = tone(80) + bytes(FRAME * 6)
    assert detector.word_like(word, 8000, 200)
    assert not detector.word_like(click, 8000, 200)


async def test_the_player_pauses_and_resumes_without_skipping_or_repeating() -> None:
    leg = FakeLeg()
    firsts: list[float] = []
    idle = asyncio.Event()
    tasks: set[asyncio.Task[None]] = set()

    def spawn(coro: object) -> None:
        task = asyncio.ensure_future(coro)  # type: ignore[call-overload]
        tasks.add(task)

    player = PromptPlayer(leg, spawn=spawn, ms=lambda t: 0, on_queued=lambda: None,
                          on_first_packet=firsts.append, on_played=lambda pcm, at: None,
                          on_idle=idle.set)
    prompt = tone(1000)
    turn = TranscriptTurn(role="bot", text="a prompt", heard_ms=0)
    player.enqueue(prompt, turn, barge_in=True)
    leg.send(10)  # 200 ms out
    await asyncio.sleep(0)
    assert len(firsts) == 1 and player.heard_ms() == 200
    player.pause(now=1.0, onset=0.98, step="question")
    leg.send(5)  # paused: the caller hears silence
    assert player.held is not None and player.held.heard_ms == 200
    player.resume(now=1.1)
    assert await wait_for(idle.is_set, leg)
    await asyncio.gather(*tasks)
    assert bytes(leg.heard).replace(bytes(FRAME), b"") == prompt.replace(bytes(FRAME), b"")
    assert turn.heard_ms == 1000 and not turn.interrupted
    [resumed] = player.resumed
    assert resumed.step == "question" and resumed.paused_ms == 100.0


async def test_a_stopped_prompt_is_interrupted_and_counts_what_went_out() -> None:
    leg = FakeLeg()
    tasks: list[asyncio.Task[None]] = []
    player = PromptPlayer(leg, spawn=lambda c: tasks.append(asyncio.ensure_future(c)),
                          ms=lambda t: 0, on_queued=lambda: None,
                          on_first_packet=lambda t: None, on_played=lambda pcm, at: None,
                          on_idle=lambda: None)
    turn = TranscriptTurn(role="bot", text="a prompt", heard_ms=0)
    player.enqueue(tone(1000), turn, barge_in=True)
    leg.send(15)
    player.stop()
    await asyncio.gather(*tasks)
    assert turn.interrupted and turn.heard_ms == 300
    assert not player.playing


async def test_a_key_menu_in_memory(tmp_path: Path) -> None:
    script = load("call_features.en.yaml")
    leg = FakeLeg()
    variables = validate_variables(script, {})
    speech = fake_speech(tmp_path)
    await speech.prerender(call_prompts(script, variables))  # one chunk a prompt, as live
    session = CallSession(leg, script, variables, speech)
    call = asyncio.ensure_future(session.run())
    assert await wait_for(lambda: leg.robot_talking, leg)
    assert await wait_for(lambda: not leg.robot_talking, leg)
    leg.press("2")
    assert await wait_for(call.done, leg)
    report = call.result()
    assert report.result.outcome == "agent"
    assert [t.text for t in turns(report, "caller")] == ["[dtmf 2]"]
    assert report.call.hangup_cause == "robot_hangup"


async def test_a_caller_hanging_up_mid_prompt_in_memory(tmp_path: Path) -> None:
    script = load("long_prompt.en.yaml")
    leg = FakeLeg()
    recording = tmp_path / "hangup.wav"
    session = CallSession(leg, script, {}, fake_speech(tmp_path), recording_path=recording)
    call = asyncio.ensure_future(session.run())
    assert await wait_for(lambda: len(leg.heard) >= 50 * FRAME, leg)
    leg.caller_hangs_up()
    assert await wait_for(call.done, leg)
    report = call.result()
    assert (report.result.ending, report.result.outcome) == ("hangup", "hung_up")
    assert report.result.step == "question"
    prompt = turns(report, "bot")[0]
    assert prompt.interrupted and prompt.heard_ms is not None and prompt.heard_ms < 3000
    assert report.call.hangup_cause == "caller_hangup"
    assert recording.stat().st_size > 44


async def test_barge_in_with_a_word_in_memory(tmp_path: Path) -> None:
    """A loud word over the prompt: paused at its onset, then interrupted; the recognizer
    (a fake that hears "yes") answers the question."""
    script = load("long_prompt.en.yaml")
    leg = FakeLeg()
    speech = fake_speech(tmp_path, heard="yes")
    await speech.prerender(call_prompts(script, {}))  # as while it rang: one chunk a prompt
    session = CallSession(leg, script, {}, speech)
    call = asyncio.ensure_future(session.run())
    assert await wait_for(lambda: len(leg.heard) >= 50 * FRAME, leg)
    words = voice()
    for start in range(0, len(words) - FRAME + 1, FRAME):
        leg.say(words[start:start + FRAME])
        leg.send()
        await asyncio.sleep(0)
    leg.say(bytes(FRAME * 40))  # the end of the turn
    assert await wait_for(call.done, leg)
    report = call.result()
    first = turns(report, "bot")[0]
    assert first.interrupted, report.transcript
    assert report.result.outcome == "agreed", report.transcript
    [barge_in] = report.barge_ins
    assert barge_in.trigger == "onset" and first.heard_ms is not None
    assert 0 < barge_in.heard_ms <= first.heard_ms < 2500  # far from the whole prompt


async def test_the_maximum_duration_ends_a_call_mid_prompt_in_memory(tmp_path: Path) -> None:
    script = load("long_prompt.en.yaml")
    leg = FakeLeg()
    session = CallSession(leg, script, {}, fake_speech(tmp_path),
                          settings=SessionSettings(max_duration_s=0.05))
    call = asyncio.ensure_future(session.run())
    while not call.done():
        leg.send()
        await asyncio.sleep(0.001)
    report = call.result()
    assert report.result.ending == "hangup"
    assert any(t.kind == "max_duration" and "0.05 s" in t.text for t in turns(report, "event"))
    assert turns(report, "bot")[0].interrupted
    assert report.call.hangup_cause == "robot_hangup"


async def test_a_click_pauses_the_prompt_which_plays_on_in_memory(tmp_path: Path) -> None:
    """An 80 ms click over the prompt pauses it at its onset; no word follows, so it
    resumes where it paused: nothing skipped, nothing repeated, and no barge-in."""
    script = load("long_prompt.en.yaml")
    leg = FakeLeg()
    speech = fake_speech(tmp_path, heard="no")
    await speech.prerender(call_prompts(script, {}))
    session = CallSession(leg, script, {}, speech)
    call = asyncio.ensure_future(session.run())
    assert await wait_for(lambda: len(leg.heard) >= 50 * FRAME, leg)
    rng = np.random.default_rng(7)
    click = rng.normal(0, 6000, 640).clip(-32000, 32000).astype("<i2").tobytes()
    for start in range(0, len(click) + 20 * FRAME, FRAME):
        leg.say(click[start:start + FRAME] if start < len(click) else bytes(FRAME))
        leg.send()
        await asyncio.sleep(0)
    assert await wait_for(lambda: not session.player.playing, leg)  # played to its end
    first = turns(session.report(), "bot")[0]
    prompt_pcm = speech.cached(first.text)
    assert prompt_pcm is not None
    assert not first.interrupted and session.barge_ins == []
    [resumed] = session.resumed_prompts
    assert resumed.step == "question" and resumed.paused_ms > 0
    assert first.heard_ms == len(prompt_pcm) * 1000 // (2 * RATE)
    leg.say(voice() + bytes(FRAME * 40))  # "no"
    assert await wait_for(call.done, leg)
    assert call.result().result.outcome == "declined"
