"""The per-tenant do-not-call list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.storage.campaign_models import DncEntry
from bot_engine.storage.models import utcnow


async def add(
    session: AsyncSession,
    tenant_id: str,
    phone: str,
    *,
    reason: str | None,
    source: str,
    call_id: str | None = None,
    at: datetime | None = None,
) -> bool:
    """Add the number unless it is listed already (then the first entry and its evidence
    stay). Never fails on a concurrent add, so it is safe inside a call's final
    transaction. Returns whether a row was added."""
    values = {
        "tenant_id": tenant_id,
        "phone": phone,
        "reason": reason,
        "source": source,
        "call_id": call_id,
        "created_at": at or utcnow(),
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(DncEntry)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["tenant_id", "phone"])
    )
    result = await session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


async def add_many(
    session: AsyncSession, tenant_id: str, rows: Sequence[tuple[str, str | None]], source: str
) -> int:
    if not rows:
        return 0
    now = utcnow()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(DncEntry).on_conflict_do_nothing(index_elements=["tenant_id", "phone"])
    result = await session.execute(
        statement,
        [
            {
                "tenant_id": tenant_id,
                "phone": phone,
                "reason": reason,
                "source": source,
                "call_id": None,
                "created_at": now,
            }
            for phone, reason in rows
        ],
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def get(session: AsyncSession, tenant_id: str, phone: str) -> DncEntry | None:
    return await session.scalar(
        select(DncEntry).where(DncEntry.tenant_id == tenant_id, DncEntry.phone == phone)
    )


async def listed(session: AsyncSession, tenant_id: str, phones: Sequence[str]) -> set[str]:
    if not phones:
        return set()
    rows = await session.scalars(
        select(DncEntry.phone).where(
            DncEntry.tenant_id == tenant_id, DncEntry.phone.in_(list(phones))
        )
    )
    return set(rows)


async def remove(session: AsyncSession, tenant_id: str, phone: str) -> bool:
    result = await session.execute(
        delete(DncEntry).where(DncEntry.tenant_id == tenant_id, DncEntry.phone == phone)
    )
    return bool(getattr(result, "rowcount", 0))


async def page(
    session: AsyncSession, tenant_id: str, *, after_id: int, limit: int
) -> list[DncEntry]:
    rows = await session.scalars(
        select(DncEntry)
        .where(DncEntry.tenant_id == tenant_id, DncEntry.id > after_id)
        .order_by(DncEntry.id)
        .limit(limit)
    )
    return list(rows)
