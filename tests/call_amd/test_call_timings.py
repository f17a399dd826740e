"""Per-turn timing records and consent evidence."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from bot_engine.call.timings import (
    ConsentEvidence,
    TimingSummary,
    TurnTimestamps,
    compute_turn_timings,
    percentile,
)


def stamps(**overrides: float) -> TurnTimestamps:
    base = {
        "speech_end": 100.000,
        "endpoint": 100.500,
        "asr_final": 100.620,
        "dialogue_done": 100.623,
        "first_audio": 100.625,
        "first_packet": 100.641,
    }
    return TurnTimestamps(**{**base, **overrides})


def test_the_gap_is_split_along_the_pipeline() -> None:
    t = compute_turn_timings(stamps(), turn=3, step_id="ask_budget")
    assert (t.endpointing_ms, t.asr_final_ms, t.dialogue_ms, t.tts_ms, t.send_ms) == pytest.approx(
        (500.0, 120.0, 3.0, 2.0, 16.0), abs=1e-6
    )
    assert t.response_gap_ms == pytest.approx(641.0, abs=1e-6)
    assert t.engine_added_ms == pytest.approx(21.0, abs=1e-6)
    dumped = json.loads(t.model_dump_json())
    assert dumped["response_gap_ms"] == pytest.approx(641.0, abs=1e-6)
    assert dumped["step_id"] == "ask_budget"


def test_an_asr_final_before_the_endpoint_costs_no_asr_time() -> None:
    t = compute_turn_timings(stamps(asr_final=100.4), turn=0)
    assert t.asr_final_ms == 0.0
    assert t.dialogue_ms == pytest.approx(123.0, abs=1e-6)  # from the endpoint
    assert t.response_gap_ms == pytest.approx(641.0, abs=1e-6)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"endpoint": 99.0}, "endpoint is before speech_end"),
        ({"first_packet": 100.6}, "first_packet"),
        ({"dialogue_done": 100.61}, "dialogue_done"),
        ({"first_audio": float("nan")}, "finite"),
    ],
)
def test_out_of_order_stamps_are_a_clear_error(overrides: dict[str, float], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        stamps(**overrides)


def test_summary_percentiles() -> None:
    timings = [
        compute_turn_timings(stamps(first_packet=100.625 + i / 1000), turn=i) for i in range(1, 101)
    ]
    summary = TimingSummary.of(timings)
    assert summary.turns == 100
    assert summary.engine_added_p50_ms == pytest.approx(5.0 + 50, abs=1e-6)
    assert summary.engine_added_p95_ms == pytest.approx(5.0 + 95, abs=1e-6)
    assert summary.gap_p95_ms == pytest.approx(625.0 + 95, abs=1e-6)
    assert percentile([3.0], 95) == 3.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_consent_evidence_from_recording_samples() -> None:
    at = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
    ev = ConsentEvidence.from_samples(
        step_id="consent",
        utterance="да, согласен",
        at=at,
        start_sample=8000 * 12 + 4,
        end_sample=8000 * 13 + 4,
        sample_rate=8000,
        confidence=0.93,
        recording="calls/abc.wav",
    )
    assert (ev.audio_start_ms, ev.audio_end_ms) == (12000, 13001)  # the span is not cut short
    again = ConsentEvidence.model_validate_json(ev.model_dump_json())
    assert again == ev
    with pytest.raises(ValidationError, match="audio_end_ms"):
        ConsentEvidence(step_id="c", utterance="да", at=at, audio_start_ms=5, audio_end_ms=5)
    with pytest.raises(ValidationError):
        ConsentEvidence(
            step_id="c", utterance="да", at=datetime(2026, 1, 1), audio_start_ms=0, audio_end_ms=5
        )
