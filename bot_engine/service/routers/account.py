"""The tenant's own account: its API keys (create, list, revoke) and how long calls are kept."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from bot_engine.service.auth import TenantDep
from bot_engine.service.deps import DbDep, SettingsDep
from bot_engine.service.errors import Conflict, Invalid, NotFound
from bot_engine.service.routers.common import problems, require_json
from bot_engine.service.settings import ServiceSettings
from bot_engine.storage import tenants
from bot_engine.storage.models import ApiKey, Tenant

router = APIRouter(prefix="/v1", tags=["account"])


class ApiKeyOut(BaseModel):
    id: str
    """The `<id>` of `vb_<id>_<secret>` (the secret is never stored)."""
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str
    """The whole key, `vb_<id>_<secret>`: shown this once, never stored."""


MAX_ACTIVE_KEYS = 100
"""Per tenant: keys are cheap to mint, so their number is bounded."""


class Retention(BaseModel):
    retention_days: int | None
    """The tenant's own choice; null: the service default."""
    default_days: int | None
    """The service default (`retention_days` setting); null: kept forever (setting 0)."""
    effective_days: int | None
    """What applies: calls older than this are deleted with their recordings."""
    max_days: int


class RetentionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    retention_days: int | None = Field(
        ge=1, description="Days to keep calls, events, deliveries and recordings; null: default."
    )


@router.get("/keys", response_model=list[ApiKeyOut], responses=problems(401))
async def list_keys(tenant: TenantDep, db: DbDep) -> list[ApiKeyOut]:
    """This tenant's API keys, revoked ones included."""
    async with db.sessions() as session:
        keys = await tenants.list_keys(session, tenant.id)
    return [ApiKeyOut(id=k.id, created_at=k.created_at, revoked_at=k.revoked_at) for k in keys]


@router.post("/keys", status_code=201, response_model=ApiKeyCreated, responses=problems(401, 409))
async def create_key(tenant: TenantDep, db: DbDep) -> ApiKeyCreated:
    """A new API key for this tenant, shown once (rotate: create, switch, revoke the old)."""
    async with db.write() as session:
        active = [k for k in await tenants.list_keys(session, tenant.id) if k.revoked_at is None]
        if len(active) >= MAX_ACTIVE_KEYS:
            raise Conflict(f"at most {MAX_ACTIVE_KEYS} active keys; revoke one first")
        key = await tenants.create_key(session, tenant)
        row = await session.get(ApiKey, tenants.key_id_of(key))
    assert row is not None
    return ApiKeyCreated(id=row.id, created_at=row.created_at, revoked_at=None, key=key)


@router.delete("/keys/{key_id}", status_code=204, responses=problems(401, 404))
async def revoke_key(key_id: str, tenant: TenantDep, db: DbDep) -> Response:
    """Revoke one of this tenant's keys. It stops working at once, in every worker."""
    async with db.write() as session:
        found = await tenants.revoke_key(session, key_id[:64], tenant.id)
    if not found:
        raise NotFound(f"no key {key_id!r}")
    return Response(status_code=204)


def _retention(settings: ServiceSettings, tenant: Tenant) -> Retention:
    default = settings.default_retention_days
    own = tenant.retention_days
    return Retention(
        retention_days=own,
        default_days=default,
        effective_days=own if own is not None else default,
        max_days=settings.retention_max_days,
    )


@router.get("/tenant/retention", response_model=Retention, responses=problems(401))
async def get_retention(tenant: TenantDep, settings: SettingsDep) -> Retention:
    """How long this tenant's calls (events, deliveries, recordings) are kept."""
    return _retention(settings, tenant)


@router.put(
    "/tenant/retention",
    response_model=Retention,
    responses=problems(401, 415, 422),
    dependencies=[Depends(require_json)],
)
async def set_retention(
    body: RetentionUpdate,
    tenant: TenantDep,
    settings: SettingsDep,
    db: DbDep,
) -> Retention:
    """Choose how long calls are kept (1 to `max_days`), or null for the service default.
    The background purge applies it at its next pass."""
    days = body.retention_days
    if days is not None and days > settings.retention_max_days:
        raise Invalid(f"retention_days is at most {settings.retention_max_days}")
    async with db.write() as session:
        row = await session.get(Tenant, tenant.id)
        if row is None:
            raise NotFound("no such tenant")
        row.retention_days = days
    tenant.retention_days = days
    return _retention(settings, tenant)
