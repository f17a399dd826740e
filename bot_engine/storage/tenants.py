"""Tenants and API keys. A key is shown once; only its SHA-256 is stored.

Keys look like `vb_<key id>_<secret>`: the id finds the row without scanning, the secret is
256 random bits, so a fast hash is enough (no password stretching needed for random keys),
and comparison is constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.storage.errors import StorageError
from bot_engine.storage.ids import new_id
from bot_engine.storage.models import ApiKey, Tenant, utcnow

KEY_PREFIX = "vb_"


class TenantExists(StorageError):
    pass


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


async def create_tenant(session: AsyncSession, name: str) -> Tenant:
    existing = await session.scalar(select(Tenant).where(Tenant.name == name))
    if existing is not None:
        raise TenantExists(name)
    tenant = Tenant(id=new_id(), name=name, webhook_secret=new_webhook_secret())
    session.add(tenant)
    await session.flush()
    return tenant


async def find_tenant(session: AsyncSession, name_or_id: str) -> Tenant | None:
    return await session.scalar(
        select(Tenant).where((Tenant.name == name_or_id) | (Tenant.id == name_or_id))
    )


async def create_key(session: AsyncSession, tenant: Tenant) -> str:
    """Store a new key for the tenant and return it in clear (the only time it exists)."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    session.add(ApiKey(id=key_id, tenant_id=tenant.id, secret_hash=_hash(secret)))
    await session.flush()
    return f"{KEY_PREFIX}{key_id}_{secret}"


def key_id_of(presented: str) -> str | None:
    """The id part of a well-formed key (`vb_<id>_<secret>`), else None."""
    if not presented.startswith(KEY_PREFIX) or len(presented) > 200:
        return None
    key_id, sep, secret = presented[len(KEY_PREFIX) :].partition("_")
    if not sep or not key_id or not secret:
        return None
    return key_id


async def authenticate(session: AsyncSession, presented: str) -> Tenant | None:
    """The tenant owning this key, or None for any malformed, unknown or revoked key.

    One indexed query per request and no cache, so a revoked key stops working at once, in
    every worker that shares the database."""
    key_id = key_id_of(presented)
    if key_id is None:
        return None
    secret = presented[len(KEY_PREFIX) + len(key_id) + 1 :]
    row = (
        await session.execute(
            select(Tenant, ApiKey.secret_hash)
            .join(ApiKey, ApiKey.tenant_id == Tenant.id)
            .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        )
    ).first()
    if row is None or not hmac.compare_digest(row[1], _hash(secret)):
        return None
    tenant: Tenant = row[0]
    return tenant


async def list_keys(session: AsyncSession, tenant_id: str) -> list[ApiKey]:
    rows = await session.scalars(
        select(ApiKey).where(ApiKey.tenant_id == tenant_id).order_by(ApiKey.created_at)
    )
    return list(rows)


async def revoke_key(session: AsyncSession, key_id: str, tenant_id: str | None = None) -> bool:
    """Mark the key revoked (kept for the record); False when there is no such key (of this
    tenant, when one is given). Revoking twice keeps the first time."""
    key = await session.get(ApiKey, key_id)
    if key is None or (tenant_id is not None and key.tenant_id != tenant_id):
        return False
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return True
