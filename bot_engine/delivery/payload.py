"""The result document every adapter starts from (and the generic webhook's body)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class TranscriptTurn(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["bot", "caller", "system"]
    text: str
    at: datetime | None = None
    step: str | None = None
    confidence: float | None = None


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
    recording: RecordingLink | None = None
    campaign: CampaignRef | None = None

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True)
