"""The delivery outbox: one row per (result, target), claimed by workers with a lease.

Claiming moves `next_attempt_at` forward by the lease in a conditional UPDATE (one per
batch, `claim_due`). Whoever's
UPDATE matched owns the attempt; if that worker dies, the row becomes due again when the
lease runs out. This works the same on SQLite and PostgreSQL, and with several workers
(on PostgreSQL `claim_due` skips rows another worker is claiming: `FOR UPDATE SKIP LOCKED`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.storage.ids import new_id
from bot_engine.storage.models import Delivery, DeliveryAttempt, utcnow


async def enqueue(
    session: AsyncSession,
    *,
    tenant_id: str,
    call_id: str,
    target: dict[str, Any],
    idempotency_key: str,
) -> Delivery:
    now = utcnow()
    delivery = Delivery(
        id=new_id(),
        tenant_id=tenant_id,
        call_id=call_id,
        target=target,
        idempotency_key=idempotency_key,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        progress={},
    )
    session.add(delivery)
    await session.flush()
    return delivery


async def due_ids(session: AsyncSession, now: datetime, limit: int) -> list[tuple[str, datetime]]:
    """Due rows; on PostgreSQL rows another worker is claiming right now are skipped
    (`SKIP LOCKED`), so workers claim different rows instead of queueing on the same."""
    rows = await session.execute(
        select(Delivery.id, Delivery.next_attempt_at)
        .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [(row[0], row[1]) for row in rows]


async def claim(
    session: AsyncSession, delivery_id: str, seen_due: datetime, now: datetime, lease_s: float
) -> Delivery | None:
    """Take the row if nobody else did since we saw it; returns it with `attempts` bumped."""
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.status == "pending",
            Delivery.next_attempt_at == seen_due,
        )
        .values(
            next_attempt_at=now + timedelta(seconds=lease_s),
            attempts=Delivery.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    return await session.get(Delivery, delivery_id, populate_existing=True)


async def claim_due(session: AsyncSession, now: datetime, lease_s: float, limit: int) -> list[str]:
    """Claim up to `limit` due rows in one statement; returns the ids this caller owns.

    The WHERE clause is re-checked row by row by the UPDATE itself (PostgreSQL re-reads a
    row another transaction just changed), so two workers never own the same row."""
    due = await due_ids(session, now, limit)
    if not due:
        return []
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.id.in_([delivery_id for delivery_id, _ in due]),
            Delivery.status == "pending",
            Delivery.next_attempt_at <= now,
        )
        .values(
            next_attempt_at=now + timedelta(seconds=lease_s),
            attempts=Delivery.attempts + 1,
        )
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    )
    return [row[0] for row in result]


async def record_attempt(
    session: AsyncSession,
    delivery: Delivery,
    *,
    started_at: datetime,
    ok: bool,
    status_code: int | None,
    error: str | None,
    steps: list[dict[str, Any]],
    progress: dict[str, Any],
    next_attempt_at: datetime | None,
) -> None:
    """Log the attempt and move the row on: delivered, retry at `next_attempt_at`, or dead."""
    now = utcnow()
    session.add(
        DeliveryAttempt(
            delivery_id=delivery.id,
            attempt=delivery.attempts,
            started_at=started_at,
            finished_at=now,
            ok=ok,
            status_code=status_code,
            error=error,
            steps=steps,
        )
    )
    delivery.progress = progress
    if ok:
        delivery.status = "delivered"
        delivery.delivered_at = now
        delivery.last_error = None
    elif next_attempt_at is None:
        delivery.status = "dead"
        delivery.last_error = error
    else:
        delivery.next_attempt_at = next_attempt_at
        delivery.last_error = error
    await session.flush()


async def get_delivery(session: AsyncSession, tenant_id: str, delivery_id: str) -> Delivery | None:
    delivery = await session.get(Delivery, delivery_id)
    if delivery is None or delivery.tenant_id != tenant_id:
        return None
    return delivery


async def list_deliveries(
    session: AsyncSession,
    tenant_id: str,
    *,
    status: str | None = None,
    call_id: str | None = None,
    limit: int = 50,
) -> list[Delivery]:
    query = select(Delivery).where(Delivery.tenant_id == tenant_id)
    if status is not None:
        query = query.where(Delivery.status == status)
    if call_id is not None:
        query = query.where(Delivery.call_id == call_id)
    rows = await session.scalars(query.order_by(Delivery.created_at.desc()).limit(limit))
    return list(rows)


async def list_attempts(session: AsyncSession, delivery_id: str) -> list[DeliveryAttempt]:
    rows = await session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id == delivery_id)
        .order_by(DeliveryAttempt.attempt)
    )
    return list(rows)


async def requeue(session: AsyncSession, delivery: Delivery) -> None:
    """Dead letter (or delivered) back to pending, with a fresh retry budget."""
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.delivered_at = None
    await session.flush()


async def backlog(session: AsyncSession) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.status == "pending")
    )
    return int(count or 0)
