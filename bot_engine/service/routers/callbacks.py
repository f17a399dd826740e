"""Callbacks: POST /v1/callbacks calls the operator, announces the lead, then bridges."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from bot_engine.service.auth import TenantDep
from bot_engine.service.callbacks import (
    NEXT_OPERATORS,
    CallbackCreate,
    CallbackCreated,
    create_callback,
)
from bot_engine.service.deps import CreationDep
from bot_engine.service.routers.common import problems, require_json

router = APIRouter(prefix="/v1", tags=["calls"])


@router.post(
    "/callbacks",
    status_code=202,
    response_model=CallbackCreated,
    responses=problems(401, 404, 413, 415, 422),
    dependencies=[Depends(require_json)],
)
async def create(body: CallbackCreate, tenant: TenantDep, creation: CreationDep) -> CallbackCreated:
    """Queue a callback: a call to the operator (the first of the list; the next ones when
    nobody answers) running the callback script, which announces the lead and, on the
    operator's yes, calls the lead and bridges them. The result and the recording reach
    the CRM like any call's."""
    call = await create_callback(creation, tenant, body)
    rest = str(call.variables.get(NEXT_OPERATORS) or "")
    return CallbackCreated(id=call.id, status=call.status, operator=call.to_number,
                           operators_next=[o for o in rest.split(",") if o])
