"""The typed AMD verdict handed to the call session (and from it to the Dialog)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class AmdDecision(StrEnum):
    HUMAN = "human"
    MACHINE = "machine"
    NOT_SURE = "not_sure"


class AmdReason(StrEnum):
    """Why the detector decided; the names follow app_amd's AMDCAUSE where they exist."""

    INITIAL_SILENCE = "initial_silence"
    LONG_GREETING = "long_greeting"
    MAX_WORDS = "max_words"
    MAX_WORD_LENGTH = "max_word_length"
    SILENCE_AFTER_GREETING = "silence_after_greeting"
    BEEP = "beep"
    PHRASE = "phrase"
    TOO_LONG = "too_long"


class AmdResult(BaseModel):
    """One final verdict: it never changes once made."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decision: AmdDecision
    reason: AmdReason
    at_ms: int = Field(ge=0)
    """Audio time since answer when the verdict was made."""
    detail: str = ""
    """Human-readable evidence: the matched phrase, the beep frequency, the counts."""
    words: int = Field(0, ge=0)
    speech_ms: int = Field(0, ge=0)


class BeepEvent(BaseModel):
    """A stable tone, reported once it lasted the minimum; `end_ms` when it stopped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    frequency_hz: float
    start_ms: int = Field(ge=0)
    detected_ms: int = Field(ge=0)
    end_ms: int | None = None
