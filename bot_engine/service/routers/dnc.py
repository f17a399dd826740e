"""The tenant's do-not-call list: add, remove, check, list, import. Campaigns skip listed
numbers and `POST /v1/calls` to one is refused (409)."""

from __future__ import annotations

from collections.abc import AsyncIterable
from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from bot_engine.campaigns.dnc import import_numbers
from bot_engine.campaigns.phones import BadPhone, normalize
from bot_engine.campaigns.uploads import records, upload_kind
from bot_engine.service.auth import TenantDep
from bot_engine.service.deps import DbDep, SettingsDep
from bot_engine.service.errors import Invalid, NotFound
from bot_engine.service.routers.campaigns import (
    MAX_ID,
    UPLOAD_TYPES,
    LeadsImported,
    imported,
    request_chunks,
    translated,
)
from bot_engine.service.routers.common import (
    UnsupportedMediaType,
    media_type,
    problems,
    require_json,
)
from bot_engine.service.settings import ServiceSettings
from bot_engine.storage import Database
from bot_engine.storage import dnc as repo
from bot_engine.storage.campaign_models import DncEntry

router = APIRouter(prefix="/v1", tags=["do-not-call"])
_ERRORS = problems(401, 404, 413, 415, 422)


class DncAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str = Field(min_length=1, max_length=40, examples=["+74957770001"])
    reason: str | None = Field(default=None, max_length=500)


class DncOut(BaseModel):
    phone: str
    reason: str | None = None
    source: str = Field(description="api, import, or opt_out (the lead asked during a call)")
    call_id: str | None = Field(default=None, description="The call where the lead opted out.")
    created_at: datetime


class DncCheck(BaseModel):
    phone: str
    listed: bool
    entry: DncOut | None = None


class DncPage(BaseModel):
    items: list[DncOut]
    next_after: int | None = None


def _out(entry: DncEntry) -> DncOut:
    return DncOut(
        phone=entry.phone,
        reason=entry.reason,
        source=entry.source,
        call_id=entry.call_id,
        created_at=entry.created_at,
    )


def _phone(settings: ServiceSettings, raw: str) -> str:
    try:
        return normalize(raw, settings.campaigns.dnc_default_region)
    except BadPhone as exc:
        raise Invalid(f"phone: {exc}") from None


@router.post(
    "/dnc",
    status_code=201,
    response_model=DncOut,
    responses=_ERRORS,
    dependencies=[Depends(require_json)],
)
async def add(body: DncAdd, tenant: TenantDep, db: DbDep, settings: SettingsDep) -> DncOut:
    """List a number (normalised to E.164). Listing it again keeps the first entry."""
    phone = _phone(settings, body.phone)
    async with db.write() as session:
        await repo.add(session, tenant.id, phone, reason=body.reason, source="api")
        entry = await repo.get(session, tenant.id, phone)
    assert entry is not None
    return _out(entry)


@router.get("/dnc", response_model=DncPage, responses=_ERRORS)
async def list_entries(
    tenant: TenantDep,
    db: DbDep,
    after: int = Query(default=0, ge=0, le=MAX_ID),
    limit: int = Query(default=100, ge=1, le=1000),
) -> DncPage:
    async with db.sessions() as session:
        rows = await repo.page(session, tenant.id, after_id=after, limit=limit)
    return DncPage(
        items=[_out(r) for r in rows], next_after=rows[-1].id if len(rows) == limit else None
    )


@router.get("/dnc/{phone}", response_model=DncCheck, responses=_ERRORS)
async def check(phone: str, tenant: TenantDep, db: DbDep, settings: SettingsDep) -> DncCheck:
    """Is this number listed?"""
    number = _phone(settings, phone)
    async with db.sessions() as session:
        entry = await repo.get(session, tenant.id, number)
    return DncCheck(
        phone=number, listed=entry is not None, entry=_out(entry) if entry is not None else None
    )


@router.delete("/dnc/{phone}", status_code=204, response_class=Response, responses=_ERRORS)
async def remove(phone: str, tenant: TenantDep, db: DbDep, settings: SettingsDep) -> Response:
    number = _phone(settings, phone)
    async with db.write() as session:
        removed = await repo.remove(session, tenant.id, number)
    if not removed:
        raise NotFound(f"{number} is not on the do-not-call list")
    return Response(status_code=204)


@router.post(
    "/dnc/import",
    response_model=LeadsImported,
    responses=_ERRORS,
    openapi_extra={"requestBody": {"required": True, "content": UPLOAD_TYPES}},
)
async def import_list(
    request: Request,
    tenant: TenantDep,
    settings: SettingsDep,
    db: DbDep,
) -> LeadsImported:
    """Numbers as CSV (`phone`, optional `reason`), a JSON array or JSON lines
    (application/x-ndjson), read as they arrive."""
    kind = upload_kind(media_type(request))
    if kind is None:
        raise UnsupportedMediaType("send text/csv, application/json or application/x-ndjson")
    return await import_entries(db, settings, tenant.id, request_chunks(request), kind)


async def import_entries(
    db: Database, settings: ServiceSettings, tenant_id: str, chunks: AsyncIterable[bytes],
    kind: str,
) -> LeadsImported:
    """An upload's bytes (csv, json or jsonl) onto the list: the API's request body and
    the console's uploaded file alike."""
    limits = settings.campaigns
    with translated():
        result = await import_numbers(
            db,
            tenant_id,
            records(chunks, kind),
            limits.dnc_default_region,
            limits.max_leads_per_upload,
        )
    return imported(result)
