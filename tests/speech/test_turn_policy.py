"""The end-of-turn decision (`asr_tts.turn_policy`) as a table: silence, verdict, text."""

from __future__ import annotations

import pytest

from asr_tts.turn_policy import SmartTurnSettings, ask_at, turn_over, wait_ms

TWO_WAITS = SmartTurnSettings(check_ms=100, complete_ms=150, incomplete_ms=1000, cap_ms=1500,
                              threshold=0.5, unsure_ms=None, use_text=False)
GRADED = SmartTurnSettings(check_ms=100, complete_ms=150, unsure_ms=300, incomplete_ms=900,
                           cap_ms=1500, threshold=0.5, use_text=False)
TEXT = SmartTurnSettings(check_ms=100, complete_ms=150, incomplete_ms=1000, cap_ms=1500,
                         threshold=0.5, unsure_ms=None, use_text=True)


@pytest.mark.parametrize(("settings", "probability", "text", "expected"), [
    (TWO_WAITS, None, None, None),          # nothing known: the VAD window decides
    (TWO_WAITS, 0.9, None, 150),
    (TWO_WAITS, 0.5, None, 150),            # the threshold itself is complete
    (TWO_WAITS, 0.49, None, 1000),
    (TWO_WAITS, 0.0, None, 1000),
    (TWO_WAITS, 0.9, "incomplete", 150),    # text ignored unless use_text
    (GRADED, 0.9, None, 150),
    (GRADED, 0.25, None, 600),              # halfway below the threshold: halfway wait
    (GRADED, 0.0, None, 900),
    (GRADED, 0.4999, None, 300),
    (TEXT, 0.9, "incomplete", 1000),        # "…и" beats an audio verdict of complete
    (TEXT, 0.1, "complete", 150),           # a full answer beats an unsure audio verdict
    (TEXT, None, "complete", 150),
    (TEXT, None, "incomplete", 1000),
    (TEXT, 0.9, "unknown", 150),            # the words cannot tell: the audio decides
    (TEXT, 0.1, "unknown", 1000),
    (TEXT, None, "unknown", None),
])
def test_wait(settings: SmartTurnSettings, probability: float | None, text: str | None,
              expected: int | None) -> None:
    assert wait_ms(settings, probability, text) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("silence", "probability", "text", "pending", "over"), [
    (140, 0.9, None, False, False),
    (160, 0.9, None, False, True),
    (160, 0.9, None, True, False),     # the pause's transcript is on its way: wait for it
    (400, 0.9, None, True, False),
    (160, 0.9, "unknown", False, True),
    (160, 0.9, "incomplete", False, False),
    (1000, 0.9, "incomplete", False, True),
    (160, None, "complete", False, True),
    (1400, None, None, False, False),  # no verdict at all: only the VAD's cap ends it
])
def test_turn_over(silence: int, probability: float | None, text: str | None, pending: bool,
                   over: bool) -> None:
    assert turn_over(TEXT, silence, probability, text, pending) is over  # type: ignore[arg-type]


def test_without_text_a_pending_transcript_does_not_hold_the_turn() -> None:
    assert turn_over(TWO_WAITS, 160, 0.9, None, text_pending=True)


RECHECK = SmartTurnSettings(check_ms=100, complete_ms=150, recheck_ms=260, threshold=0.5)


@pytest.mark.parametrize(("silence", "asked", "probability", "ask"), [
    (80, 0, None, False),
    (100, 0, None, True),
    (120, 1, None, False),    # the first answer has not come back
    (200, 1, 0.2, False),     # too early for the second look
    (260, 1, 0.2, True),
    (260, 1, 0.8, False),     # a complete verdict is not asked again
    (400, 2, 0.2, False),     # two looks per pause at most
])
def test_ask_at(silence: int, asked: int, probability: float | None, ask: bool) -> None:
    assert ask_at(RECHECK, silence, asked, probability) is ask


def test_without_recheck_the_model_is_asked_once() -> None:
    assert not ask_at(TWO_WAITS, 500, 1, 0.1)


@pytest.mark.parametrize("kwargs", [
    {"check_ms": 300, "complete_ms": 200},
    {"complete_ms": 1200, "incomplete_ms": 1000},
    {"incomplete_ms": 1000, "cap_ms": 900},
    {"threshold": 1.0},
    {"recheck_ms": 100},
    {"recheck_ms": 1500},
    {"unsure_ms": 100},
    {"unsure_ms": 1100},
])
def test_bad_settings_are_refused(kwargs: dict[str, int | float]) -> None:
    with pytest.raises(ValueError):
        SmartTurnSettings(**kwargs)  # type: ignore[arg-type]
