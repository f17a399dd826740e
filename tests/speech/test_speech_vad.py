"""The endpointer on real espeak-ng speech with silences of known lengths."""

from __future__ import annotations

import pytest

from asr_tts.audio import duration_s, silence, split_frames
from asr_tts.errors import AudioInputError
from asr_tts.vad import Endpointer, SpeechEnd, SpeechStart, VadEvent

from .conftest import Speak


def run(endpointer: Endpointer, pcm: bytes) -> list[VadEvent]:
    events: list[VadEvent] = []
    for frame in split_frames(pcm, endpointer.frame_size):
        if len(frame) == endpointer.frame_size:
            events += endpointer.push(frame)
    return events


@pytest.mark.parametrize("rate", [8000, 16000])
@pytest.mark.parametrize("frame_ms", [10, 20, 30])
async def test_utterances_split_by_long_silence_only(
    speak: Speak, rate: int, frame_ms: int
) -> None:
    first = await speak("Hello, I am calling about your order.", "en-us", rate)
    second = await speak("Yes.", "en-us", rate)
    third = await speak("Thank you very much.", "en-us", rate)
    lead = 0.6
    # 1.2 s pause ends an utterance; 0.25 s pause (shorter than the 600 ms window) does not
    pcm = silence(rate, lead) + first + silence(rate, 1.2) + second + silence(rate, 0.25)
    pcm += third + silence(rate, 1.2)
    endpointer = Endpointer(rate, frame_ms, speech_start_ms=90, speech_end_ms=600)
    events = run(endpointer, pcm)

    kinds = [type(e).__name__ for e in events]
    assert kinds == ["SpeechStart", "SpeechEnd", "SpeechStart", "SpeechEnd"]
    start1, end1, start2, end2 = events
    assert isinstance(start1, SpeechStart) and isinstance(end1, SpeechEnd)
    assert isinstance(start2, SpeechStart) and isinstance(end2, SpeechEnd)
    first_end = lead + duration_s(first, rate)
    assert lead - 0.05 <= start1.time_s <= lead + 0.3
    assert end1.speech_end_s == pytest.approx(first_end, abs=0.25)
    # speech end is detected one window after the last voiced frame
    assert end1.time_s - end1.speech_end_s == pytest.approx(0.6, abs=0.1)
    second_start = first_end + 1.2
    assert second_start - 0.05 <= start2.time_s <= second_start + 0.3
    total = duration_s(pcm, rate)
    assert end2.speech_end_s == pytest.approx(total - 1.2, abs=0.25)


async def test_speech_start_carries_pre_roll(speak: Speak) -> None:
    rate = 8000
    pcm = await speak("Good morning.", "en-us", rate, lead_s=1.0, tail_s=1.0)
    endpointer = Endpointer(rate, 20, speech_start_ms=100, speech_end_ms=500, pre_roll_ms=300)
    events = run(endpointer, pcm)
    start = events[0]
    assert isinstance(start, SpeechStart)
    # pre-roll (300 ms) + trigger window (100 ms) of audio, ending at the trigger frame
    assert duration_s(start.audio, rate) == pytest.approx(0.4, abs=1e-9)
    assert start.audio_start_s == pytest.approx(start.time_s - 0.4)
    offset = int(start.audio_start_s * rate) * 2
    assert start.audio == pcm[offset : offset + len(start.audio)]


def test_silence_gives_no_events() -> None:
    endpointer = Endpointer(8000, 20)
    assert run(endpointer, silence(8000, 3.0)) == []
    assert not endpointer.in_speech


async def test_each_frame_is_classified_once(speak: Speak) -> None:
    """The ring keeps flags: webrtcvad runs exactly once per pushed frame."""

    class CountingEndpointer(Endpointer):
        calls = 0

        def is_speech(self, frame: bytes) -> bool:
            CountingEndpointer.calls += 1
            return super().is_speech(frame)

    pcm = await speak("One two three four five.", "en-us", 8000, lead_s=0.5, tail_s=1.0)
    endpointer = CountingEndpointer(8000, 20)
    frames = len(pcm) // endpointer.frame_size
    run(endpointer, pcm)
    assert CountingEndpointer.calls == frames


def test_bad_frames_and_settings_are_clear_errors() -> None:
    endpointer = Endpointer(8000, 20)
    with pytest.raises(AudioInputError, match="320 bytes"):
        endpointer.push(bytes(100))
    with pytest.raises(AudioInputError, match="8000 or 16000"):
        Endpointer(44100, 20)
    with pytest.raises(AudioInputError, match="10, 20 or 30"):
        Endpointer(8000, 25)
    with pytest.raises(ValueError, match="speech_end_ms"):
        Endpointer(8000, 20, speech_end_ms=10)
