"""The numbering plan's ranges (public data, shared by all tenants)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.storage.campaign_models import NumberingRange
from bot_engine.storage.models import utcnow


async def replace_codes(
    session: AsyncSession, codes: Iterable[int], rows: list[dict[str, object]]
) -> None:
    """Replace every range of these ABC/DEF codes by `rows` (one import, one transaction)."""
    code_list = sorted(set(codes))
    for start in range(0, len(code_list), 500):
        await session.execute(
            delete(NumberingRange).where(NumberingRange.code.in_(code_list[start : start + 500]))
        )
    now = utcnow()
    for start in range(0, len(rows), 5000):
        chunk = [dict(row, imported_at=now) for row in rows[start : start + 5000]]
        await session.execute(insert(NumberingRange), chunk)


async def version(session: AsyncSession) -> tuple[int, datetime | None]:
    """(ranges, last import): changes whenever an import does."""
    row = (
        await session.execute(
            select(func.count(NumberingRange.id), func.max(NumberingRange.imported_at))
        )
    ).one()
    return int(row[0] or 0), row[1]


async def all_ranges(session: AsyncSession) -> list[tuple[int, int, str | None]]:
    rows = await session.execute(
        select(NumberingRange.first, NumberingRange.last, NumberingRange.zones).order_by(
            NumberingRange.first
        )
    )
    return [(int(first), int(last), zones) for first, last, zones in rows]
