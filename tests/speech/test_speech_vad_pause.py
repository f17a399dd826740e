"""The endpointer's trailing silence, which starts speculative decodes at a pause."""

from __future__ import annotations

import itertools

import pytest

from asr_tts.audio import silence, split_frames
from asr_tts.vad import Endpointer, SpeechEnd, SpeechStart

from .conftest import Speak


async def test_trailing_silence_grows_in_a_pause_and_resets_on_speech(speak: Speak) -> None:
    rate = 8000
    word = await speak("Hello there, how are you?", "en-us", rate)
    pcm = silence(rate, 0.3) + word + silence(rate, 0.2) + word + silence(rate, 1.0)
    endpointer = Endpointer(rate, 20, speech_start_ms=100, speech_end_ms=600)
    quiet: list[int] = []
    events: list[type] = []
    for frame in split_frames(pcm, endpointer.frame_size):
        if len(frame) != endpointer.frame_size:
            continue
        events += [type(e) for e in endpointer.push(frame)]
        quiet.append(endpointer.trailing_silence_ms)
        if not endpointer.in_speech:
            assert endpointer.trailing_silence_ms == 0

    assert events == [SpeechStart, SpeechEnd]  # the 200 ms pause does not end the utterance
    assert max(quiet) < 600
    pauses = [ms for ms in quiet if ms >= 100]
    assert pauses, "the 200 ms pause is seen as trailing silence"
    # every step is either one more frame of silence or a reset by a voiced frame
    for before, after in itertools.pairwise(quiet):
        assert after in (0, before + 20)


def test_reset_clears_trailing_silence() -> None:
    endpointer = Endpointer(8000, 20)
    endpointer.push(bytes(endpointer.frame_size))
    endpointer.reset()
    assert endpointer.trailing_silence_ms == 0


async def test_a_floor_trims_the_hangover_without_splitting_answers(speak: Speak) -> None:
    rate = 8000
    ends: dict[float, list[float]] = {0.0: [], 100.0: []}
    for text in ("No.", "About two thousand dollars.", "No, thank you.", "Next month."):
        pcm = silence(rate, 0.3) + await speak(text, "en-us", rate) + silence(rate, 1.0)
        for floor, found in ends.items():
            endpointer = Endpointer(rate, 20, speech_start_ms=200, speech_end_ms=300,
                                    floor_rms=floor)
            events = [e for f in split_frames(pcm, endpointer.frame_size)
                      if len(f) == endpointer.frame_size for e in endpointer.push(f)]
            assert [type(e) for e in events] == [SpeechStart, SpeechEnd], (text, floor)
            end = events[1]
            assert isinstance(end, SpeechEnd)
            found.append(end.time_s)
    assert all(f <= u for f, u in zip(ends[100.0], ends[0.0], strict=True))
    assert any(f < u for f, u in zip(ends[100.0], ends[0.0], strict=True))


def test_a_negative_floor_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="floor_rms"):
        Endpointer(8000, 20, floor_rms=-1)
