"""Calls: place, list, read (status, result, transcript, timings), recording, cancel."""

from __future__ import annotations

from typing import Any, Literal

import anyio
from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse

from bot_engine.call.text_calls import CallInput, TextCallRunner
from bot_engine.record import TranscriptTurn
from bot_engine.service.auth import TenantDep
from bot_engine.service.campaign_calls import campaign_ref
from bot_engine.service.deps import (
    CampaignsDep,
    CreationDep,
    DbDep,
    DispatchDep,
    PrerendererDep,
    RunnerDep,
    ScriptsDep,
)
from bot_engine.service.errors import Conflict, NotFound
from bot_engine.service.prerender import NoPrerender, Prerenderer
from bot_engine.service.routers.campaigns import translated
from bot_engine.service.routers.common import problems, require_json
from bot_engine.service.schemas import (
    CallCreate,
    CallCreated,
    CallOut,
    CallSummary,
    UtcDatetime,
)
from bot_engine.service.script_cache import ScriptCache
from bot_engine.storage import Database
from bot_engine.storage import calls as repo
from bot_engine.storage.models import Call, ScriptRecord, ScriptVersion

router = APIRouter(prefix="/v1", tags=["calls"])
_ERRORS = problems(401, 404, 409, 413, 415, 422)


@router.post(
    "/calls",
    status_code=202,
    response_model=CallCreated,
    responses=_ERRORS,
    dependencies=[Depends(require_json)],
)
async def create_call(
    body: CallCreate,
    tenant: TenantDep,
    campaigns: CampaignsDep,
    prerenderer: PrerendererDep,
    creation: CreationDep,
    dispatch: DispatchDep,
    db: DbDep,
    scripts: ScriptsDep,
) -> CallCreated:
    """Queue an outbound call. Variables are validated against the script; the call's own
    prompts are pre-rendered while it rings."""
    if campaigns is not None and (listed := await campaigns.on_dnc(tenant.id, body.to)):
        raise Conflict(f"{listed} is on this tenant's do-not-call list (DELETE /v1/dnc/{listed})")
    prerender = not isinstance(prerenderer, NoPrerender)
    call = await creation.create(tenant, body, prerender=prerender)
    if prerender:
        dispatch.spawn(_prerender_call(db, scripts, prerenderer, call.id), call_id=call.id)
    return CallCreated(id=call.id, status=call.status)


async def _prerender_call(
    db: Database, scripts: ScriptCache, prerenderer: Prerenderer, call_id: str
) -> None:
    async with db.sessions() as session:
        call = await session.get(Call, call_id)
        version = await session.get(ScriptVersion, call.script_version_id) if call else None
    if call is None or version is None or call.status == "cancelled":
        return
    loaded = await scripts.load(version)
    detail = await prerenderer.call_prompts(loaded.script, call.variables)
    async with db.write() as session:
        fresh = await session.get(Call, call_id)
        if fresh is not None:
            fresh.prerender_status = str(detail.get("status"))


@router.get("/calls", response_model=list[CallSummary], responses=_ERRORS)
async def list_calls(
    tenant: TenantDep,
    db: DbDep,
    campaigns: CampaignsDep,
    status: Literal["queued", "ringing", "in_progress", "completed", "failed", "cancelled"]
    | None = None,
    direction: Literal["inbound", "outbound"] | None = None,
    before: UtcDatetime | None = Query(default=None, description="Page: created before this."),
    limit: int = Query(default=50, ge=1, le=500),
    outcome: str | None = Query(default=None, max_length=64),
    phone: str | None = Query(default=None, max_length=64, description="Part of a number."),
    since: UtcDatetime | None = Query(default=None, description="Created at or after this."),
    until: UtcDatetime | None = Query(default=None, description="Created before this."),
    campaign: str | None = Query(
        default=None, max_length=64, description="Calls of this campaign (404 if not yours)."
    ),
) -> list[CallSummary]:
    """Outbound and inbound calls, newest first."""
    if campaign is not None:
        with translated():
            await campaigns.get(tenant.id, campaign)
    async with db.sessions() as session:
        rows = await repo.list_calls(
            session,
            tenant.id,
            status=status,
            direction=direction,
            limit=limit,
            before=before,
            outcome=outcome,
            phone=phone,
            since=since,
            until=until,
            campaign_id=campaign,
        )
    return [
        CallSummary(
            id=c.id,
            direction=c.direction,
            to=c.to_number,
            status=c.status,
            created_at=c.created_at,
            outcome=(c.result or {}).get("outcome"),
        )
        for c in rows
    ]


async def _call(db: Database, tenant_id: str, call_id: str) -> Call:
    async with db.sessions() as session:
        call = await repo.get_call(session, tenant_id, call_id)
    if call is None:
        raise NotFound(f"no call {call_id!r}")
    return call


@router.get(
    "/calls/{call_id}", response_model=CallOut, response_model_by_alias=True, responses=_ERRORS
)
async def get_call(call_id: str, tenant: TenantDep, db: DbDep) -> Any:
    async with db.sessions() as session:
        call = await repo.get_call(session, tenant.id, call_id)
        if call is None:
            raise NotFound(f"no call {call_id!r}")
        version = await session.get(ScriptVersion, call.script_version_id)
        assert version is not None
        script = await session.get(ScriptRecord, version.script_id)
        assert script is not None
        events = await repo.list_events(session, call.id, ("turn", "timing", "amd", "timeline"))
        campaign = await campaign_ref(session, call.id)
    transcript = [TranscriptTurn.from_stored(e.data, e.at) for e in events if e.kind == "turn"]
    timeline = next((e.data for e in events if e.kind == "timeline"), {})
    timings: dict[str, Any] = {
        "created_at": call.created_at,
        "ringing_at": call.ringing_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "duration_s": (call.ended_at - call.answered_at).total_seconds()
        if call.ended_at and call.answered_at
        else None,
        "turns": [dict(e.data, at=e.at) for e in events if e.kind == "timing"],
    }
    has_recording = bool(call.recording_path and await anyio.Path(call.recording_path).is_file())
    return CallOut(
        id=call.id,
        direction=call.direction,
        to=call.to_number,
        from_=call.from_number,
        status=call.status,
        script_id=script.name,
        script_version=version.version,
        variables=call.variables,
        result=call.result,
        transcript=transcript,
        timings=timings,
        hangup_cause=call.hangup_cause,
        recording=f"/v1/calls/{call.id}/recording" if has_recording else None,
        prerender_status=call.prerender_status,
        error=call.error,
        barge_ins=list(timeline.get("barge_ins", [])),
        resumed_prompts=list(timeline.get("resumed_prompts", [])),
        amd=next((e.data for e in events if e.kind == "amd"), None),
        campaign=campaign,
    )


@router.get("/calls/{call_id}/events", responses=_ERRORS)
async def get_call_events(call_id: str, tenant: TenantDep, db: DbDep) -> list[dict[str, Any]]:
    """Everything that happened, in order, as it was written."""
    call = await _call(db, tenant.id, call_id)
    async with db.sessions() as session:
        events = await repo.list_events(session, call.id)
    return [{"seq": e.seq, "at": e.at, "kind": e.kind, "data": e.data} for e in events]


@router.get(
    "/calls/{call_id}/recording",
    response_class=FileResponse,
    responses={200: {"content": {"audio/wav": {}}}, **_ERRORS},
)
async def get_recording(call_id: str, tenant: TenantDep, db: DbDep) -> FileResponse:
    call = await _call(db, tenant.id, call_id)
    if not call.recording_path or not await anyio.Path(call.recording_path).is_file():
        raise NotFound("this call has no recording")
    return FileResponse(call.recording_path, media_type="audio/wav", filename=f"{call.id}.wav")


@router.delete("/calls/{call_id}", response_model=CallCreated, responses=_ERRORS)
async def cancel_call(call_id: str, tenant: TenantDep, dispatch: DispatchDep) -> CallCreated:
    """Cancel a call that has not started (409 once it is ringing)."""
    call = await dispatch.cancel(tenant.id, call_id)
    return CallCreated(id=call.id, status=call.status)


@router.post(
    "/calls/{call_id}/input",
    status_code=202,
    response_model=CallCreated,
    responses=_ERRORS,
    dependencies=[Depends(require_json)],
)
async def call_input(
    call_id: str,
    body: CallInput,
    tenant: TenantDep,
    runner: RunnerDep,
    db: DbDep,
) -> CallCreated:
    """A caller turn for a simulated (text) call: what the caller says, a DTMF, or hangup."""
    call = await _call(db, tenant.id, call_id)
    runner = runner
    if not isinstance(runner, TextCallRunner) or not await runner.send(call.id, body):
        raise Conflict(f"call {call_id} is {call.status} and takes no text input here")
    return CallCreated(id=call.id, status=call.status)
