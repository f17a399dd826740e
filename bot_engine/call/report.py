"""What every live call produces: transcript turns, timings, consent evidence, the result
and the call's metadata, as one typed document (its parts that other shells and the
stored call share live in `bot_engine.record`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot_engine.call.amd.result import AmdResult
from bot_engine.call.timings import ConsentEvidence, TimingSummary, TurnTimings
from bot_engine.dialog.actions import DialogResult
from bot_engine.record import BargeIn, HangupCause, PromptResume, TranscriptTurn


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
    hangup_cause: HangupCause | None = None
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
        """Where each turn sits in the recording (ms from the answer), the barge-ins and the
        resumed prompts: the service stores turns as they happen, before these are known
        (the console's timeline)."""
        keep = {"role", "text", "kind", "step", "start_ms", "end_ms", "interrupted", "heard_ms"}
        return {
            "turns": [t.model_dump(mode="json", include=keep) for t in self.transcript],
            "barge_ins": [b.model_dump(mode="json") for b in self.barge_ins],
            "resumed_prompts": [r.model_dump(mode="json") for r in self.resumed_prompts],
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
