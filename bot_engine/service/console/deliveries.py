"""Deliveries: the outbox by state, one delivery's attempt log, and retry, through the
deliveries router's own functions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from bot_engine.service.composition import Service
from bot_engine.service.console.web import CheckedViewerDep, ConsoleRoute, ViewerDep, render
from bot_engine.service.deps import running
from bot_engine.service.routers import deliveries as deliveries_api

router = APIRouter(prefix="/ui", route_class=ConsoleRoute, include_in_schema=False)

STATES = ("pending", "delivered", "dead")
LIMIT = 100


@router.get("/deliveries", response_class=Response)
async def deliveries_page(
    request: Request,
    who: ViewerDep,
    svc: Service = Depends(running),
    status: str | None = Query(None, max_length=20),
    fragment: bool = False,
) -> Response:
    chosen = status if status in STATES else None
    rows = await deliveries_api.list_deliveries(
        tenant=who.tenant, db=svc.db, status=chosen, call_id=None, limit=LIMIT  # type: ignore[arg-type]
    )
    context = {"rows": rows, "status": chosen, "states": STATES}
    template = "deliveries_rows.html" if fragment else "deliveries.html"
    return render(request, template, context, who=who)


@router.get("/deliveries/{delivery_id}", response_class=Response)
async def delivery_page(
    request: Request,
    delivery_id: str,
    who: ViewerDep,
    svc: Service = Depends(running),
    retried: bool = False,
) -> Response:
    delivery = await deliveries_api.get_delivery(delivery_id, who.tenant, svc.db)
    return render(
        request, "delivery.html", {"delivery": delivery, "retried": retried}, who=who
    )


@router.post("/deliveries/{delivery_id}/retry", response_class=Response)
async def retry(
    delivery_id: str, who: CheckedViewerDep, svc: Service = Depends(running)
) -> Response:
    """`POST /v1/deliveries/{id}/retry`: a dead (or delivered) result goes out again."""
    await deliveries_api.retry_delivery(delivery_id, who.tenant, svc.db, svc.worker)
    return RedirectResponse(f"/ui/deliveries/{delivery_id}?retried=1", status_code=303)
