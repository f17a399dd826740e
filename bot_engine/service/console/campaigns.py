"""Campaigns: the list, the new-campaign form with its lead file, one campaign's live progress
(leads by state, outcomes, calls in progress) with start/pause/resume/cancel and more leads,
its leads page and the report, all through the campaigns router's own functions, so the
console and the API cannot disagree (another tenant's campaign is a 404 in both)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse

import bot_engine.service.console.campaign_form as campaign_form
from bot_engine.campaigns.engine import LEAD_STATES
from bot_engine.campaigns.model import WEEKDAYS
from bot_engine.service.composition import Service
from bot_engine.service.console.progress import FINAL_CAMPAIGN, progress
from bot_engine.service.console.uploads import ACCEPT, Upload, chosen_file, text_fields
from bot_engine.service.console.web import (
    CheckedViewerDep,
    ConsoleRoute,
    Viewer,
    ViewerDep,
    render,
)
from bot_engine.service.deps import running
from bot_engine.service.errors import ServiceError
from bot_engine.service.routers import campaigns as campaigns_api
from bot_engine.service.routers import scripts as scripts_api
from bot_engine.service.routers.campaigns import LeadsImported
from bot_engine.service.schemas import ScriptOut

router = APIRouter(prefix="/ui", route_class=ConsoleRoute, include_in_schema=False)

PAGE_SIZE = 20
LEADS_PAGE = 50
CALLING_SHOWN = 50
STATUSES = ("draft", "running", "paused", "finished", "cancelled")
STATUS_LABELS = {
    "draft": "Draft",
    "running": "Running",
    "paused": "Paused",
    "finished": "Complete",
    "cancelled": "Cancelled",
}
"""Campaign statuses as shown (their own words: in Russian a campaign is feminine)."""
STATE_LABELS = {
    "pending": "pending",
    "calling": "calling",
    "done": "done",
    "skipped_dnc": "do not call",
    "expired": "expired",
    "cancelled": "cancelled",
}
"""Lead states as shown."""
ACTIONS = {
    "draft": ("start", "cancel"),
    "running": ("pause", "cancel"),
    "paused": ("resume", "cancel"),
}
ACTION_LABELS = {"start": "Start", "pause": "Pause", "resume": "Resume", "cancel": "Cancel"}
DAY_LABELS = dict(zip(WEEKDAYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))
Action = Literal["start", "pause", "resume", "cancel"]


def _shared() -> dict[str, Any]:
    return {
        "status_labels": STATUS_LABELS,
        "lead_states": LEAD_STATES,
        "state_labels": STATE_LABELS,
        "actions": ACTIONS,
        "action_labels": ACTION_LABELS,
        "final": FINAL_CAMPAIGN,
    }


@router.get("/campaigns", response_class=Response)
async def campaigns_page(
    request: Request,
    who: ViewerDep,
    svc: Service = Depends(running),
    status: str | None = Query(None, max_length=20),
    before: datetime | None = None,
    fragment: bool = False,
) -> Response:
    """Newest first, PAGE_SIZE a page, each with its progress; the first page follows."""
    chosen = status if status in STATUSES else None
    rows = await campaigns_api.list_campaigns(
        tenant=who.tenant, db=svc.db, campaigns=svc.campaigns, status=chosen,  # type: ignore[arg-type]
        before=before, limit=PAGE_SIZE + 1,
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    context = {
        **_shared(),
        "rows": [(c, progress(c.counts.model_dump())) for c in rows],
        "status": chosen,
        "statuses": STATUSES,
        "older": rows[-1].created_at.isoformat() if more and rows else None,
        "paged": before is not None,
    }
    template = "campaigns_rows.html" if fragment else "campaigns.html"
    return render(request, template, context, who=who)


async def _new_page(
    request: Request,
    who: Viewer,
    svc: Service,
    form: dict[str, str],
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    scripts: list[ScriptOut] = await scripts_api.list_scripts(who.tenant, svc.db)
    return render(
        request,
        "campaign_new.html",
        {
            "form": form,
            "errors": errors or [],
            "scripts": scripts,
            "weekdays": WEEKDAYS,
            "day_labels": DAY_LABELS,
            "accept": ACCEPT,
        },
        who=who,
        status_code=status_code,
    )


@router.get("/campaigns/new", response_class=Response)
async def new_campaign_page(
    request: Request,
    who: ViewerDep,
    svc: Service = Depends(running),
    script: str | None = Query(None, max_length=200),
) -> Response:
    form = campaign_form.defaults()
    if script:
        form["script_id"] = script
    return await _new_page(request, who, svc, form)


def _problem_lines(exc: ServiceError) -> list[str]:
    issues = [
        f"{i['path']}: {i.get('message', '')}" if isinstance(i, dict) and i.get("path")
        else str(i.get("message", i) if isinstance(i, dict) else i)
        for i in exc.issues or []
    ]
    return [exc.message, *issues]


@router.post("/campaigns", response_class=Response)
async def create_campaign(
    request: Request, who: CheckedViewerDep, svc: Service = Depends(running)
) -> Response:
    """`POST /v1/campaigns` from the form, then the chosen lead file as
    `POST /v1/campaigns/{id}/leads`: the campaign's page answers (201, the campaign exists
    even when the file was refused), with each rejected row."""
    async with request.form() as posted:
        form = text_fields(posted)
        try:
            body = campaign_form.campaign_request(form)
        except campaign_form.FormProblems as exc:
            return await _new_page(request, who, svc, form, exc.messages, status_code=422)
        try:
            created = await campaigns_api.create_campaign(body, who.tenant, svc.creation,
                                                          svc.campaigns)
        except ServiceError as exc:
            return await _new_page(
                request, who, svc, form, _problem_lines(exc), status_code=exc.status_code
            )
        upload = await _import(svc, who, created.id, chosen_file(posted, "leads"))
    return await _campaign_page(request, who, svc, created.id, upload=upload, created=True,
                                status_code=201)


@dataclass(frozen=True)
class UploadAnswer:
    """What became of a lead file: its result, or why it was refused as a whole."""

    file_name: str | None
    imported: LeadsImported | None = None
    errors: list[str] = field(default_factory=list)
    status_code: int = 200


async def _import(
    svc: Service, who: Viewer, campaign_id: str, upload: Upload | None
) -> UploadAnswer | None:
    if upload is None:
        return None
    try:
        imported = await campaigns_api.import_leads(
            svc.campaigns, who.tenant.id, campaign_id, upload.chunks(), upload.kind
        )
    except ServiceError as exc:
        return UploadAnswer(upload.file.filename, errors=_problem_lines(exc),
                            status_code=exc.status_code)
    return UploadAnswer(upload.file.filename, imported)


async def _campaign_page(
    request: Request,
    who: Viewer,
    svc: Service,
    campaign_id: str,
    *,
    fragment: bool = False,
    upload: UploadAnswer | None = None,
    created: bool = False,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    campaign = await campaigns_api.get_campaign(campaign_id, who.tenant, svc.db, svc.campaigns)
    calling = await campaigns_api.list_leads(
        campaign_id, who.tenant, svc.campaigns, state="calling", outcome=None, after=0,
        limit=CALLING_SHOWN,
    )
    context = {
        **_shared(),
        "campaign": campaign,
        "progress": progress(campaign.counts.model_dump()),
        "calling": calling.items,
        "calling_more": calling.next_after is not None,
        "upload": upload,
        "imported": upload.imported if upload is not None else None,
        "upload_errors": upload.errors if upload is not None else [],
        "created": created,
        "error": error,
        "weekdays": WEEKDAYS,
        "day_labels": DAY_LABELS,
        "accept": ACCEPT,
        "windows_text": campaign_form.windows_text,
    }
    template = "campaign_live.html" if fragment else "campaign.html"
    return render(request, template, context, who=who, status_code=status_code)


@router.get("/campaigns/{campaign_id}", response_class=Response)
async def campaign_page(
    request: Request,
    campaign_id: str,
    who: ViewerDep,
    svc: Service = Depends(running),
    fragment: bool = False,
) -> Response:
    return await _campaign_page(request, who, svc, campaign_id, fragment=fragment)


@router.post("/campaigns/{campaign_id}/leads", response_class=Response)
async def upload_leads(
    request: Request,
    campaign_id: str,
    who: CheckedViewerDep,
    svc: Service = Depends(running),
) -> Response:
    """More leads for a draft, running or paused campaign (the file as the API's body)."""
    # another tenant's: 404
    await campaigns_api.get_campaign(campaign_id, who.tenant, svc.db, svc.campaigns)
    async with request.form() as posted:
        upload = await _import(svc, who, campaign_id, chosen_file(posted, "leads"))
    status_code = upload.status_code if upload is not None else 200
    return await _campaign_page(
        request, who, svc, campaign_id, upload=upload, status_code=status_code
    )


@router.post("/campaigns/{campaign_id}/{action}", response_class=Response)
async def move_campaign(
    request: Request,
    campaign_id: str,
    action: Action,
    who: CheckedViewerDep,
    svc: Service = Depends(running),
) -> Response:
    """`POST /v1/campaigns/{id}/{action}`; a refusal (409: start with no lead to call) is
    shown on the campaign's page."""
    try:
        await campaigns_api.move_campaign(campaign_id, action, who.tenant, svc.campaigns)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return await _campaign_page(
            request, who, svc, campaign_id, error=exc.message, status_code=exc.status_code
        )
    return RedirectResponse(f"/ui/campaigns/{campaign_id}", status_code=303)


@router.get("/campaigns/{campaign_id}/leads", response_class=Response)
async def leads_page(
    request: Request,
    campaign_id: str,
    who: ViewerDep,
    svc: Service = Depends(running),
    state: str | None = Query(None, max_length=20),
    outcome: str | None = Query(None, max_length=64),
    after: int = Query(0, ge=0, le=campaigns_api.MAX_ID),
) -> Response:
    """A page of leads with their calls, by state and outcome, paged by id (the API's
    cursor)."""
    campaign = await campaigns_api.get_campaign(campaign_id, who.tenant, svc.db, svc.campaigns)
    chosen_state = state if state in LEAD_STATES else None
    outcome = (outcome or "").strip() or None
    page = await campaigns_api.list_leads(
        campaign_id, who.tenant, svc.campaigns, state=chosen_state,  # type: ignore[arg-type]
        outcome=outcome, after=after, limit=LEADS_PAGE,
    )
    outcomes = sorted({*campaign.counts.outcomes, *([outcome] if outcome else [])})
    filters = {k: v for k, v in (("state", chosen_state), ("outcome", outcome)) if v}
    return render(
        request,
        "campaign_leads.html",
        {
            **_shared(),
            "campaign": campaign,
            "leads": page.items,
            "next_after": page.next_after,
            "paged": after > 0,
            "filters": filters,
            "outcomes": outcomes,
        },
        who=who,
    )


@router.get("/campaigns/{campaign_id}/report.csv", response_class=StreamingResponse)
async def report(
    campaign_id: str, who: ViewerDep, svc: Service = Depends(running)
) -> StreamingResponse:
    """The API's report itself (one row per lead, streamed)."""
    return await campaigns_api.report(campaign_id, who.tenant, svc.db, svc.campaigns, svc.settings,
                                      svc.secret_key)
