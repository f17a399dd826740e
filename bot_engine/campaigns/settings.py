"""Campaign settings of the service (`VOICEBOT_CAMPAIGNS__*`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CampaignSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dispatch: bool = True
    """Run the dispatcher in this process (several workers may all run it)."""
    poll_s: float = Field(2.0, gt=0, le=60)
    """How often the dispatcher looks when nothing woke it (other workers' changes)."""
    tenant_max_calls: int = Field(30, ge=1, le=100_000)
    """A tenant's calls at once (campaign, single and inbound calls share the ceiling)."""
    inbound_reserve: float = Field(0.2, ge=0, le=1)
    """Share of the ceiling campaigns leave free for inbound calls."""
    max_leads_per_upload: int = Field(100_000, ge=1, le=1_000_000)
    max_upload_bytes: int = Field(50_000_000, ge=1)
    """Body limit of lead and do-not-call uploads (other requests keep `max_body_bytes`)."""
    dnc_default_region: str | None = "RU"
    """Region for reading numbers without +country on single calls and DNC entries."""
