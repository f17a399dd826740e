"""The app_amd-style greeting timer on exact speech/silence patterns."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot_engine.call.amd import AmdDecision, AmdReason, AmdSettings
from bot_engine.call.amd.timing import GreetingTimer, TimingVerdict


def run(settings: AmdSettings, pattern: list[tuple[bool, int]]) -> tuple[TimingVerdict | None, int]:
    """Feed (is_speech, ms) runs; return the first verdict and the time it came."""
    timer = GreetingTimer(settings)
    for is_speech, ms in pattern:
        for _ in range(ms // 20):
            verdict = timer.feed(is_speech)
            if verdict is not None:
                return verdict, timer.elapsed_ms
    return None, timer.elapsed_ms


S = AmdSettings()


def test_short_greeting_then_silence_is_human() -> None:
    verdict, at = run(S, [(False, 400), (True, 500), (False, 3000)])
    assert verdict is not None
    assert verdict.decision is AmdDecision.HUMAN
    assert verdict.reason is AmdReason.SILENCE_AFTER_GREETING
    assert at == 400 + 500 + S.after_greeting_silence_ms


def test_the_greeting_start_is_where_the_first_word_began() -> None:
    timer = GreetingTimer(S)
    for is_speech, ms in [(False, 400), (True, 40), (False, 100), (True, 300)]:
        for _ in range(ms // 20):
            timer.feed(is_speech)
    assert timer.greeting_start_ms == 540  # the 40 ms click is no word


def test_initial_silence_is_a_machine_by_default_and_configurable() -> None:
    verdict, at = run(S, [(False, 6000)])
    assert verdict is not None
    assert (verdict.decision, verdict.reason) == (AmdDecision.MACHINE, AmdReason.INITIAL_SILENCE)
    assert at == S.initial_silence_ms
    patient = AmdSettings(initial_silence_decision="not_sure")
    verdict, _ = run(patient, [(False, 6000)])
    assert verdict is not None
    assert verdict.decision is AmdDecision.NOT_SURE


def test_long_greeting_is_a_machine() -> None:
    # Two long words with a short pause: no word-count verdict, but too much speech.
    verdict, at = run(S, [(False, 200), (True, 900), (False, 200), (True, 900)])
    assert verdict is not None
    assert (verdict.decision, verdict.reason) == (AmdDecision.MACHINE, AmdReason.LONG_GREETING)
    assert at == 200 + 900 + 200 + (S.greeting_ms - 900)


def test_many_words_are_a_machine() -> None:
    pattern = [(False, 300)] + [(True, 200), (False, 200)] * 6
    verdict, _ = run(S, pattern)
    assert verdict is not None
    assert (verdict.decision, verdict.reason) == (AmdDecision.MACHINE, AmdReason.MAX_WORDS)


def test_blips_shorter_than_a_word_do_not_start_a_greeting() -> None:
    # Clicks of 40 ms keep the line in initial silence.
    pattern = [(False, 300), (True, 40)] * 10
    verdict, _ = run(S, pattern)
    assert verdict is not None
    assert verdict.reason is AmdReason.INITIAL_SILENCE


def test_one_endless_word_hits_the_maximum_word_length() -> None:
    settings = AmdSettings(greeting_ms=60000, total_analysis_ms=60000)
    verdict, at = run(settings, [(False, 100), (True, 10000)])
    assert verdict is not None
    assert verdict.reason is AmdReason.MAX_WORD_LENGTH
    assert at == 100 + settings.max_word_ms


def test_analysis_time_is_bounded() -> None:
    """Speech in words short enough, with pauses short enough, never triggers a timing
    rule; the total analysis time still ends it, as not_sure."""
    settings = AmdSettings(max_words=1000, greeting_ms=60000, total_analysis_ms=4000)
    verdict, at = run(settings, [(True, 200), (False, 300)] * 100)
    assert verdict is not None
    assert (verdict.decision, verdict.reason) == (AmdDecision.NOT_SURE, AmdReason.TOO_LONG)
    assert at == 4000


def test_settings_validate_and_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError):
        AmdSettings(greeting_ms=0)
    with pytest.raises(ValidationError, match="max_hz"):
        AmdSettings.model_validate({"beep": {"min_hz": 1500, "max_hz": 1000}})
    with pytest.raises(ValidationError, match="Nyquist"):
        AmdSettings.model_validate({"beep": {"max_hz": 4500}})
    monkeypatch.setenv("VOICEBOT_AMD_GREETING_MS", "2200")
    assert AmdSettings().greeting_ms == 2200
