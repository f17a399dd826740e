"""Calls: the list (filters, pages, live) and one call (result, transcript, recording with its
timeline, response gaps, consent evidence, deliveries). Read through the calls and deliveries
routers' own functions, so the console and the API cannot disagree."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import FileResponse

import bot_engine.service.console.timeline as timeline
from bot_engine.service.call_status import TERMINAL
from bot_engine.service.composition import Service
from bot_engine.service.console.web import ConsoleRoute, ViewerDep, render
from bot_engine.service.deps import running
from bot_engine.service.errors import NotFound
from bot_engine.service.routers import calls as calls_api
from bot_engine.service.routers import campaigns as campaigns_api
from bot_engine.service.routers import deliveries as deliveries_api
from bot_engine.service.schemas import CallOut, DeliveryOut

router = APIRouter(prefix="/ui", route_class=ConsoleRoute, include_in_schema=False)

PAGE_SIZE = 25
CAMPAIGNS_LISTED = 100
"""Campaigns offered by the calls filter (the newest; an older one still filters by URL)."""
STATUSES = ("queued", "ringing", "in_progress", "completed", "failed", "cancelled")
DIRECTIONS = ("inbound", "outbound")


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _utc(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0), tzinfo=UTC) if day is not None else None


@router.get("/calls", response_class=Response)
async def calls_page(
    request: Request,
    who: ViewerDep,
    svc: Service = Depends(running),
    status: str | None = Query(None, max_length=20),
    direction: str | None = Query(None, max_length=20),
    outcome: str | None = Query(None, max_length=64),
    phone: str | None = Query(None, max_length=64),
    since: str | None = Query(None, max_length=10),
    until: str | None = Query(None, max_length=10),
    campaign: str | None = Query(None, max_length=64),
    before: datetime | None = None,
    fragment: bool = False,
) -> Response:
    """Newest first, PAGE_SIZE a page; `before` pages back (the API's own cursor). Another
    tenant's campaign in the filter is a 404, as on the API."""
    chosen_status = _choice(status, STATUSES)
    chosen_direction = _choice(direction, DIRECTIONS)
    outcome = (outcome or "").strip() or None
    phone = (phone or "").strip() or None
    campaign = (campaign or "").strip() or None
    since_day, until_day = _day(since), _day(until)
    rows = await calls_api.list_calls(
        tenant=who.tenant,
        db=svc.db,
        campaigns=svc.campaigns,
        status=chosen_status,  # type: ignore[arg-type]
        direction=chosen_direction,  # type: ignore[arg-type]
        before=before,
        limit=PAGE_SIZE + 1,
        outcome=outcome,
        phone=phone,
        since=_utc(since_day),
        until=_utc(until_day + timedelta(days=1)) if until_day is not None else None,
        campaign=campaign,
    )
    filters = {
        "status": chosen_status,
        "direction": chosen_direction,
        "outcome": outcome,
        "phone": phone,
        "since": since_day.isoformat() if since_day else None,
        "until": until_day.isoformat() if until_day else None,
        "campaign": campaign,
    }
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    context: dict[str, Any] = {
        "rows": rows,
        "filters": {k: v for k, v in filters.items() if v},
        "older": rows[-1].created_at.isoformat() if more and rows else None,
        "paged": before is not None,
        "statuses": STATUSES,
        "directions": DIRECTIONS,
        "live": before is None,
    }
    if fragment:
        return render(request, "calls_rows.html", context, who=who)
    context["campaigns"] = await campaigns_api.campaign_rows(
        svc.db, who.tenant.id, limit=CAMPAIGNS_LISTED
    )
    return render(request, "calls.html", context, who=who)


def _offsets(call: CallOut, events: list[dict[str, Any]]) -> list[float | None]:
    """Each transcript turn's place in the recording: measured by the live session where it
    recorded one, else its time minus the answer time."""
    answered = call.timings.get("answered_at")
    measured = next((e["data"] for e in events if e["kind"] == "timeline"), None)
    spoken = [
        t for t in (measured or {}).get("turns", []) if t.get("role") in ("bot", "caller")
    ]
    exact = len(spoken) == len(call.transcript)
    out: list[float | None] = []
    for index, turn in enumerate(call.transcript):
        start = spoken[index].get("start_ms") if exact else None
        if start is not None:
            out.append(start / 1000)
        elif answered is not None and turn.at is not None:
            out.append(max(0.0, (turn.at - answered).total_seconds()))
        else:
            out.append(None)
    return out


def _gaps(call: CallOut) -> tuple[list[dict[str, Any]], float]:
    turns = [t for t in call.timings.get("turns", []) if isinstance(t, dict)]
    longest = max((float(t.get("response_gap_ms") or 0) for t in turns), default=0.0)
    return turns, longest


async def _deliveries(svc: Service, who: Any, call_id: str) -> list[DeliveryOut]:
    rows = await deliveries_api.list_deliveries(
        tenant=who.tenant, db=svc.db, status=None, call_id=call_id, limit=20
    )
    return [await deliveries_api.get_delivery(d.id, who.tenant, svc.db) for d in rows]


async def _recording_path(svc: Service, who: Any, call_id: str) -> Path | None:
    try:
        response = await calls_api.get_recording(call_id, who.tenant, svc.db)
    except NotFound:
        return None
    return Path(response.path)


@router.get("/calls/{call_id}", response_class=Response)
async def call_page(
    request: Request,
    call_id: str,
    who: ViewerDep,
    svc: Service = Depends(running),
    fragment: bool = False,
) -> Response:
    call: CallOut = await calls_api.get_call(call_id, who.tenant, svc.db)
    events = await calls_api.get_call_events(call_id, who.tenant, svc.db)
    live = call.status not in TERMINAL
    context: dict[str, Any] = {
        "call": call,
        "offsets": _offsets(call, events),
        "live": live,
    }
    if fragment:
        return render(request, "call_live.html", context, who=who)
    recording = await _recording_path(svc, who, call_id) if not live else None
    line = await asyncio.to_thread(
        timeline.build,
        recording,
        events,
        call.timings.get("answered_at"),
        call.timings.get("ended_at"),
    )
    gaps, longest = _gaps(call)
    context.update(
        recording=recording is not None,
        timeline=line,
        gaps=gaps,
        longest_gap=longest,
        consent=[e["data"] for e in events if e["kind"] == "consent"],
        deliveries=await _deliveries(svc, who, call_id),
        fields=(call.result or {}).get("fields") or {},
    )
    return render(request, "call.html", context, who=who)


@router.get("/calls/{call_id}/recording", response_class=FileResponse)
async def call_recording(
    call_id: str, who: ViewerDep, svc: Service = Depends(running)
) -> FileResponse:
    """The API's recording response itself (range requests included, so the player seeks),
    shown inline so a link with a media fragment (`#t=12.3,14`) plays that span."""
    response: FileResponse = await calls_api.get_recording(call_id, who.tenant, svc.db)
    response.headers["content-disposition"] = f'inline; filename="{call_id}.wav"'
    return response
