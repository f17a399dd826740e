"""The session's parts on their own, with a fake clock and a fake leg: the call timeline
(the recording's placement and one turn's response gap), the listener (no input, keys and
their inter-digit timeout, a stale Listen's timer), `Playback.started`/`played_ms`, and
a talked-over speculative Whisper decode (a stand-in model)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import wave
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from asr_tts.asr import whisper_engine
from asr_tts.asr.whisper_engine import WhisperRecognizer
from bot_engine.call.listener import Listener, Listening
from bot_engine.call.speech import CallSpeech
from bot_engine.call.timeline import CallTimeline
from bot_engine.call.utterance import Utterance
from bot_engine.dialog import actions as act
from media_gateway.call_leg import InboundFrame
from tests.call_session.fakes import FRAME, FakeLeg, fake_speech, tone


class FakeClock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_turns_response_gap_is_split_by_its_marks() -> None:
    clock = FakeClock()
    timeline = CallTimeline(8000, "c1", clock=clock)
    timeline.start(None)
    timeline.turn_heard("ask", speech_end=100.0, endpoint=100.5, asr_final=100.7)
    clock.now = 100.8
    timeline.dialog_replied(speaks=True)
    clock.now = 100.9
    timeline.audio_queued()
    timeline.first_packet(100.95)
    [timing] = timeline.timings
    assert (timing.endpointing_ms, timing.asr_final_ms, timing.dialogue_ms, timing.tts_ms,
            timing.send_ms) == (500.0, 200.0, 100.0, 100.0, 50.0)
    assert timing.response_gap_ms == 950.0 and timing.step_id == "ask"


def test_a_reply_without_speech_is_not_timed() -> None:
    clock = FakeClock()
    timeline = CallTimeline(8000, "c1", clock=clock)
    timeline.start(None)
    timeline.turn_heard("ask", speech_end=100.0, endpoint=100.5, asr_final=100.7)
    timeline.dialog_replied(speaks=False)  # a webhook first, or the end
    timeline.first_packet(101.0)
    assert timeline.timings == []


def test_the_recording_places_each_party_where_it_was_heard(tmp_path: Path) -> None:
    clock = FakeClock(10.0)
    timeline = CallTimeline(8000, "c1", clock=clock)
    path = tmp_path / "call.wav"
    timeline.start(path)
    caller = tone(20, level=5000)
    # the caller's first frame (media time 0) arrives 100 ms after the answer
    end = timeline.record_caller(InboundFrame(caller, 0), 10.1)
    assert end == 800
    # a later frame is placed by its media timestamp, not by when it arrived
    assert timeline.record_caller(InboundFrame(caller, 40), 10.5) == 640 + 320 + 160
    timeline.record_robot(tone(20, level=7000), 10.25)  # its first packet left at 250 ms
    timeline.close()
    with wave.open(str(path)) as wav:
        assert wav.getnchannels() == 2
        frames = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").reshape(-1, 2)
    caller_ch, robot_ch = frames[:, 0], frames[:, 1]
    assert not caller_ch[:640].any() and caller_ch[640:800].any()
    assert not robot_ch[:2000].any() and robot_ch[2000:2160].any()


def _listen(**fields: object) -> act.Listen:
    return act.Listen.model_validate({"expect": "text", "endpoint_ms": 600, **fields})


def _listener(tmp_path: Path, events: list[tuple[str, str]],
              talking: list[bool] | None = None, *, prestart: bool = False) -> Listener:
    """`prestart`: the engine opens the next stream before the caller speaks (Whisper and
    Vosk do), so every wait holds a standby recognizer."""
    talking = talking if talking is not None else [False]
    speech = fake_speech(tmp_path)
    if prestart:
        speech.asr_engine = "whisper"
        assert speech.prestart
    return Listener(
        speech, alive=lambda: True, robot_talking=lambda: talking[0],
        on_no_input=lambda listening: events.append(("no_input", listening.listen.step or "")),
        on_keys=lambda listening, digits: events.append(("keys", digits)))


class _Events(list[tuple[str, str]]):
    """The listener's callbacks, with an event to wait on instead of polling."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    def append(self, item: tuple[str, str]) -> None:
        super().append(item)
        self.changed.set()


async def _until(events: _Events, count: int = 1) -> None:
    while len(events) < count:
        events.changed.clear()
        await events.changed.wait()


async def test_no_input_ends_the_wait_once_and_stops_listening(tmp_path: Path) -> None:
    events = _Events()
    listener = _listener(tmp_path, events)
    listening = listener.arm(_listen(step="ask", timeout_ms=10))
    listener.wait_for_input(listening)
    await asyncio.wait_for(_until(events), 10)
    assert events == [("no_input", "ask")] and listener.active is None


async def test_a_replaced_listens_timer_is_dropped(tmp_path: Path) -> None:
    events = _Events()
    listener = _listener(tmp_path, events)
    first = listener.arm(_listen(step="first", timeout_ms=10))
    listener.wait_for_input(first)
    second = listener.arm(_listen(step="second", timeout_ms=60))
    listener.wait_for_input(second)
    await asyncio.wait_for(_until(events), 10)
    assert events == [("no_input", "second")]


async def test_no_input_waits_while_the_robot_talks(tmp_path: Path) -> None:
    events = _Events()
    talking = [True]
    listener = _listener(tmp_path, events, talking)
    listening = listener.arm(_listen(step="ask", timeout_ms=5))
    listener.wait_for_input(listening)
    await asyncio.sleep(0.05)
    assert events == [] and listener.active is listening  # the prompt's end restarts it


async def test_keys_complete_by_count_or_by_the_inter_digit_timeout(tmp_path: Path) -> None:
    events = _Events()
    listener = _listener(tmp_path, events)
    spec = act.DtmfSpec(max_digits=3, inter_digit_timeout_ms=20)
    listening = listener.arm(_listen(step="pin", timeout_ms=60_000, dtmf=spec))
    for digit in "123":
        listener.key(listening, digit)
    assert events == [("keys", "123")] and listener.active is None
    listening = listener.arm(_listen(step="pin", timeout_ms=60_000, dtmf=spec))
    listener.key(listening, "4")
    listener.key(listening, "5")
    await asyncio.wait_for(_until(events, 2), 10)
    assert events[1] == ("keys", "45")


async def test_an_utterance_whose_text_is_empty_keeps_listening(tmp_path: Path) -> None:
    events = _Events()
    listener = _listener(tmp_path, events)
    listening: Listening = listener.arm(_listen(step="ask", timeout_ms=60_000))
    listener.begin(listening, tone(200), 0, barged=False)
    hearing = listener.end(listening)
    assert hearing is not None and listening.recognizing == 1
    assert not listener.recognized(listening, "  ", prompt_on_leg=False)
    assert listener.active is listening and listening.no_input is not None
    listener.begin(listening, tone(200), 0, barged=False)
    listener.end(listening)
    assert listener.recognized(listening, "yes", prompt_on_leg=False)
    assert listener.active is None
    hearing.utterance.abort()


async def test_a_playback_says_when_its_first_frame_left_and_how_much_went_out() -> None:
    leg = FakeLeg()
    first = leg.play(tone(100))
    second = leg.play(tone(100))
    started = asyncio.ensure_future(second.started())
    leg.send(5)
    assert await first.started() and first.played_ms == 100
    assert not started.done() and second.played_ms == 0
    leg.send(1)
    assert await started and second.played_ms == 20
    unplayed = leg.play(tone(100))
    unplayed.cancel()
    second.cancel()
    assert not await unplayed.started() and (await second.wait()).played_ms == 20
    assert len(leg.heard) == 6 * FRAME


async def _settled(task: asyncio.Task[object]) -> bool:
    """Whether the task ends once the loop has run (a safety net of 10 s, not a timing)."""
    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
        await asyncio.wait_for(asyncio.shield(task), 10)
    return task.done()


async def test_a_wait_ended_by_no_input_closes_its_standby_recognizer(tmp_path: Path) -> None:
    events = _Events()
    listener = _listener(tmp_path, events, prestart=True)
    listening = listener.arm(_listen(step="ask", timeout_ms=10))
    standby = listening.standby
    assert standby is not None
    listener.wait_for_input(listening)
    await asyncio.wait_for(_until(events), 10)
    assert events == [("no_input", "ask")] and listening.standby is None
    assert await _settled(standby.task)  # before: pending until the garbage collector


async def test_a_replaced_wait_closes_its_recognizers(tmp_path: Path) -> None:
    events = _Events()
    listener = _listener(tmp_path, events, prestart=True)
    first = listener.arm(_listen(step="first", timeout_ms=60_000))
    standby = first.standby
    assert standby is not None
    listener.begin(first, tone(200), 0, barged=False)  # the caller is speaking...
    assert first.utt is not None
    speaking = first.utt.utterance
    listener.arm(_listen(step="second", timeout_ms=60_000))  # ...when the step moves on
    assert await _settled(speaking.task) and first.utt is None
    assert listener.active is not first and listener.active is not None
    listener.stop(listener.active)


# -- a talked-over speculative decode does not hold the Whisper thread --------------------


class _RecordingWhisperModel:
    """Stands in for faster-whisper's model: records what it was asked to decode."""

    model = SimpleNamespace(is_multilingual=False)

    def __init__(self) -> None:
        self.decoded: list[int] = []
        """The length (samples at 16 kHz) of each utterance decoded."""

    def transcribe(self, samples: np.ndarray, **_options: object) -> tuple[object, None]:
        self.decoded.append(len(samples))
        return iter([SimpleNamespace(text=" yes", avg_logprob=-0.1, words=None)]), None


class _Recognizer(WhisperRecognizer):
    """Whisper on the stand-in model; says when its audio went to the decode thread."""

    def __init__(self, model: _RecordingWhisperModel) -> None:
        super().__init__(Path("unused"))
        self.stand_in = model
        self.queued = asyncio.Event()

    def _load(self, language: str) -> object:
        return self.stand_in

    async def _close(self) -> None:
        self.queued.set()
        await super()._close()


def _whisper_speech(tmp_path: Path, model: _RecordingWhisperModel,
                    made: list[_Recognizer] | None = None) -> CallSpeech:
    def new(primed: bool = False) -> _Recognizer:
        rec = _Recognizer(model)
        if made is not None:
            made.append(rec)
        return rec

    speech = fake_speech(tmp_path)
    speech.new_recognizer = new  # type: ignore[method-assign]
    return speech


@contextlib.contextmanager
def _decode_thread_busy() -> Iterator[threading.Event]:
    """Holds the process's one Whisper decode thread until the event is set."""
    release = threading.Event()
    held = whisper_engine._executor.submit(release.wait, 60)
    try:
        yield release
    finally:
        release.set()
        held.result(timeout=60)


def _say(utterance: Utterance, ms: int) -> None:
    for i in range(0, ms, 20):
        utterance.feed(tone(20, hz=300 + 37 * (i // 20 % 7), level=8000))
    for _ in range(5):  # 100 ms of pause
        utterance.feed(bytes(FRAME))


async def test_a_talked_over_speculation_is_never_decoded_and_the_next_one_is(
    tmp_path: Path,
) -> None:
    """The caller paused (a speculative decode queued behind another stream's decode),
    spoke on, and paused again: only the second pause's audio is decoded."""
    model = _RecordingWhisperModel()
    made: list[_Recognizer] = []
    speech = _whisper_speech(tmp_path, model, made)
    utterance = Utterance(speech, [], None)
    with _decode_thread_busy() as release:
        _say(utterance, 600)
        utterance.speculate()
        await asyncio.wait_for(made[-1].queued.wait(), 30)
        utterance.resume()  # the caller speaks again
        _say(utterance, 400)
        utterance.speculate()
        utterance.finish()
        release.set()
        heard = await asyncio.wait_for(utterance.result(), 30)
    assert heard.speculative and heard.text == "yes"
    assert speech.speculation.discarded == 1 and speech.speculation.used == 1
    [decoded] = model.decoded  # the second pause's audio, not the first's
    assert decoded > 16000 * 700 // 1000  # longer than all the first pause had


async def test_opening_a_whisper_stream_does_not_wait_for_a_running_decode(
    tmp_path: Path,
) -> None:
    """A speculation starts its recognizer at the caller's pause: the model look-up must not
    queue behind the decode of another stream."""
    speech = _whisper_speech(tmp_path, _RecordingWhisperModel())
    rec = speech.new_recognizer()
    with _decode_thread_busy():
        await asyncio.wait_for(rec.start("en-US", 8000), 30)  # the decode thread is held
        rec.abort()
        await asyncio.wait_for(rec.close(), 30)
    assert [r async for r in rec] == []
