"""One transcript turn, and the live-call marks stored beside the transcript.

A turn is a line of the call: something the robot said (`bot`), something the caller said
or did (`caller`: words, `[dtmf 12]`, `[silence]`), or something that happened (`event`:
a webhook, a transfer, the AMD verdict, the hang-up; `kind` names which). Fields a shell
does not know stay None: a text call has no audio offsets, a key has no confidence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["bot", "caller", "event"]

_UNDERSTANDING = ("intent", "layer", "runner_up")
_CLASSIC = ("at", "step", "confidence")
"""What every delivered and stored turn has carried from the start (null when unknown)."""


class TranscriptTurn(BaseModel):
    """One line of the call. Offsets are milliseconds into the recording (from answer)."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    text: str
    step: str | None = None
    at: datetime | None = None
    kind: str | None = None
    """event: what happened (webhook, transfer, connect, amd, hangup, max_duration, ...)."""
    start_ms: int | None = None
    end_ms: int | None = None
    confidence: float | None = None
    alternatives: list[str] = Field(default_factory=list)
    engine: str | None = None
    interrupted: bool = False
    """caller: this turn barged into a prompt; bot: this prompt was cut short."""
    heard_ms: int | None = None
    """bot: how much of the prompt went out."""
    intent: str | None = None
    """caller: what the Dialog understood (None: nothing matched, or a key)."""
    layer: str | None = None
    """caller: which understanding layer decided (rule, semantic, rasa, llm)."""
    runner_up: tuple[str, float] | None = None
    """caller: the second-best reading and its score, where there was one."""
    connect: dict[str, Any] | None = None
    """event: the `connect` a text call simulated (targets, mode, whisper, ...)."""

    def understood(self, intent: str | None, layer: str | None,
                   runner_up: tuple[str, float] | None) -> None:
        """Record what the Dialog made of this caller turn (its `Understood` action)."""
        self.intent, self.layer, self.runner_up = intent, layer, runner_up

    def as_json(self) -> dict[str, Any]:
        """The `voicebot chat --json` transcript entry, plus a live call's fields: what is
        unknown is left out, except that an understood turn reports its reading whole."""
        data = self.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        data.setdefault("role", self.role)
        data.setdefault("text", self.text)
        if self.layer is not None:
            for name in _UNDERSTANDING:
                data.setdefault(name, None)
        return data

    def stored(self) -> dict[str, Any]:
        """The data of the turn's stored call event (its time is the event's own)."""
        data = self.as_json()
        data.pop("at", None)
        data.setdefault("step", self.step)
        return data

    @classmethod
    def from_stored(cls, data: dict[str, Any], at: datetime | None) -> TranscriptTurn:
        """A turn from a stored call event, whatever version of the service wrote it."""
        known = {k: v for k, v in data.items() if k in cls.model_fields and k != "at"}
        return cls.model_validate({**known, "at": at})

    def delivered(self) -> dict[str, Any]:
        """The turn in a delivered result: the fields every turn always carried, then
        whatever else this one knows."""
        data = self.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        for name in _CLASSIC:
            data.setdefault(name, None)
        return {"role": self.role, "text": self.text, **data}


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
