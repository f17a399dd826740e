"""Campaigns, leads and attempts: the queries the campaign engine and dispatcher run.

Claims: the dispatcher locks one running campaign row (`FOR UPDATE SKIP LOCKED`: another
worker holding it means that worker is dispatching it now) and its due leads (the same), so
several workers on one PostgreSQL never claim the same lead; a per-tenant advisory lock
serialises the tenant-wide ceiling check. On SQLite, a write transaction is already the
only writer (`BEGIN IMMEDIATE`), which gives the same guarantees for one worker.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.storage.campaign_models import Campaign, CampaignAttempt, CampaignLead
from bot_engine.storage.models import Call

ACTIVE_CALL_STATUSES = ("queued", "ringing", "in_progress")
OPEN_LEAD_STATES = ("pending", "calling")


async def get_campaign(session: AsyncSession, tenant_id: str, campaign_id: str) -> Campaign | None:
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None or campaign.tenant_id != tenant_id:
        return None
    return campaign


async def lock_campaign(session: AsyncSession, campaign_id: str) -> Campaign | None:
    return await session.scalar(
        select(Campaign).where(Campaign.id == campaign_id).with_for_update()
    )


async def claim_campaign(session: AsyncSession, campaign_id: str) -> Campaign | None:
    """The running campaign, locked for this transaction; None when it is not running or
    another worker is dispatching it right now."""
    return await session.scalar(
        select(Campaign)
        .where(Campaign.id == campaign_id, Campaign.status == "running")
        .with_for_update(skip_locked=True)
    )


async def list_campaigns(
    session: AsyncSession,
    tenant_id: str,
    *,
    status: str | None,
    limit: int,
    before: datetime | None,
) -> list[Campaign]:
    query = select(Campaign).where(Campaign.tenant_id == tenant_id)
    if status is not None:
        query = query.where(Campaign.status == status)
    if before is not None:
        query = query.where(Campaign.created_at < before)
    rows = await session.scalars(query.order_by(Campaign.created_at.desc()).limit(limit))
    return list(rows)


async def running_ids(session: AsyncSession) -> list[str]:
    rows = await session.scalars(select(Campaign.id).where(Campaign.status == "running"))
    return list(rows)


async def lock_tenant(session: AsyncSession, tenant_id: str) -> None:
    """Serialise the tenant-wide ceiling check between workers (PostgreSQL; SQLite's write
    transaction is exclusive already)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"tenant:{tenant_id}"}
        )


async def tenant_active_calls(session: AsyncSession, tenant_id: str) -> tuple[int, int]:
    """(outbound, inbound) calls of the tenant queued, ringing or in progress."""
    rows = await session.execute(
        select(Call.direction, func.count())
        .where(Call.status.in_(ACTIVE_CALL_STATUSES), Call.tenant_id == tenant_id)
        .group_by(Call.direction)
    )
    counts = {direction: int(count) for direction, count in rows}
    return counts.get("outbound", 0), counts.get("inbound", 0)


async def count_state(session: AsyncSession, campaign_id: str, state: str) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(CampaignLead)
        .where(CampaignLead.campaign_id == campaign_id, CampaignLead.state == state)
    )
    return int(count or 0)


async def count_due(session: AsyncSession, campaign_id: str, now: datetime) -> int:
    """Pending leads whose window is open (due by now)."""
    count = await session.scalar(
        select(func.count())
        .select_from(CampaignLead)
        .where(
            CampaignLead.campaign_id == campaign_id,
            CampaignLead.state == "pending",
            CampaignLead.next_at <= now,
        )
    )
    return int(count or 0)


async def has_state(session: AsyncSession, campaign_id: str, state: str) -> bool:
    found = await session.scalar(
        select(CampaignLead.id)
        .where(CampaignLead.campaign_id == campaign_id, CampaignLead.state == state)
        .limit(1)
    )
    return found is not None


async def next_due(session: AsyncSession, campaign_id: str) -> datetime | None:
    value: datetime | None = await session.scalar(
        select(func.min(CampaignLead.next_at)).where(
            CampaignLead.campaign_id == campaign_id, CampaignLead.state == "pending"
        )
    )
    if value is not None and value.tzinfo is None:  # func.min skips the column's type
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    elif isinstance(value, str):
        from datetime import UTC

        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value


async def due_leads(
    session: AsyncSession, campaign_id: str, now: datetime, limit: int
) -> list[CampaignLead]:
    """Pending leads due by `now`, earliest first, locked (skipping leads another worker
    holds). The index on (campaign_id, state, next_at) keeps this flat as the list grows."""
    rows = await session.scalars(
        select(CampaignLead)
        .where(
            CampaignLead.campaign_id == campaign_id,
            CampaignLead.state == "pending",
            CampaignLead.next_at <= now,
        )
        .order_by(CampaignLead.next_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(rows)


async def state_counts(session: AsyncSession, campaign_id: str) -> dict[str, int]:
    rows = await session.execute(
        select(CampaignLead.state, func.count())
        .where(CampaignLead.campaign_id == campaign_id)
        .group_by(CampaignLead.state)
    )
    return {state: int(count) for state, count in rows}


async def outcome_counts(session: AsyncSession, campaign_id: str) -> dict[str, int]:
    rows = await session.execute(
        select(CampaignLead.outcome, func.count())
        .where(CampaignLead.campaign_id == campaign_id, CampaignLead.outcome.is_not(None))
        .group_by(CampaignLead.outcome)
    )
    return {str(outcome): int(count) for outcome, count in rows}


async def calls_placed(session: AsyncSession, campaign_id: str) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(CampaignAttempt)
        .where(CampaignAttempt.campaign_id == campaign_id)
    )
    return int(count or 0)


async def insert_leads(session: AsyncSession, rows: list[dict[str, Any]]) -> set[str]:
    """Insert leads, skipping phones the campaign has already (its unique index decides,
    so concurrent uploads cannot both add one); returns the phones inserted."""
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(CampaignLead)
        .on_conflict_do_nothing(index_elements=["campaign_id", "phone"])
        .returning(CampaignLead.phone)
    )
    result = await session.execute(statement, rows)
    return set(result.scalars())


async def list_leads(
    session: AsyncSession,
    campaign_id: str,
    *,
    state: str | None = None,
    outcome: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[CampaignLead]:
    query = select(CampaignLead).where(
        CampaignLead.campaign_id == campaign_id, CampaignLead.id > after_id
    )
    if state is not None:
        query = query.where(CampaignLead.state == state)
    if outcome is not None:
        query = query.where(CampaignLead.outcome == outcome)
    rows = await session.scalars(query.order_by(CampaignLead.id).limit(limit))
    return list(rows)


async def attempts_of(
    session: AsyncSession, lead_ids: Iterable[int]
) -> dict[int, list[CampaignAttempt]]:
    ids = list(lead_ids)
    if not ids:
        return {}
    rows = await session.scalars(
        select(CampaignAttempt)
        .where(CampaignAttempt.lead_id.in_(ids))
        .order_by(CampaignAttempt.lead_id, CampaignAttempt.attempt)
    )
    out: dict[int, list[CampaignAttempt]] = {}
    for attempt in rows:
        out.setdefault(attempt.lead_id, []).append(attempt)
    return out


async def attempt_for_call(session: AsyncSession, call_id: str) -> CampaignAttempt | None:
    return await session.scalar(
        select(CampaignAttempt).where(CampaignAttempt.call_id == call_id).with_for_update()
    )


async def lock_lead(session: AsyncSession, lead_id: int) -> CampaignLead | None:
    return await session.scalar(
        select(CampaignLead).where(CampaignLead.id == lead_id).with_for_update()
    )


async def close_pending(
    session: AsyncSession, campaign_id: str, state: str, note: str, now: datetime
) -> int:
    result = await session.execute(
        update(CampaignLead)
        .where(CampaignLead.campaign_id == campaign_id, CampaignLead.state == "pending")
        .values(state=state, note=note, next_at=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def unplaced_campaign_calls(
    session: AsyncSession, only: Collection[str] | None = None
) -> list[tuple[CampaignLead, Call]]:
    """Leads whose call never left the queue (its process died before dialling); `only`:
    among these calls (a dead worker's)."""
    query = (
        select(CampaignLead, Call)
        .join(Call, Call.id == CampaignLead.call_id)
        .where(CampaignLead.state == "calling", Call.status == "queued")
    )
    if only is not None:
        query = query.where(Call.id.in_(list(only)))
    rows = await session.execute(query)
    return [(lead, call) for lead, call in rows]


async def forget_attempt(session: AsyncSession, call_id: str) -> None:
    await session.execute(delete(CampaignAttempt).where(CampaignAttempt.call_id == call_id))


async def due_summaries(session: AsyncSession, now: datetime, lease_until: datetime) -> list[str]:
    """Claim finished-campaign webhooks that are due (a lease, as the outbox does)."""
    ids = list(
        await session.scalars(
            select(Campaign.id)
            .where(Campaign.summary_status == "pending", Campaign.summary_next_at <= now)
            .limit(20)
        )
    )
    if not ids:
        return []
    result = await session.execute(
        update(Campaign)
        .where(
            Campaign.id.in_(ids),
            Campaign.summary_status == "pending",
            Campaign.summary_next_at <= now,
        )
        .values(summary_next_at=lease_until, summary_attempts=Campaign.summary_attempts + 1)
        .returning(Campaign.id)
        .execution_options(synchronize_session=False)
    )
    return [row[0] for row in result]


async def call_of_campaign(
    session: AsyncSession, call_id: str
) -> tuple[Campaign, CampaignLead, CampaignAttempt] | None:
    row = (
        await session.execute(
            select(Campaign, CampaignLead, CampaignAttempt)
            .join(CampaignAttempt, CampaignAttempt.campaign_id == Campaign.id)
            .join(CampaignLead, CampaignLead.id == CampaignAttempt.lead_id)
            .where(CampaignAttempt.call_id == call_id)
        )
    ).first()
    if row is None:
        return None
    return row[0], row[1], row[2]
