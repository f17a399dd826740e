"""Per-turn timings and consent evidence: typed records a call result carries.

The response gap runs from the end of the caller's speech to the first robot audio
packet. It is split along the pipeline so a slow turn says where the time went:

    speech_end ─endpointing─▶ endpoint ─asr_final─▶ asr_final ─dialogue─▶ dialogue_done
               ─tts─▶ first_audio ─send─▶ first_packet

`engine_added_ms` is what the engine itself adds (dialogue + TTS lookup or synthesis +
send): the gap minus the configured endpointing window and the ASR's own compute, the
figure the design holds to at most 30 ms p95.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, computed_field, model_validator

_MARKS = ("speech_end", "endpoint", "asr_final", "dialogue_done", "first_audio", "first_packet")


class TurnTimestamps(BaseModel):
    """Monotonic clock readings (seconds, e.g. `time.monotonic()`) of one turn's stages,
    all on the same clock."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    speech_end: float
    """End of the caller's speech (the last voiced frame, in media time)."""
    endpoint: float
    """The endpointer decided the caller had finished."""
    asr_final: float
    """The ASR's final result was available. It may precede `endpoint` when the ASR
    endpoints on its own; that turn then spent no time waiting for the ASR."""
    dialogue_done: float
    """The Dialog returned its actions."""
    first_audio: float
    """The first chunk of reply audio was ready (cache hit or first synthesized chunk)."""
    first_packet: float
    """The first robot audio packet was sent."""

    @model_validator(mode="after")
    def _ordered(self) -> TurnTimestamps:
        values = [getattr(self, m) for m in _MARKS]
        if not all(math.isfinite(v) for v in values):
            raise ValueError("timestamps must be finite numbers")
        if self.endpoint < self.speech_end:
            raise ValueError("endpoint is before speech_end")
        previous, prev_name = max(self.endpoint, self.asr_final), "asr_final"
        for name in _MARKS[3:]:
            value = getattr(self, name)
            if value < previous:
                raise ValueError(f"{name} ({value}) is before {prev_name} ({previous})")
            previous, prev_name = value, name
        return self


class TurnTimings(BaseModel):
    """One turn's response gap and its split, in milliseconds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    turn: int = Field(ge=0)
    step_id: str | None = None
    endpointing_ms: float = Field(ge=0)
    asr_final_ms: float = Field(ge=0)
    dialogue_ms: float = Field(ge=0)
    tts_ms: float = Field(ge=0)
    send_ms: float = Field(ge=0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def response_gap_ms(self) -> float:
        return round(
            self.endpointing_ms + self.asr_final_ms + self.dialogue_ms + self.tts_ms + self.send_ms,
            3,
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def engine_added_ms(self) -> float:
        return round(self.dialogue_ms + self.tts_ms + self.send_ms, 3)


def compute_turn_timings(
    stamps: TurnTimestamps, turn: int, step_id: str | None = None
) -> TurnTimings:
    """Split one turn's response gap from its stage timestamps."""

    def ms(a: float, b: float) -> float:
        return round((b - a) * 1000.0, 3)

    heard = max(stamps.endpoint, stamps.asr_final)
    return TurnTimings(
        turn=turn,
        step_id=step_id,
        endpointing_ms=ms(stamps.speech_end, stamps.endpoint),
        asr_final_ms=ms(stamps.endpoint, heard),
        dialogue_ms=ms(heard, stamps.dialogue_done),
        tts_ms=ms(stamps.dialogue_done, stamps.first_audio),
        send_ms=ms(stamps.first_audio, stamps.first_packet),
    )


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a measured turn)."""
    if not values:
        raise ValueError("no values")
    if not 0 < pct <= 100:
        raise ValueError("pct must be in (0, 100]")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class TimingSummary(BaseModel):
    """p50/p95 over many turns, as the response-gap benchmark reports them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    turns: int
    gap_p50_ms: float
    gap_p95_ms: float
    engine_added_p50_ms: float
    engine_added_p95_ms: float

    @classmethod
    def of(cls, timings: Sequence[TurnTimings]) -> TimingSummary:
        gaps = [t.response_gap_ms for t in timings]
        added = [t.engine_added_ms for t in timings]
        return cls(
            turns=len(timings),
            gap_p50_ms=percentile(gaps, 50),
            gap_p95_ms=percentile(gaps, 95),
            engine_added_p50_ms=percentile(added, 50),
            engine_added_p95_ms=percentile(added, 95),
        )


class ConsentEvidence(BaseModel):
    """What proves a consent answer: the words, when, and where they are in the recording."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step_id: str
    utterance: str
    """The caller's words as recognized."""
    confidence: float | None = Field(None, ge=0, le=1)
    at: AwareDatetime
    """Wall-clock time the caller finished the utterance."""
    audio_start_ms: int = Field(ge=0)
    audio_end_ms: int = Field(ge=0)
    """The span of the call recording (offsets from its start) that carries the answer."""
    recording: str | None = None
    """The recording's path or id, when known."""

    @model_validator(mode="after")
    def _span(self) -> ConsentEvidence:
        if self.audio_end_ms <= self.audio_start_ms:
            raise ValueError("audio_end_ms must be after audio_start_ms")
        return self

    @classmethod
    def from_samples(
        cls,
        *,
        step_id: str,
        utterance: str,
        at: datetime,
        start_sample: int,
        end_sample: int,
        sample_rate: int,
        confidence: float | None = None,
        recording: str | None = None,
    ) -> ConsentEvidence:
        """Build evidence from the recording's sample offsets of the utterance."""
        if sample_rate <= 0:
            raise ValueError("sample_rate must be positive")
        return cls(
            step_id=step_id,
            utterance=utterance,
            confidence=confidence,
            at=at,
            audio_start_ms=start_sample * 1000 // sample_rate,
            audio_end_ms=-(-end_sample * 1000 // sample_rate),
            recording=recording,
        )
