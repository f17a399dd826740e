"""Calls and their events. Events are appended as they happen, each in its own short
transaction, together with the latest dialog state, so a crash loses almost nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.storage.campaign_models import CampaignAttempt
from bot_engine.storage.ids import new_id
from bot_engine.storage.models import Call, CallEvent, utcnow

ACTIVE_STATUSES = ("ringing", "in_progress")


async def create_call(
    session: AsyncSession,
    *,
    tenant_id: str,
    script_version_id: str,
    to_number: str,
    variables: dict[str, Any],
    delivery_target: dict[str, Any] | None,
    direction: str = "outbound",
    from_number: str | None = None,
    status: str = "queued",
) -> Call:
    now = utcnow()
    call = Call(
        id=new_id(),
        tenant_id=tenant_id,
        script_version_id=script_version_id,
        direction=direction,
        to_number=to_number,
        from_number=from_number,
        variables=variables,
        delivery_target=delivery_target,
        status=status,
        prerender_status="pending",
        created_at=now,
        updated_at=now,
        event_count=0,
    )
    session.add(call)
    await session.flush()
    return call


async def get_call(session: AsyncSession, tenant_id: str, call_id: str) -> Call | None:
    call = await session.get(Call, call_id)
    if call is None or call.tenant_id != tenant_id:
        return None
    return call


async def lock_call(session: AsyncSession, call_id: str) -> Call | None:
    """Load a call for update (a row lock on PostgreSQL; SQLite transactions are exclusive)."""
    return await session.scalar(select(Call).where(Call.id == call_id).with_for_update())


async def list_calls(
    session: AsyncSession,
    tenant_id: str,
    *,
    status: str | None = None,
    direction: str | None = None,
    limit: int = 50,
    before: datetime | None = None,
    outcome: str | None = None,
    phone: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    campaign_id: str | None = None,
) -> list[Call]:
    """Newest first; `phone` matches part of either number, `since`/`until` bound
    `created_at` (`since` inclusive), `campaign_id` keeps the calls of that campaign."""
    query = select(Call).where(Call.tenant_id == tenant_id)
    if status is not None:
        query = query.where(Call.status == status)
    if direction is not None:
        query = query.where(Call.direction == direction)
    if before is not None:
        query = query.where(Call.created_at < before)
    if outcome is not None:
        query = query.where(Call.result["outcome"].as_string() == outcome)
    if phone is not None:
        query = query.where(
            or_(
                Call.to_number.contains(phone, autoescape=True),
                Call.from_number.contains(phone, autoescape=True),
            )
        )
    if since is not None:
        query = query.where(Call.created_at >= since)
    if until is not None:
        query = query.where(Call.created_at < until)
    if campaign_id is not None:
        attempts = select(CampaignAttempt.call_id).where(
            CampaignAttempt.campaign_id == campaign_id
        )
        query = query.where(Call.id.in_(attempts))
    rows = await session.scalars(query.order_by(Call.created_at.desc(), Call.id).limit(limit))
    return list(rows)


async def add_event(
    session: AsyncSession,
    call: Call,
    kind: str,
    data: dict[str, Any],
    at: datetime | None = None,
) -> CallEvent:
    call.event_count += 1
    call.updated_at = utcnow()
    event = CallEvent(
        call_id=call.id, seq=call.event_count, kind=kind, data=data, at=at or utcnow()
    )
    session.add(event)
    await session.flush()
    return event


async def list_events(
    session: AsyncSession, call_id: str, kinds: tuple[str, ...] | None = None
) -> list[CallEvent]:
    query = select(CallEvent).where(CallEvent.call_id == call_id)
    if kinds is not None:
        query = query.where(CallEvent.kind.in_(kinds))
    rows = await session.scalars(query.order_by(CallEvent.seq))
    return list(rows)


async def unfinished_calls(session: AsyncSession) -> list[Call]:
    """Calls a previous process left ringing or in progress (all tenants: used by recovery)."""
    rows = await session.scalars(
        select(Call).where(Call.status.in_(ACTIVE_STATUSES)).order_by(Call.created_at)
    )
    return list(rows)


async def queued_call_ids(session: AsyncSession) -> list[str]:
    rows = await session.scalars(
        select(Call.id).where(Call.status == "queued").order_by(Call.created_at)
    )
    return list(rows)
