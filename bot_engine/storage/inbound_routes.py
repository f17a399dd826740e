"""Inbound routes, scoped by tenant; matching across all tenants lives in the service."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.storage.ids import new_id
from bot_engine.storage.models import InboundRoute, utcnow


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def audiosocket_uuid(token_hash: str) -> str:
    """The route's AudioSocket key: a UUID derived one way from its secret (122 random
    bits), for `AudioSocket(<uuid>,host:port)` in the dialplan. A peer that can reach the
    AudioSocket port still needs it when `audiosocket_require_token` is on."""
    digest = hashlib.sha256(f"audiosocket:{token_hash}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


async def create_route(
    session: AsyncSession,
    *,
    tenant_id: str,
    match: dict[str, Any],
    exact_to: str | None,
    script_name: str,
    version: int | None,
    variables: dict[str, Any],
    variable_headers: dict[str, str],
    webhook: dict[str, Any] | None,
    priority: int,
    token: str,
) -> InboundRoute:
    route = InboundRoute(
        id=new_id(),
        tenant_id=tenant_id,
        match=match,
        exact_to=exact_to,
        script_name=script_name,
        version=version,
        variables=variables,
        variable_headers=variable_headers,
        webhook=webhook,
        priority=priority,
        token_hash=hash_token(token),
        created_at=utcnow(),
    )
    session.add(route)
    await session.flush()
    return route


async def list_routes(session: AsyncSession, tenant_id: str) -> list[InboundRoute]:
    rows = await session.scalars(
        select(InboundRoute)
        .where(InboundRoute.tenant_id == tenant_id)
        .order_by(InboundRoute.priority.desc(), InboundRoute.created_at, InboundRoute.id)
    )
    return list(rows)


async def get_route(session: AsyncSession, tenant_id: str, route_id: str) -> InboundRoute | None:
    route = await session.get(InboundRoute, route_id)
    if route is None or route.tenant_id != tenant_id:
        return None
    return route


async def route_by_id(session: AsyncSession, route_id: str) -> InboundRoute | None:
    """Any tenant's route (the WebSocket endpoint finds it by id, then checks the token)."""
    return await session.get(InboundRoute, route_id)


async def all_routes(session: AsyncSession) -> list[InboundRoute]:
    """Every tenant's routes, for matching an incoming call (a number belongs to one)."""
    rows = await session.scalars(
        select(InboundRoute).order_by(
            InboundRoute.priority.desc(), InboundRoute.created_at, InboundRoute.id
        )
    )
    return list(rows)


_ROUTES_LOCK_KEY = int.from_bytes(b"vb-route", "big") >> 1
"""A fixed PostgreSQL advisory-lock key (63 bits) for route creation."""


async def other_tenants_routes(session: AsyncSession, tenant_id: str) -> list[InboundRoute]:
    """Other tenants' routes, for the conflict check before a create; the check and the
    insert must not interleave with another create, so this takes the routes lock first.
    SQLite's write transactions are already serial (BEGIN IMMEDIATE); PostgreSQL takes a
    transaction advisory lock, released at commit, which covers every server process."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                              {"key": _ROUTES_LOCK_KEY})
    rows = await session.scalars(select(InboundRoute).where(InboundRoute.tenant_id != tenant_id))
    return list(rows)


async def delete_route(session: AsyncSession, route: InboundRoute) -> None:
    await session.delete(route)
    await session.flush()
