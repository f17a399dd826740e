"""Tables of campaigns, their leads and attempts, the do-not-call list and the numbering plan.

A lead's `state` and `next_at` drive the dispatcher: it claims leads that are `pending`
with `next_at <= now` through the index `(campaign_id, state, next_at)`, so picking the
next due leads costs the same with ten thousand or a million pending. An attempt row links
each call to its lead (one call, one attempt; the call id is unique), and is written in the
same transaction as the call.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot_engine.storage.models import Base, utcnow
from bot_engine.storage.sealing import SealedJSON


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_tenant_created", "tenant_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    name: Mapped[str] = mapped_column(String(200))
    script_version_id: Mapped[str] = mapped_column(ForeignKey("script_versions.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """The validated `CampaignCreate` (schedule, pacing, retries, variables, …) as JSON."""
    webhook: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    pace_at: Mapped[datetime | None] = mapped_column(default=None)
    """The pacing state (theoretical arrival time of the next call)."""
    summary_status: Mapped[str | None] = mapped_column(String(16), default=None)
    """The finished-campaign webhook: pending, delivered or dead (None: none to send)."""
    summary_attempts: Mapped[int] = mapped_column(Integer, default=0)
    summary_next_at: Mapped[datetime | None] = mapped_column(default=None)
    summary_error: Mapped[str | None] = mapped_column(Text, default=None)


class CampaignLead(Base):
    __tablename__ = "campaign_leads"
    __table_args__ = (
        UniqueConstraint("campaign_id", "phone"),
        Index("ix_campaign_leads_due", "campaign_id", "state", "next_at"),
        Index("ix_campaign_leads_outcome", "campaign_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    row: Mapped[int] = mapped_column(Integer)
    """The lead's row in the file it came from (header = row 1)."""
    phone: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str | None] = mapped_column(String(200), default=None)
    variables: Mapped[dict[str, Any]] = mapped_column(default=dict)
    zones: Mapped[list[Any]] = mapped_column(default=list)
    zone_source: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    outcome: Mapped[str | None] = mapped_column(String(64), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    outcome_counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    next_at: Mapped[datetime | None] = mapped_column(default=None)
    call_id: Mapped[str | None] = mapped_column(String(32), default=None)
    """The call in flight (state `calling`), else the last call."""
    note: Mapped[str | None] = mapped_column(String(200), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CampaignAttempt(Base):
    __tablename__ = "campaign_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), index=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("campaign_leads.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    call_id: Mapped[str | None] = mapped_column(ForeignKey("calls.id"), unique=True)
    """None once the call itself was purged (retention): the attempt and outcome stay."""
    started_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome: Mapped[str | None] = mapped_column(String(64), default=None)


class DncEntry(Base):
    """A number the tenant must not call: added by hand, by import, or by the lead asking
    (`opted_out`, with the call as evidence)."""

    __tablename__ = "dnc_entries"
    __table_args__ = (UniqueConstraint("tenant_id", "phone"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    phone: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(500), default=None)
    source: Mapped[str] = mapped_column(String(16), default="api")
    call_id: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NumberingRange(Base):
    """A range of the Russian numbering plan (national 10-digit numbers), shared by all
    tenants: it is public data imported by the operator (`voicebot numbering import`)."""

    __tablename__ = "numbering_ranges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[int] = mapped_column(Integer, index=True)
    first: Mapped[int] = mapped_column(BigInteger, index=True)
    last: Mapped[int] = mapped_column(BigInteger)
    operator: Mapped[str] = mapped_column(String(1000))
    region: Mapped[str] = mapped_column(String(1000))
    zones: Mapped[str | None] = mapped_column(String(400), default=None)
    """Space-separated zones (None: the region is not one we can place)."""
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
