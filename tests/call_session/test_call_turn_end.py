"""The call's end-of-turn wiring (`call.turn_end`): a pause's speculative transcript
reaches the policy, and a stale one (the caller spoke again) does not; in a live call too."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import pytest

from asr_tts.turn import SmartEndpointing, SmartTurnSettings
from bot_engine.call.simulated_caller import SimulatedCaller
from bot_engine.call.speech import CallSpeech
from bot_engine.call.turn_end import TurnEnd
from bot_engine.call.utterance import Heard
from bot_engine.call.voice_simulator import loopback_call
from bot_engine.dialog.completeness import text_completeness
from bot_engine.script import load_script
from bot_engine.script.model import Script

FRAME = bytes(320)
SETTINGS = SmartTurnSettings(check_ms=100, complete_ms=150, incomplete_ms=1000, cap_ms=1500,
                             threshold=0.5, unsure_ms=None, use_text=True)


class Immediate:
    def submit(self, fn: Any, *args: Any) -> Future[float]:
        future: Future[float] = Future()
        future.set_result(fn(*args))
        return future


class Fixed:
    def __init__(self, probability: float) -> None:
        self.value = probability

    def probability(self, pcm: bytes, rate: int) -> float:
        return self.value


class FakeUtterance:
    """What `TurnEnd` reads of a `utterance.Utterance`: its running speculation."""

    def __init__(self) -> None:
        self.speculation: asyncio.Task[Heard] | None = None


def judge(text: str, punctuated: bool) -> Any:
    return {"да, но": "incomplete", "да": "complete"}.get(text, "unknown")


async def heard(text: str, gate: asyncio.Event) -> Heard:
    await gate.wait()
    return Heard(text, 1.0, (), "test", 0.0)


def policy(probability: float, settings: SmartTurnSettings = SETTINGS) -> TurnEnd:
    smart = SmartEndpointing(Fixed(probability), 8000, settings, Immediate())  # type: ignore[arg-type]
    end = TurnEnd(smart, judge)
    end.start(FRAME)
    return end


async def pause(end: TurnEnd, utt: FakeUtterance, text: str, gate: asyncio.Event,
                upto_ms: int, release_at: int) -> int | None:
    """Silent frames up to `upto_ms`; the decode starts at 100 ms and finishes at
    `release_at`. Returns the silence at which the turn ended."""
    for silence in range(20, upto_ms + 1, 20):
        if silence == 100:
            utt.speculation = asyncio.get_running_loop().create_task(heard(text, gate))
        if silence == release_at:
            gate.set()
            await asyncio.sleep(0)
            await asyncio.sleep(0)  # the task finishes, then its done-callback runs
        if end.push(FRAME, silence, utt):  # type: ignore[arg-type]
            return silence
    return None


async def test_the_turn_waits_for_the_pause_transcript_then_ends() -> None:
    end, utt, gate = policy(0.9), FakeUtterance(), asyncio.Event()
    calls: list[int] = []
    end.on_over = lambda: calls.append(1)
    assert await pause(end, utt, "что-то", gate, 1500, release_at=300) == 300
    assert calls == [1]  # at the transcript's arrival, before the next frame


async def test_a_transcript_before_the_short_wait_does_not_end_the_turn_early() -> None:
    end, utt, gate = policy(0.9), FakeUtterance(), asyncio.Event()
    calls: list[int] = []
    end.on_over = lambda: calls.append(1)
    assert await pause(end, utt, "что-то", gate, 1500, release_at=120) == 160
    assert calls == []


async def test_words_that_stop_mid_phrase_keep_a_complete_sounding_turn_open() -> None:
    end, utt, gate = policy(0.9), FakeUtterance(), asyncio.Event()
    assert await pause(end, utt, "да, но", gate, 1500, release_at=200) == 1000


async def test_a_full_answer_ends_a_turn_the_audio_model_doubts() -> None:
    end, utt, gate = policy(0.1), FakeUtterance(), asyncio.Event()
    assert await pause(end, utt, "да", gate, 1500, release_at=140) == 160  # 150 on a frame


async def test_a_transcript_of_an_earlier_pause_is_ignored() -> None:
    end, utt, gate = policy(0.1), FakeUtterance(), asyncio.Event()
    assert await pause(end, utt, "да", gate, 120, release_at=0) is None
    end.push(FRAME, 0, utt)  # type: ignore[arg-type]  # the caller speaks again
    first = utt.speculation
    gate.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert first is not None and first.done()
    assert end.smart.text is None  # "да" was about the old pause
    utt.speculation = first  # the session has not started a new decode yet
    assert not end.push(FRAME, 200, utt)  # type: ignore[arg-type]
    assert not any(end.push(FRAME, ms, utt) for ms in range(220, 1000, 20))  # type: ignore[arg-type]
    assert end.push(FRAME, 1000, utt)  # type: ignore[arg-type]  # the audio's long wait


async def test_a_failed_decode_leaves_the_audio_in_charge() -> None:
    end, utt = policy(0.9), FakeUtterance()

    async def broken() -> Heard:
        return Heard("", None, (), "test", 0.0, error="decoder died")

    for silence in range(20, 400, 20):
        if silence == 100:
            utt.speculation = asyncio.get_running_loop().create_task(broken())
        if silence == 160:
            await asyncio.sleep(0)
            await asyncio.sleep(0)
        if end.push(FRAME, silence, utt):  # type: ignore[arg-type]
            assert silence == 160
            return
    raise AssertionError("never ended")


async def test_speech_whisper_made_no_words_of_keeps_the_turn_open() -> None:
    """Unlike a failed decode, an empty Whisper transcript is words still to come: the turn
    waits the long wait even though the audio model says complete."""
    smart = SmartEndpointing(Fixed(0.9), 8000, SETTINGS, Immediate())  # type: ignore[arg-type]
    end = TurnEnd(smart, lambda text, punctuated: text_completeness(text, "ru", punctuated))
    end.start(FRAME)
    utt = FakeUtterance()

    async def nothing() -> Heard:
        return Heard("", None, (), "whisper-base", 0.0)

    for silence in range(20, 1500, 20):
        if silence == 100:
            utt.speculation = asyncio.get_running_loop().create_task(nothing())
        if silence == 120:
            await asyncio.sleep(0)
            await asyncio.sleep(0)
        if end.push(FRAME, silence, utt):  # type: ignore[arg-type]
            assert silence == 1000
            return
    raise AssertionError("never ended")


async def test_without_use_text_the_transcript_is_not_awaited() -> None:
    settings = SmartTurnSettings(check_ms=100, complete_ms=150, incomplete_ms=1000,
                                 cap_ms=1500, threshold=0.5, unsure_ms=None, use_text=False)
    end, utt, gate = policy(0.9, settings), FakeUtterance(), asyncio.Event()
    assert await pause(end, utt, "да, но", gate, 1500, release_at=400) == 160


CONFIRM = """
id: turn_end_live
language: en-US
settings:
  endpointing: smart
  barge_in: false
  no_input_timeout_ms: 5000
result:
  outcomes: [agreed, declined, unclear]
  endings: {hangup: unclear, error: unclear}
start: ask
steps:
  ask:
    ask: "Is now a good time?"
    expect: confirm
    on:
      yes: {say: "Great.", outcome: agreed, hangup: true}
      no: {say: "Sorry.", outcome: declined, hangup: true}
"""


@pytest.mark.slow
async def test_a_live_call_hands_the_pause_transcript_to_the_policy(
    make_speech: Callable[[Script], CallSpeech],
) -> None:
    """Over SIP/RTP with the real decoder: the audio model here always says "incomplete",
    yet the caller's "Yes." completes the yes/no step, and the policy hears that."""
    script = load_script(CONFIRM).script
    speech = make_speech(script)
    made: list[SmartEndpointing] = []

    def smart_endpointing(rate: int, settings: SmartTurnSettings | None = None
                          ) -> SmartEndpointing:
        made.append(SmartEndpointing(Fixed(0.0), rate, settings))
        return made[-1]

    speech.smart_endpointing = smart_endpointing  # type: ignore[method-assign]

    async def drive(caller: SimulatedCaller) -> None:
        await caller.wait_robot_quiet()
        await caller.say("Yes.")
        await caller.wait_robot_quiet()

    simulation = await loopback_call(script, {}, speech, drive, quiet_ms=500, timeout_s=120)
    assert simulation.report.result is not None
    assert simulation.report.result.outcome == "agreed"
    assert len(made) == 1 and made[0].text == "complete"


def trailing_silence_ms(pcm: bytes, rate: int = 8000) -> int:
    """Whole 20 ms frames of (near-)digital silence at the end of `pcm`."""
    import numpy as np

    frame = rate // 50
    samples = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype="<i2")
    quiet = 0
    for end in range(len(samples), frame - 1, -frame):
        if np.abs(samples[end - frame:end].astype(np.int32)).max() > 64:
            break
        quiet += 1
    return quiet * 20


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["smart", "vad"])
async def test_a_smart_turn_speculates_sooner_than_the_vad_window(
    make_speech: Callable[[Script], CallSpeech], mode: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A smart turn ends no sooner than its transcript, so its speculative decode starts
    at `SmartTurnSettings.speculate_ms` of silence (60 ms), not at the VAD window's 100."""
    from bot_engine.call import utterance as utterance_module
    from bot_engine.call.session import SessionSettings

    script = load_script(CONFIRM).script
    speech = make_speech(script)
    speech.smart_endpointing = (  # type: ignore[method-assign]
        lambda rate, settings=None: SmartEndpointing(Fixed(0.9), rate, settings))
    at: list[int] = []
    original = utterance_module.Utterance.speculate

    def speculate(self: utterance_module.Utterance) -> None:
        before = self.speculation
        original(self)
        if self.speculation is not None and self.speculation is not before:
            at.append(trailing_silence_ms(b"".join(self._fed)))

    monkeypatch.setattr(utterance_module.Utterance, "speculate", speculate)

    async def drive(caller: SimulatedCaller) -> None:
        await caller.wait_robot_quiet()
        await caller.say("Yes, it is.")
        await caller.wait_robot_quiet()

    simulation = await loopback_call(script, {}, speech, drive, quiet_ms=500, timeout_s=120,
                                     settings=SessionSettings(endpointing=mode))  # type: ignore[arg-type]
    assert simulation.report.result is not None
    assert simulation.report.result.outcome == "agreed"
    assert at, "no speculative decode started"
    if mode == "smart":
        assert SmartTurnSettings().speculate_ms < SessionSettings().speculate_ms  # type: ignore[operator]
        assert 20 <= at[0] <= 60, at  # the last speech frame may be quiet: one frame off
    else:
        assert at[0] >= 80, at
