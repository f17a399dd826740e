"""Campaigns: create, upload leads (streamed CSV/JSON), start/pause/resume/cancel, counts,
paged leads and the report (CSV, one row per lead)."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from bot_engine.campaigns.engine import CampaignEngine, LeadState
from bot_engine.campaigns.errors import CampaignError
from bot_engine.campaigns.model import CampaignCreate
from bot_engine.campaigns.uploads import ImportResult, UploadError, records, upload_kind
from bot_engine.service.auth import TenantDep
from bot_engine.service.deps import CampaignsDep, CreationDep, DbDep, SecretKeyDep, SettingsDep
from bot_engine.service.errors import Conflict, Invalid, NotFound
from bot_engine.service.recording_urls import signed_recording_url
from bot_engine.service.routers.common import (
    UnsupportedMediaType,
    media_type,
    problems,
    require_json,
)
from bot_engine.service.settings import ServiceSettings
from bot_engine.storage import Database
from bot_engine.storage import campaigns as repo
from bot_engine.storage.campaign_models import Campaign, CampaignAttempt, CampaignLead
from bot_engine.storage.models import Call

router = APIRouter(prefix="/v1", tags=["campaigns"])
_ERRORS = problems(401, 404, 409, 413, 415, 422)
MAX_ID = 2**31 - 1
"""Lead and entry ids are 32-bit integers (PostgreSQL's `integer`): page cursors stop there."""
UPLOAD_TYPES = {
    "text/csv": {
        "schema": {"type": "string"},
        "example": "phone,name,external_id\n+74957770001,Иван,crm-1\n",
    },
    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
}
"""Also accepted: application/x-ndjson (JSON lines), said in the endpoints' descriptions."""


class CampaignCreated(BaseModel):
    id: str
    status: str


class Counts(BaseModel):
    leads: int
    due: int = Field(description="Pending leads whose calling window is open now.")
    states: dict[str, int]
    outcomes: dict[str, int]
    calls: int


class CampaignOut(BaseModel):
    id: str
    name: str
    status: str
    script_id: str
    version: int
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    settings: dict[str, Any]
    webhook: dict[str, Any] | None = None
    summary_status: str | None = None
    counts: Counts


class RejectedRow(BaseModel):
    row: int
    error: str


class LeadsImported(BaseModel):
    accepted: int
    rejected: list[RejectedRow]
    rejected_count: int = Field(description="All rejected rows (the list shows the first 1000).")


class AttemptOut(BaseModel):
    attempt: int
    call_id: str | None
    """None once the call was purged (retention)."""
    started_at: datetime
    ended_at: datetime | None = None
    outcome: str | None = None


class LeadOut(BaseModel):
    id: int
    row: int
    phone: str
    external_id: str | None = None
    state: str
    outcome: str | None = None
    attempts: int
    next_at: datetime | None = None
    zones: list[str]
    zone_source: str
    variables: dict[str, Any]
    note: str | None = None
    calls: list[AttemptOut]


class LeadPage(BaseModel):
    items: list[LeadOut]
    next_after: int | None = Field(
        default=None, description="Pass as `after` for the next page (None: the last page)."
    )


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Campaign errors as the service's problem documents."""
    try:
        yield
    except CampaignError as exc:
        kinds = {"not_found": NotFound, "conflict": Conflict, "invalid": Invalid}
        raise kinds[exc.kind](exc.message, exc.issues) from None
    except UploadError as exc:
        raise Invalid(str(exc)) from None


async def campaign_out(db: Database, campaigns: CampaignEngine, campaign: Campaign) -> CampaignOut:
    async with db.sessions() as session:
        counts = await campaigns.counts(session, campaign.id)
    settings = dict(campaign.settings)
    return CampaignOut(
        id=campaign.id,
        name=campaign.name,
        status=campaign.status,
        script_id=str(settings.get("script_id")),
        version=int(settings.get("version") or 0),
        created_at=campaign.created_at,
        started_at=campaign.started_at,
        finished_at=campaign.finished_at,
        settings=settings,
        webhook=campaign.webhook,
        summary_status=campaign.summary_status,
        counts=Counts(**counts),
    )


@router.post(
    "/campaigns",
    status_code=201,
    response_model=CampaignCreated,
    responses=_ERRORS,
    dependencies=[Depends(require_json)],
)
async def create_campaign(
    body: CampaignCreate,
    tenant: TenantDep,
    creation: CreationDep,
    campaigns: CampaignsDep,
) -> CampaignCreated:
    """A campaign in `draft`: upload leads, then start it."""
    target = await creation.checked_target(body.webhook)
    with translated():
        campaign = await campaigns.create(
            tenant.id, body, target.model_dump(mode="json") if target is not None else None
        )
    return CampaignCreated(id=campaign.id, status=campaign.status)


@router.get("/campaigns", response_model=list[CampaignOut], responses=_ERRORS)
async def list_campaigns(
    tenant: TenantDep,
    db: DbDep,
    campaigns: CampaignsDep,
    status: Literal["draft", "running", "paused", "finished", "cancelled"] | None = None,
    before: datetime | None = Query(default=None, description="Page: created before this."),
    limit: int = Query(default=20, ge=1, le=100),
) -> list[CampaignOut]:
    """Newest first, each with its counts by lead state and by outcome."""
    rows = await campaign_rows(db, tenant.id, status=status, before=before, limit=limit)
    return [await campaign_out(db, campaigns, campaign) for campaign in rows]


async def campaign_rows(
    db: Database,
    tenant_id: str,
    *,
    status: str | None = None,
    before: datetime | None = None,
    limit: int = 20,
) -> list[Campaign]:
    """The tenant's campaigns, newest first, without counts (the console's calls filter
    needs only their names)."""
    if before is not None and before.tzinfo is None:
        before = before.replace(tzinfo=UTC)
    async with db.sessions() as session:
        return await repo.list_campaigns(
            session, tenant_id, status=status, limit=limit, before=before
        )


@router.get("/campaigns/{campaign_id}", response_model=CampaignOut, responses=_ERRORS)
async def get_campaign(
    campaign_id: str,
    tenant: TenantDep,
    db: DbDep,
    campaigns: CampaignsDep,
) -> CampaignOut:
    with translated():
        campaign = await campaigns.get(tenant.id, campaign_id)
    return await campaign_out(db, campaigns, campaign)


async def request_chunks(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


@router.post(
    "/campaigns/{campaign_id}/leads",
    response_model=LeadsImported,
    responses=_ERRORS,
    openapi_extra={"requestBody": {"required": True, "content": UPLOAD_TYPES}},
)
async def upload_leads(
    campaign_id: str,
    request: Request,
    tenant: TenantDep,
    campaigns: CampaignsDep,
) -> LeadsImported:
    """Leads as CSV (a header row: `phone`, the script's variables, optionally
    `external_id`, `timezone`, `region`) or JSON (an array, or JSON lines). Read as it
    arrives; each bad row is reported with its row number (the header is row 1) and the
    good rows are kept."""
    kind = upload_kind(media_type(request))
    if kind is None:
        raise UnsupportedMediaType(
            "leads are sent as text/csv, application/json (an array) or "
            f"application/x-ndjson; got {media_type(request) or 'none'}"
        )
    return await import_leads(campaigns, tenant.id, campaign_id, request_chunks(request), kind)


async def import_leads(
    campaigns: CampaignEngine, tenant_id: str, campaign_id: str, chunks: AsyncIterable[bytes],
    kind: str,
) -> LeadsImported:
    """An upload's bytes (csv, json or jsonl) into the campaign: the API's request body
    and the console's uploaded file alike."""
    with translated():
        result = await campaigns.import_leads(tenant_id, campaign_id, records(chunks, kind))
    return imported(result)


def imported(result: ImportResult) -> LeadsImported:
    return LeadsImported(
        accepted=result.accepted,
        rejected=[RejectedRow(**r) for r in result.rejected],
        rejected_count=result.rejected_count,
    )


@router.post(
    "/campaigns/{campaign_id}/{action}",
    response_model=CampaignCreated,
    responses=_ERRORS,
)
async def move_campaign(
    campaign_id: str,
    action: Literal["start", "pause", "resume", "cancel"],
    tenant: TenantDep,
    campaigns: CampaignsDep,
) -> CampaignCreated:
    """`start` (draft → running), `pause`, `resume`, `cancel` (calls in progress finish;
    nothing more is dialled)."""
    with translated():
        campaign = await campaigns.move(tenant.id, campaign_id, action)
    return CampaignCreated(id=campaign.id, status=campaign.status)


def _attempt_out(a: CampaignAttempt) -> AttemptOut:
    return AttemptOut(
        attempt=a.attempt,
        call_id=a.call_id,
        started_at=a.started_at,
        ended_at=a.ended_at,
        outcome=a.outcome,
    )


def _lead_out(lead: CampaignLead, attempts: list[CampaignAttempt]) -> LeadOut:
    return LeadOut(
        id=lead.id,
        row=lead.row,
        phone=lead.phone,
        external_id=lead.external_id,
        state=lead.state,
        outcome=lead.outcome,
        attempts=lead.attempts,
        next_at=lead.next_at,
        zones=list(lead.zones),
        zone_source=lead.zone_source,
        variables=lead.variables,
        note=lead.note,
        calls=[_attempt_out(a) for a in attempts],
    )


@router.get("/campaigns/{campaign_id}/leads", response_model=LeadPage, responses=_ERRORS)
async def list_leads(
    campaign_id: str,
    tenant: TenantDep,
    campaigns: CampaignsDep,
    state: LeadState | None = None,
    outcome: str | None = Query(default=None, max_length=64),
    after: int = Query(
        default=0, ge=0, le=MAX_ID, description="Leads after this id (from next_after)."
    ),
    limit: int = Query(default=100, ge=1, le=1000),
) -> LeadPage:
    with translated():
        leads, attempts = await campaigns.list_leads(
            tenant.id, campaign_id, state=state, outcome=outcome, after_id=after, limit=limit
        )
    items = [_lead_out(lead, attempts.get(lead.id, [])) for lead in leads]
    return LeadPage(items=items, next_after=items[-1].id if len(items) == limit else None)


@router.get(
    "/campaigns/{campaign_id}/report.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}, **_ERRORS},
)
async def report(
    campaign_id: str,
    tenant: TenantDep,
    db: DbDep,
    campaigns: CampaignsDep,
    settings: SettingsDep,
    secret_key: SecretKeyDep,
) -> StreamingResponse:
    """One row per lead: phone, external_id, state, attempts, last outcome, the result
    fields of its last call, its call ids and recording links (expiring, signed)."""
    with translated():
        campaign = await campaigns.get(tenant.id, campaign_id)
        ref = await campaigns.script_of(campaign)
    fields = list(ref.script.result.fields)
    return StreamingResponse(
        _report_rows(db, settings, secret_key, campaign.id, fields),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="campaign-{campaign.id}.csv"'},
    )


async def _report_rows(
    db: Database, settings: ServiceSettings, secret_key: str, campaign_id: str, fields: list[str]
) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "row",
            "phone",
            "external_id",
            "state",
            "attempts",
            "outcome",
            *fields,
            "call_ids",
            "recordings",
            "note",
        ]
    )
    after = 0
    while True:
        async with db.sessions() as session:
            leads = await repo.list_leads(session, campaign_id, after_id=after, limit=500)
            attempts = await repo.attempts_of(session, [lead.id for lead in leads])
            call_ids = [a.call_id for group in attempts.values() for a in group if a.call_id]
            calls = {c.id: c for c in await _calls(session, call_ids)}
        for lead in leads:
            tried = attempts.get(lead.id, [])
            last = calls.get(tried[-1].call_id or "") if tried else None
            values = ((last.result or {}).get("fields") or {}) if last is not None else {}
            links = [_recording_link(settings, secret_key, calls[a.call_id])
                     for a in tried if a.call_id in calls]
            purged = "(purged)"
            writer.writerow(
                [
                    lead.row,
                    lead.phone,
                    lead.external_id or "",
                    lead.state,
                    lead.attempts,
                    lead.outcome or "",
                    *[_cell(values.get(name)) for name in fields],
                    " ".join(a.call_id or purged for a in tried),
                    " ".join(link for link in links if link),
                    lead.note or "",
                ]
            )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(leads) < 500:
            return
        after = leads[-1].id


async def _calls(session: Any, ids: list[str]) -> list[Call]:
    from sqlalchemy import select

    if not ids:
        return []
    return list(await session.scalars(select(Call).where(Call.id.in_(ids))))


def _recording_link(settings: ServiceSettings, secret_key: str, call: Call) -> str:
    if not call.recording_path or not Path(call.recording_path).is_file():
        return ""
    url, _ = signed_recording_url(
        settings.public_base_url or "",
        secret_key,
        call.id,
        settings.recording_url_ttl_s,
    )
    return url


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
