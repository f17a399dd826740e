"""Deliveries: the outbox as customers see it, with the log of every attempt."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query

from bot_engine.service.auth import TenantDep
from bot_engine.service.deps import DbDep, WorkerDep
from bot_engine.service.errors import Conflict, NotFound
from bot_engine.service.routers.common import problems
from bot_engine.service.schemas import AttemptOut, DeliveryOut
from bot_engine.storage import outbox
from bot_engine.storage.models import Delivery, DeliveryAttempt

router = APIRouter(prefix="/v1", tags=["deliveries"])
_ERRORS = problems(401, 404, 409)


def delivery_out(d: Delivery, attempts: list[DeliveryAttempt] | None = None) -> DeliveryOut:
    return DeliveryOut(
        id=d.id,
        call_id=d.call_id,
        target_type=str(d.target.get("type")),
        status=d.status,
        attempts=d.attempts,
        idempotency_key=d.idempotency_key,
        next_attempt_at=d.next_attempt_at if d.status == "pending" else None,
        created_at=d.created_at,
        delivered_at=d.delivered_at,
        last_error=d.last_error,
        log=None
        if attempts is None
        else [
            AttemptOut(
                attempt=a.attempt,
                started_at=a.started_at,
                finished_at=a.finished_at,
                ok=a.ok,
                status_code=a.status_code,
                error=a.error,
                steps=a.steps,
            )
            for a in attempts
        ],
    )


@router.get("/deliveries", response_model=list[DeliveryOut], responses=_ERRORS)
async def list_deliveries(
    tenant: TenantDep,
    db: DbDep,
    status: Literal["pending", "delivered", "dead"] | None = None,
    call_id: str | None = Query(default=None, max_length=64),
    limit: int = Query(default=50, ge=1, le=500),
) -> list[DeliveryOut]:
    async with db.sessions() as session:
        rows = await outbox.list_deliveries(
            session, tenant.id, status=status, call_id=call_id, limit=limit
        )
    return [delivery_out(d) for d in rows]


@router.get("/deliveries/{delivery_id}", response_model=DeliveryOut, responses=_ERRORS)
async def get_delivery(delivery_id: str, tenant: TenantDep, db: DbDep) -> DeliveryOut:
    async with db.sessions() as session:
        d = await outbox.get_delivery(session, tenant.id, delivery_id)
        if d is None:
            raise NotFound(f"no delivery {delivery_id!r}")
        attempts = await outbox.list_attempts(session, d.id)
    return delivery_out(d, attempts)


@router.post("/deliveries/{delivery_id}/retry", response_model=DeliveryOut, responses=_ERRORS)
async def retry_delivery(
    delivery_id: str,
    tenant: TenantDep,
    db: DbDep,
    worker: WorkerDep,
) -> DeliveryOut:
    """Redeliver a dead-lettered (or already delivered) result, with a fresh retry budget.
    The idempotency key stays the same, so receivers can still deduplicate."""
    async with db.write() as session:
        d = await outbox.get_delivery(session, tenant.id, delivery_id)
        if d is None:
            raise NotFound(f"no delivery {delivery_id!r}")
        if d.status == "pending":
            raise Conflict("the delivery is still pending")
        await outbox.requeue(session, d)
    worker.wake()
    return delivery_out(d)
