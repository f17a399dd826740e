"""The combined detector on real espeak-ng speech over a telephone line."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from bot_engine.call.amd import (
    AmdDecision,
    AmdInputError,
    AmdReason,
    AmdSettings,
    AnsweringMachineDetector,
)

from .conftest import call_audio, speech, to_pcm

HUMAN = [
    ("Алло?", "ru"),
    ("Да, слушаю.", "ru+f2"),
    ("Слушаю вас.", "ru+m3"),
    ("Hello?", "en-us"),
    ("Yes?", "en-us+f3"),
]
MACHINE = [
    (
        "Здравствуйте! Вы позвонили Ивану Петрову. Сейчас я не могу ответить на ваш звонок. "
        "Оставьте, пожалуйста, сообщение после сигнала.",
        "ru",
    ),
    ("Аппарат абонента выключен или находится вне зоны действия сети.", "ru+f1"),
    ("Hi, you've reached John Smith. I can't take your call right now.", "en-us"),
    ("The subscriber you are calling is not available. Please try again later.", "en-gb"),
]


def stream(detector: AnsweringMachineDetector, pcm: bytes, chunk: int = 320) -> list:
    """Feed PCM in chunks; collect every non-None return value."""
    returned = []
    for off in range(0, len(pcm), chunk):
        verdict = detector.feed_audio(pcm[off : off + chunk])
        if verdict is not None:
            returned.append(verdict)
    return returned


@pytest.mark.parametrize(("text", "voice"), HUMAN)
def test_live_greetings_are_human(dataset: ModuleType, text: str, voice: str) -> None:
    pcm = call_audio(
        dataset, dataset.silence(0.5), speech(dataset, text, voice), dataset.silence(3)
    )
    detector = AnsweringMachineDetector()
    stream(detector, pcm)
    result = detector.finish()
    assert result.decision is AmdDecision.HUMAN, result
    assert result.reason is AmdReason.SILENCE_AFTER_GREETING


@pytest.mark.parametrize(("text", "voice"), MACHINE)
def test_machine_greetings_are_machines(dataset: ModuleType, text: str, voice: str) -> None:
    pcm = call_audio(
        dataset, dataset.silence(0.5), speech(dataset, text, voice), dataset.silence(2)
    )
    detector = AnsweringMachineDetector()
    stream(detector, pcm)
    result = detector.finish()
    assert result.decision is AmdDecision.MACHINE, result
    assert result.at_ms <= detector.settings.total_analysis_ms


def test_a_noisy_line_is_not_a_greeting(dataset: ModuleType) -> None:
    """Line noise at -35 dBFS from the first frame, then "Алло?": still human."""
    pcm = call_audio(
        dataset,
        dataset.silence(0.8),
        speech(dataset, "Алло?"),
        dataset.silence(3),
        noise_dbfs=-35.0,
    )
    detector = AnsweringMachineDetector()
    stream(detector, pcm)
    assert detector.finish().decision is AmdDecision.HUMAN


def test_short_carrier_phrase_caught_by_text_within_the_grace(dataset: ModuleType) -> None:
    """ "Абонент не отвечает." is short: timing alone would call it a person. With an
    ASR feeding text, the human verdict waits for the text and the phrase wins."""
    lead, said = dataset.silence(0.4), speech(dataset, "Абонент не отвечает.", "ru")
    pcm = call_audio(dataset, lead, said, dataset.silence(3))
    speech_end_ms = (lead.size + said.size) // 8
    detector = AnsweringMachineDetector(AmdSettings(text_grace_ms=1000))
    for off in range(0, len(pcm), 320):
        if detector.elapsed_ms == speech_end_ms // 20 * 20 + 600:
            detector.feed_text("абонент не отвечает", speech_end_ms)
        detector.feed_audio(pcm[off : off + 320])
    result = detector.finish()
    assert (result.decision, result.reason) == (AmdDecision.MACHINE, AmdReason.PHRASE)
    assert "абонент не отвечает" in result.detail


def test_human_verdict_held_for_text_is_released_by_harmless_text(dataset: ModuleType) -> None:
    lead, said = dataset.silence(0.4), speech(dataset, "Алло?", "ru")
    pcm = call_audio(dataset, lead, said, dataset.silence(3))
    speech_end_ms = (lead.size + said.size) // 8
    detector = AnsweringMachineDetector(AmdSettings(text_grace_ms=3000))
    held_at = None
    for off in range(0, len(pcm), 320):
        detector.feed_audio(pcm[off : off + 320])
        if held_at is None and detector.elapsed_ms >= speech_end_ms + 1500:
            held_at = detector.elapsed_ms
            assert not detector.decided  # timing said human; waiting for the text
            assert detector.awaiting_text
            assert detector.feed_text("ал", final=False) is None  # a partial proves nothing
            assert not detector.decided
            verdict = detector.feed_text("алло", speech_end_ms)
            assert verdict is not None
            assert verdict.decision is AmdDecision.HUMAN
            assert verdict.at_ms == held_at


def test_text_already_heard_after_the_greeting_needs_no_grace(dataset: ModuleType) -> None:
    lead, said = dataset.silence(0.4), speech(dataset, "Hello?", "en-us")
    pcm = call_audio(dataset, lead, said, dataset.silence(3))
    speech_end_ms = (lead.size + said.size) // 8
    settings = AmdSettings(text_grace_ms=3000)
    detector = AnsweringMachineDetector(settings)
    for off in range(0, len(pcm), 320):
        detector.feed_audio(pcm[off : off + 320])
        if detector.elapsed_ms == (speech_end_ms + 300) // 20 * 20:
            assert detector.feed_text("hello", speech_end_ms) is None
    result = detector.finish()
    assert result.decision is AmdDecision.HUMAN
    assert result.at_ms < speech_end_ms + settings.after_greeting_silence_ms + 200


def test_the_verdict_never_flips(dataset: ModuleType) -> None:
    """A human verdict stays human through a later long monologue, a beep and a carrier
    phrase; feed_audio returns the verdict exactly once."""
    pcm = call_audio(
        dataset,
        dataset.silence(0.5),
        speech(dataset, "Алло?"),
        dataset.silence(1.5),
        speech(dataset, "Аппарат абонента выключен или находится вне зоны действия сети."),
        dataset.tone(1000.0, 0.5, 0.3),
        dataset.silence(0.5),
    )
    detector = AnsweringMachineDetector()
    returned = stream(detector, pcm, chunk=480)
    assert len(returned) == 1
    first = returned[0]
    assert first.decision is AmdDecision.HUMAN
    assert detector.feed_text("абонент не отвечает") is None
    assert detector.result is first
    assert detector.finish() is first
    assert detector.beep_ended  # still tracked for the session, without changing the verdict


@pytest.mark.parametrize("kind", ["noise_bursts", "babble", "tone_sweep", "silence"])
def test_analysis_time_is_bounded(dataset: ModuleType, kind: str) -> None:
    """Whatever the audio, a verdict comes by `total_analysis_ms`."""
    rng = np.random.default_rng(3)
    seconds = 20
    if kind == "noise_bursts":
        audio = rng.normal(0, 0.2, 8000 * seconds) * (np.arange(8000 * seconds) // 1600 % 2)
    elif kind == "babble":
        words = speech(dataset, "да нет может быть конечно " * 8, "ru")
        audio = np.concatenate([words, words])[: 8000 * seconds]
    elif kind == "tone_sweep":
        t = np.arange(8000 * seconds) / 8000
        audio = 0.3 * np.sin(2 * np.pi * (300 + 50 * t) * t)
    else:
        audio = np.zeros(8000 * seconds)
    settings = AmdSettings(total_analysis_ms=4000)
    detector = AnsweringMachineDetector(settings)
    stream(detector, to_pcm(audio))
    assert detector.result is not None
    assert detector.result.at_ms <= 4000


def test_chunking_does_not_change_the_verdict(dataset: ModuleType) -> None:
    pcm = call_audio(
        dataset, dataset.silence(0.3), speech(dataset, "Да, слушаю."), dataset.silence(2)
    )
    results = []
    for chunk in (320, 160, 1000, 6, len(pcm)):
        detector = AnsweringMachineDetector()
        stream(detector, pcm, chunk)
        results.append(detector.finish())
    assert len({r.model_dump_json() for r in results}) == 1


def test_bad_input_is_a_clear_error() -> None:
    detector = AnsweringMachineDetector()
    with pytest.raises(AmdInputError, match="even number of bytes"):
        detector.feed_audio(b"\x00\x01\x02")
    assert detector.feed_audio(b"") is None
    assert detector.feed_text("") is None
    assert detector.feed_text("\x00\ufffd!!") is None


def test_audio_ending_early_is_not_sure() -> None:
    detector = AnsweringMachineDetector()
    detector.feed_audio(b"\x00\x00" * 800)  # 100 ms, then the caller hung up
    result = detector.finish()
    assert (result.decision, result.reason) == (AmdDecision.NOT_SURE, AmdReason.TOO_LONG)
    assert result.at_ms == 100


def test_waiting_for_text_never_runs_past_the_analysis_time(dataset: ModuleType) -> None:
    pcm = call_audio(dataset, dataset.silence(0.3), speech(dataset, "Алло?"), dataset.silence(8))
    settings = AmdSettings(text_grace_ms=60_000, total_analysis_ms=3000)
    detector = AnsweringMachineDetector(settings)
    stream(detector, pcm)
    assert detector.result is not None
    assert detector.result.decision is AmdDecision.HUMAN
    assert detector.result.at_ms == 3000
