"""Web console sessions: opened with an API key, found by the cookie's token, closed on
sign-out. Only the token's SHA-256 is stored, like API keys.

A session is valid while it has not expired and the key it was opened with is not revoked:
one indexed query per request, so revoking a key signs its console sessions out at once, in
every worker (the same rule as the API's keys)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.storage.models import ApiKey, ConsoleSession, Tenant, utcnow


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(
    session: AsyncSession, tenant_id: str, key_id: str, ttl: timedelta
) -> tuple[str, ConsoleSession]:
    """A new session; returns the token in clear (the only time it exists) and the row.
    Expired sessions are swept on the way, so the table holds only live ones."""
    now = utcnow()
    await session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    row = ConsoleSession(
        id=token_hash(token), tenant_id=tenant_id, key_id=key_id, created_at=now,
        expires_at=now + ttl,
    )
    session.add(row)
    await session.flush()
    return token, row


async def find(
    session: AsyncSession, token: str, now: datetime | None = None
) -> tuple[ConsoleSession, Tenant] | None:
    """The live session for this token and its tenant, or None (unknown, expired, or its
    key revoked)."""
    if not token or len(token) > 200:
        return None
    row = (
        await session.execute(
            select(ConsoleSession, Tenant)
            .join(Tenant, Tenant.id == ConsoleSession.tenant_id)
            .join(ApiKey, ApiKey.id == ConsoleSession.key_id)
            .where(
                ConsoleSession.id == token_hash(token),
                ConsoleSession.expires_at > (now or utcnow()),
                ApiKey.revoked_at.is_(None),
            )
        )
    ).first()
    if row is None:
        return None
    return row[0], row[1]


async def close(session: AsyncSession, token: str) -> None:
    await session.execute(delete(ConsoleSession).where(ConsoleSession.id == token_hash(token)))
