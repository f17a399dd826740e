"""Health, metrics, tenant info and signed recording links (no API key: the signature is
the authorization, so CRMs can fetch the file)."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Query, Response
from fastapi.responses import FileResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select, text

from bot_engine.service.auth import TenantDep
from bot_engine.service.deps import (
    CampaignsDep,
    DbDep,
    DeliveryAliveDep,
    DrainDep,
    ListenersDep,
    MetricsDep,
    SecretKeyDep,
    SettingsDep,
    WorkersDep,
)
from bot_engine.service.errors import NotFound
from bot_engine.service.nlu_preload import readiness
from bot_engine.service.recording_urls import check_signature
from bot_engine.service.routers.common import problems
from bot_engine.service.schemas import Health
from bot_engine.service.workers import WorkerRegistry
from bot_engine.storage import outbox
from bot_engine.storage.calls import ACTIVE_STATUSES
from bot_engine.storage.models import Call

router = APIRouter(tags=["system"])


@router.get("/healthz", response_model=Health)
async def healthz(
    response: Response,
    db: DbDep,
    delivery_alive: DeliveryAliveDep,
    listeners: ListenersDep,
    settings: SettingsDep,
    workers: WorkersDep,
    drain: DrainDep,
) -> Health:
    try:
        async with db.sessions() as session:
            await session.execute(text("SELECT 1"))
        database = True
    except Exception:
        database = False
    worker = delivery_alive
    draining = drain is not None and drain.draining
    ok = database and worker and listeners.ok() and not draining
    if not ok:
        response.status_code = 503
    return Health(
        status="draining" if draining else "ok" if ok else "degraded",
        database=database,
        delivery_worker=worker,
        dialer=settings.dialer,
        listeners=listeners.health(),
        worker=workers.id,
        nlu=readiness(settings.nlu_preload),
        workers=await cluster_rows(workers) if database else [],
    )


async def cluster_rows(workers: WorkerRegistry) -> list[dict[str, Any]]:
    try:
        return await workers.snapshot()
    except Exception:  # health must answer even when this query cannot
        return []


@router.get("/metrics", response_class=Response)
async def metrics(db: DbDep, metrics: MetricsDep, campaigns: CampaignsDep) -> Response:
    async with db.sessions() as session:
        active = await session.scalar(
            select(func.count()).select_from(Call).where(Call.status.in_(ACTIVE_STATUSES))
        )
        metrics.active_calls.set(int(active or 0))
        metrics.delivery_backlog.set(await outbox.backlog(session))
    if campaigns is not None:
        await campaigns.refresh_metrics()
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/v1/tenant", responses=problems(401))
async def tenant_info(tenant: TenantDep) -> dict[str, Any]:
    """This key's tenant, with the secret that signs its webhooks."""
    return {"id": tenant.id, "name": tenant.name, "webhook_secret": tenant.webhook_secret}


@router.get(
    "/recordings/{call_id}.wav",
    response_class=FileResponse,
    responses={200: {"content": {"audio/wav": {}}}, **problems(404)},
)
async def signed_recording(
    call_id: str,
    secret_key: SecretKeyDep,
    db: DbDep,
    expires: int = Query(ge=0, le=2**40),
    signature: str = Query(max_length=128),
) -> FileResponse:
    """The recording behind an expiring link sent to a CRM. A bad or expired link is a 404."""
    if not check_signature(secret_key, call_id, expires, signature):
        raise NotFound("this link is invalid or has expired")
    async with db.sessions() as session:
        call = await session.get(Call, call_id)
    if (call is None or not call.recording_path
            or not await anyio.Path(call.recording_path).is_file()):
        raise NotFound("no recording")
    return FileResponse(call.recording_path, media_type="audio/wav", filename=f"{call_id}.wav")
