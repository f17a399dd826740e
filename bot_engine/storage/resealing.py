"""Sealing rows that are not sealed with the current key: plain rows written before sealing
existed, and rows sealed with a key that has since been rotated to `encryption_old_keys`.

Runs in the background of `voicebot serve` (`service.housekeeping`), in small batches: each
batch is one short write transaction that loads the rows through the ORM (which opens them)
and writes the same values back (which seals them with the current key). Rows are visited in
primary-key order, so a pass ends even if a row cannot be changed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Text, and_, cast, column, select, table
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.sql.expression import ColumnClause

import bot_engine.storage.sealing as sealing
from bot_engine.storage.campaign_models import Campaign
from bot_engine.storage.models import Call, Delivery, InboundRoute, Tenant

SEALED_COLUMNS: tuple[tuple[type[Any], InstrumentedAttribute[Any], bool], ...] = (
    (Tenant, Tenant.webhook_secret, False),
    (InboundRoute, InboundRoute.webhook, True),
    (Call, Call.delivery_target, True),
    (Delivery, Delivery.target, True),
    (Campaign, Campaign.webhook, True),
)
"""(model, column, is JSON): every column that holds a secret."""


async def check_key(conn: AsyncConnection) -> None:
    """Refuse to start with a key that cannot open what the database holds."""
    box = sealing.box_of(conn.dialect)
    if box is None:
        return
    raw: ColumnClause[str] = column("webhook_secret")
    stored = await conn.scalar(
        select(raw).select_from(table("tenants")).where(raw.like(f"{sealing.PREFIX}%")).limit(1)
    )
    if stored is None:
        return
    try:
        box.open(stored)
    except sealing.SecretsLocked:
        raise sealing.SecretsLocked(
            "the database's secrets were sealed with another encryption key: configure that"
            " key as encryption_key (or keep it in encryption_old_keys while rotating)"
        ) from None


async def reseal(db: Any, batch: int = 200) -> int:
    """Seal every secret-holding row with the current key; returns how many were rewritten.
    `db` is a `storage.Database` opened with a box (without one there is nothing to do)."""
    box = sealing.box_of(db.engine.sync_engine.dialect)
    if box is None:
        return 0
    changed = 0
    for model, attr, is_json in SEALED_COLUMNS:
        pk = model.__mapper__.primary_key[0]
        text = cast(attr, Text)
        current = ('"' if is_json else "") + box.current_prefix + "%"
        stale: ColumnElement[bool] = text.not_like(current)
        if is_json:
            stale = and_(stale, text != "null")
        last = ""
        while True:
            async with db.sessions() as session:
                ids = list(
                    await session.scalars(
                        select(pk).where(pk > last, stale).order_by(pk).limit(batch)
                    )
                )
            if not ids:
                break
            async with db.write() as session:
                rows = await session.scalars(select(model).where(pk.in_(ids)))
                for row in rows:
                    flag_modified(row, attr.key)
                    changed += 1
            last = ids[-1]
    return changed
