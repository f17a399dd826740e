"""The result document every adapter starts from (and the generic webhook's body); its
transcript turns are the call record's own (`bot_engine.record`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from bot_engine.record import TranscriptTurn


class RecordingLink(BaseModel):
    url: str
    expires_at: datetime
    content_type: str = "audio/wav"
    inline_base64: str | None = None


class CallDetails(BaseModel):
    id: str
    direction: str
    to: str
    from_: str | None = Field(default=None, alias="from")
    status: str
    script_id: str
    script_version: int
    variables: dict[str, Any]
    created_at: datetime
    ringing_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    duration_s: float | None = None
    hangup_cause: str | None = None

    model_config = ConfigDict(populate_by_name=True)


class CampaignLeadRef(BaseModel):
    id: int
    external_id: str | None = None
    phone: str


class CampaignRef(BaseModel):
    """Set when the call was placed by a campaign: which one, which lead, which attempt."""

    id: str
    name: str
    lead: CampaignLeadRef
    attempt: int


class ResultDocument(BaseModel):
    """Sent once per result; `idempotency_key` equals the `webhook-id` header."""

    type: Literal["call.result"] = "call.result"
    idempotency_key: str
    call: CallDetails
    result: dict[str, Any]
    transcript: list[TranscriptTurn]
    timings: list[dict[str, Any]] = Field(default_factory=list)
    consent: list[dict[str, Any]] = Field(default_factory=list)
    barge_ins: list[dict[str, Any]] = Field(default_factory=list)
    """Where the caller spoke over a prompt (`record.BargeIn`)."""
    resumed_prompts: list[dict[str, Any]] = Field(default_factory=list)
    """Prompts paused by a noise that was not a word, then resumed (`record.PromptResume`)."""
    amd: dict[str, Any] | None = None
    """The answering-machine verdict of an outbound call that ran AMD."""
    recording: RecordingLink | None = None
    campaign: CampaignRef | None = None

    @field_serializer("transcript")
    def _turns(self, turns: list[TranscriptTurn]) -> list[dict[str, Any]]:
        return [turn.delivered() for turn in turns]

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True)
