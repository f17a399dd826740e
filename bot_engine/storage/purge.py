"""Queries of the retention purge and of the recordings cap (`service.housekeeping` runs them).

A call is purged as a whole: its delivery attempts, deliveries, events and the call row, in
one transaction per batch. A call whose delivery is still pending is kept until delivery
ends (delivered or dead), so retention never loses a result on its way to a CRM.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.storage.campaign_models import CampaignAttempt
from bot_engine.storage.models import Call, CallEvent, Delivery, DeliveryAttempt, Tenant

CallFile = tuple[str, str | None]
"""(call id, recording path or None)"""


async def tenant_retention(session: AsyncSession) -> list[tuple[str, int | None]]:
    """(tenant id, its own retention in days or None for the default), for every tenant."""
    rows = await session.execute(select(Tenant.id, Tenant.retention_days).order_by(Tenant.id))
    return [(row[0], row[1]) for row in rows]


async def expired_calls(
    session: AsyncSession,
    tenant_id: str,
    created_before: datetime,
    terminal: Collection[str],
    limit: int,
) -> list[CallFile]:
    pending = exists().where(Delivery.call_id == Call.id, Delivery.status == "pending")
    rows = await session.execute(
        select(Call.id, Call.recording_path)
        .where(
            Call.tenant_id == tenant_id,
            Call.created_at < created_before,
            Call.status.in_(terminal),
            ~pending,
        )
        .order_by(Call.created_at)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]


async def delete_calls(session: AsyncSession, call_ids: Sequence[str]) -> None:
    """Delete the calls with everything that hangs off them (children first: foreign keys)."""
    deliveries = select(Delivery.id).where(Delivery.call_id.in_(call_ids))
    await session.execute(
        delete(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id.in_(deliveries))
        .execution_options(synchronize_session=False)
    )
    for statement in (
        # A campaign keeps its attempts (and their outcomes) after the calls are gone.
        update(CampaignAttempt)
        .where(CampaignAttempt.call_id.in_(call_ids))
        .values(call_id=None),
        delete(Delivery).where(Delivery.call_id.in_(call_ids)),
        delete(CallEvent).where(CallEvent.call_id.in_(call_ids)),
        delete(Call).where(Call.id.in_(call_ids)),
    ):
        await session.execute(statement.execution_options(synchronize_session=False))


async def surplus_recordings(
    session: AsyncSession,
    tenant_id: str,
    keep: int,
    terminal: Collection[str],
    limit: int,
) -> list[CallFile]:
    """The tenant's outbound calls with a recording beyond the `keep` newest (ended calls
    only: a recording being written is never taken away)."""
    rows = await session.execute(
        select(Call.id, Call.recording_path)
        .where(
            Call.tenant_id == tenant_id,
            Call.direction == "outbound",
            Call.recording_path.is_not(None),
            Call.status.in_(terminal),
        )
        .order_by(Call.created_at.desc(), Call.id.desc())
        .offset(keep)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]


async def forget_recordings(session: AsyncSession, call_ids: Sequence[str]) -> None:
    await session.execute(
        update(Call)
        .where(Call.id.in_(call_ids))
        .values(recording_path=None)
        .execution_options(synchronize_session=False)
    )
