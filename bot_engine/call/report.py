"""What every live call produces: transcript turns, timings, consent evidence, the result
and the call's metadata, as one typed document."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot_engine.call.amd.result import AmdResult
from bot_engine.call.timings import ConsentEvidence, TimingSummary, TurnTimings
from bot_engine.dialog.actions import DialogResult


class TranscriptTurn(BaseModel):
    """One line of the call. Offsets are milliseconds into the recording (from answer)."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["bot", "caller", "event"]
    text: str
    step: str | None = None
    at: datetime | None = None
    start_ms: int | None = None
    end_ms: int | None = None
    confidence: float | None = None
    alternatives: list[str] = Field(default_factory=list)
    engine: str | None = None
    interrupted: bool = False
    """caller: this turn barged into a prompt; bot: this prompt was cut short."""
    heard_ms: int | None = None
    """bot: how much of the prompt went out."""

    def as_json(self) -> dict[str, Any]:
        """The `voicebot chat --json` transcript entry, plus the live call's fields."""
        data = self.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        data.setdefault("role", self.role)
        data.setdefault("text", self.text)
        return data


class BargeIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    step: str | None
    trigger: Literal["onset", "speech", "dtmf"] = "speech"
    """What stopped the prompt: the speech onset (then confirmed as a word), the VAD's
    speech start (onset pausing turned off), or a key."""
    heard_ms: int
    """How much of the prompt(s) the caller heard."""
    stop_ms: float
    """From the detection (the speech onset that paused the prompt, or a key) to the prompt
    being stopped (the send queue cleared)."""
    onset_to_stop_ms: float
    """From the start of the caller's first loud voiced frame (as it reached the robot) to
    the stop. The word check (the VAD's longer speech-start window) runs while the prompt
    is paused, so noise shorter than a word costs a short pause, never an interruption."""


class PromptResume(BaseModel):
    """A prompt paused at a speech onset that never became a word, then resumed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: str | None
    at_ms: int
    """When the prompt paused, in ms from the answer (the recording's timeline)."""
    paused_ms: float
    """How long the caller heard nothing from the robot."""


class CallMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    call_id: str
    direction: Literal["inbound", "outbound"]
    caller: str
    callee: str
    transport: str
    script_id: str
    script_version: str | None = None
    started_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    hangup_cause: str | None = None
    asr_engine: str | None = None
    tts_engine: str | None = None


class CallReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    call: CallMeta
    variables: dict[str, Any] = Field(default_factory=dict)
    result: DialogResult
    transcript: list[TranscriptTurn] = Field(default_factory=list)
    timings: list[TurnTimings] = Field(default_factory=list)
    consent: list[ConsentEvidence] = Field(default_factory=list)
    barge_ins: list[BargeIn] = Field(default_factory=list)
    resumed_prompts: list[PromptResume] = Field(default_factory=list)
    amd: AmdResult | None = None
    recording: str | None = None

    def offsets(self) -> dict[str, Any]:
        """Where each turn sits in the recording (ms from the answer), and the barge-ins: the
        service stores turns as they happen, before these are known (the console's timeline)."""
        keep = {"role", "text", "step", "start_ms", "end_ms", "interrupted", "heard_ms"}
        return {
            "turns": [t.model_dump(mode="json", include=keep) for t in self.transcript],
            "barge_ins": [b.model_dump(mode="json") for b in self.barge_ins],
        }

    def summary(self) -> TimingSummary | None:
        return TimingSummary.of(self.timings) if self.timings else None

    def document(self) -> dict[str, Any]:
        """`voicebot chat --json`'s shape (result, transcript) plus timings and the call."""
        return {
            "result": self.result.model_dump(mode="json"),
            "transcript": [turn.as_json() for turn in self.transcript],
            "timings": [t.model_dump(mode="json") for t in self.timings],
            "call": self.call.model_dump(mode="json"),
            "consent": [c.model_dump(mode="json") for c in self.consent],
            "barge_ins": [b.model_dump(mode="json") for b in self.barge_ins],
            "resumed_prompts": [r.model_dump(mode="json") for r in self.resumed_prompts],
            "amd": self.amd.model_dump(mode="json") if self.amd else None,
            "recording": self.recording,
        }
