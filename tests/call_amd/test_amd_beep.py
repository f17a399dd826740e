"""Beep detection: minimum duration, end of beep, and a real beep after real speech."""

from __future__ import annotations

from types import ModuleType

import numpy as np

from bot_engine.call.amd import AmdDecision, AmdReason, AnsweringMachineDetector, BeepSettings
from bot_engine.call.amd.beep import BeepDetector

from .conftest import call_audio, speech

RATE = 8000


def frames(audio: np.ndarray) -> list[np.ndarray]:
    return [audio[i : i + 160] for i in range(0, audio.size - 159, 160)]


def run(detector: BeepDetector, audio: np.ndarray) -> list:
    events = []
    for i, frame in enumerate(frames(audio)):
        event = detector.feed(frame, i * 20)
        if event is not None:
            events.append(event)
    return events


def tone_ms(freq: float, ms: int, amplitude: float = 8000.0) -> np.ndarray:
    t = np.arange(RATE * ms // 1000) / RATE
    return amplitude * np.sin(2 * np.pi * freq * t)


def quiet(ms: int) -> np.ndarray:
    return np.zeros(RATE * ms // 1000)


def test_a_tone_shorter_than_the_minimum_is_no_beep() -> None:
    events = run(
        BeepDetector(BeepSettings()), np.concatenate([quiet(200), tone_ms(1000, 100), quiet(300)])
    )
    assert events == []


def test_a_beep_is_confirmed_after_150_ms_and_its_end_reported() -> None:
    detector = BeepDetector(BeepSettings())
    audio = np.concatenate([quiet(200), tone_ms(1000, 400), quiet(300)])
    events = run(detector, audio)
    assert len(events) == 2
    started, ended = events
    assert started.frequency_hz == 1000.0
    assert started.start_ms == 200
    assert started.detected_ms == 200 + 160  # 150 ms rounded up to whole 20 ms frames
    assert started.end_ms is None
    assert ended.end_ms == 600
    assert detector.beeps == [ended]


def test_the_minimum_duration_is_configurable() -> None:
    detector = BeepDetector(BeepSettings(min_duration_ms=300))
    assert run(detector, np.concatenate([tone_ms(1400, 260), quiet(100)])) == []
    assert len(run(detector, np.concatenate([tone_ms(1400, 340), quiet(100)]))) == 2


def test_a_frequency_jump_starts_a_new_tone() -> None:
    # SIT-like tri-tone: three separate tones, each long enough to be a beep of its own.
    detector = BeepDetector(BeepSettings())
    audio = np.concatenate([tone_ms(914, 280), tone_ms(1371, 280), tone_ms(1777, 380), quiet(100)])
    events = run(detector, audio)
    found = [e.frequency_hz for e in detector.beeps]
    assert len(found) == 3
    for got, want in zip(found, (914.0, 1371.0, 1777.0), strict=True):
        assert abs(got - want) <= 6.25
    assert len(events) == 6


def test_real_speech_then_a_beep(dataset: ModuleType) -> None:
    """espeak-ng voicemail greeting, a pause, then a 1 kHz beep: the beep is found where
    it was put, and no speech frame is mistaken for one."""
    greeting = speech(dataset, "Оставьте сообщение после сигнала.", "ru")
    lead = dataset.silence(0.4)
    gap = dataset.silence(0.3)
    beep = dataset.tone(1000.0, 0.4, 0.3)
    pcm = call_audio(dataset, lead, greeting, gap, beep, dataset.silence(0.5))
    beep_start_ms = (lead.size + greeting.size + gap.size) * 1000 // RATE

    detector = AnsweringMachineDetector()
    for off in range(0, len(pcm), 320):
        detector.feed_audio(pcm[off : off + 320])
        if detector.beep is not None and detector.beep.end_ms is None:
            assert detector.elapsed_ms >= beep_start_ms + 150
    result = detector.finish()
    assert result.decision is AmdDecision.MACHINE
    assert detector.beep is not None
    assert detector.beep_ended
    assert abs(detector.beep.frequency_hz - 1000.0) <= 12.5
    assert abs(detector.beep.start_ms - beep_start_ms) <= 40
    assert detector.beep.end_ms is not None
    assert abs(detector.beep.end_ms - (beep_start_ms + 400)) <= 40


def test_speech_alone_has_no_beep(dataset: ModuleType) -> None:
    for text, voice in (
        ("Здравствуйте, вы позвонили Ивану. Оставьте сообщение.", "ru"),
        ("Hi, you've reached Mark, please leave a message.", "en-us"),
        ("Ааааа", "ru+f3"),
    ):
        pcm = call_audio(dataset, dataset.silence(0.3), speech(dataset, text, voice))
        detector = AnsweringMachineDetector()
        detector.feed_audio(pcm)
        assert detector.beep is None, text


def test_waiting_for_the_beep_after_the_verdict(dataset: ModuleType) -> None:
    """The verdict comes from the long greeting; the beep is still tracked afterwards,
    so a script can leave its message when the beep ends."""
    greeting = speech(
        dataset,
        "Здравствуйте! Вы позвонили Ивану Петрову. Сейчас я не могу ответить на ваш звонок. "
        "Оставьте, пожалуйста, сообщение после сигнала.",
    )
    pcm = call_audio(
        dataset,
        dataset.silence(0.3),
        greeting,
        dataset.silence(0.4),
        dataset.tone(1400.0, 0.3, 0.2),
        dataset.silence(0.4),
    )
    detector = AnsweringMachineDetector()
    decided_before_beep = False
    for off in range(0, len(pcm), 320):
        detector.feed_audio(pcm[off : off + 320])
        if detector.decided and detector.beep is None:
            decided_before_beep = True
    assert decided_before_beep
    assert detector.result is not None
    assert detector.result.reason is not AmdReason.BEEP
    assert detector.beep_ended
