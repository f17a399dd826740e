"""The do-not-call list: a page of entries, check a number, add, remove, import a file, all
through the do-not-call router's own functions (numbers normalised as the API does)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

import bot_engine.service.console.i18n as i18n
from bot_engine.service.composition import Service
from bot_engine.service.console.uploads import ACCEPT, chosen_file
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
from bot_engine.service.routers import dnc as dnc_api

router = APIRouter(prefix="/ui", route_class=ConsoleRoute, include_in_schema=False)

PAGE_SIZE = 100


async def _dnc_page(
    request: Request,
    who: Viewer,
    svc: Service,
    *,
    after: int = 0,
    checked: Any = None,
    check_error: str | None = None,
    form: dict[str, str] | None = None,
    errors: list[str] | None = None,
    imported: Any = None,
    upload_errors: list[str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    page = await dnc_api.list_entries(who.tenant, svc.db, after=after, limit=PAGE_SIZE)
    return render(
        request,
        "dnc.html",
        {
            "entries": page.items,
            "next_after": page.next_after,
            "paged": after > 0,
            "checked": checked,
            "check_error": check_error,
            "form": form or {},
            "errors": errors or [],
            "imported": imported,
            "upload_errors": upload_errors or [],
            "notice": notice,
            "accept": ACCEPT,
        },
        who=who,
        status_code=status_code,
    )


@router.get("/dnc", response_class=Response)
async def dnc_page(
    request: Request,
    who: ViewerDep,
    svc: Service = Depends(running),
    after: int = Query(0, ge=0, le=campaigns_api.MAX_ID),
    check: str | None = Query(None, max_length=40),
    added: str | None = Query(None, max_length=40),
    removed: str | None = Query(None, max_length=40),
) -> Response:
    """`check` asks `GET /v1/dnc/{phone}`; a number that is not a number says why."""
    t = i18n.translator(i18n.choose(request))
    checked, check_error = None, None
    if check and check.strip():
        try:
            checked = await dnc_api.check(check.strip(), who.tenant, svc.db, svc.settings)
        except ServiceError as exc:
            check_error = exc.message
    notice = None
    if added:
        notice = t("{phone} is on the list.", phone=added)
    elif removed:
        notice = t("{phone} was taken off the list.", phone=removed)
    return await _dnc_page(
        request, who, svc, after=after, checked=checked, check_error=check_error,
        notice=notice, form={"check": check or ""},
        status_code=422 if check_error else 200,
    )


@router.post("/dnc", response_class=Response)
async def add_number(
    request: Request,
    who: CheckedViewerDep,
    svc: Service = Depends(running),
    phone: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """`POST /v1/dnc` from the form."""
    form = {"phone": phone, "reason": reason}
    try:
        body = dnc_api.DncAdd(phone=phone.strip(), reason=reason.strip() or None)
        entry = await dnc_api.add(body, who.tenant, svc.db, svc.settings)
    except ValidationError as exc:
        errors = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        return await _dnc_page(request, who, svc, form=form, errors=errors, status_code=422)
    except ServiceError as exc:
        return await _dnc_page(
            request, who, svc, form=form, errors=[exc.message], status_code=exc.status_code
        )
    return RedirectResponse(f"/ui/dnc?added={quote(entry.phone, safe='')}", status_code=303)


@router.post("/dnc/import", response_class=Response)
async def import_numbers(
    request: Request, who: CheckedViewerDep, svc: Service = Depends(running)
) -> Response:
    """`POST /v1/dnc/import` with the chosen file as its body."""
    async with request.form() as posted:
        upload = chosen_file(posted, "numbers")
        if upload is None:
            t = i18n.translator(i18n.choose(request))
            return await _dnc_page(
                request, who, svc, upload_errors=[t("Choose a file.")], status_code=422
            )
        try:
            imported = await dnc_api.import_entries(
                svc.db, svc.settings, who.tenant.id, upload.chunks(), upload.kind
            )
        except ServiceError as exc:
            return await _dnc_page(
                request, who, svc, upload_errors=[exc.message], status_code=exc.status_code
            )
    return await _dnc_page(request, who, svc, imported=imported)


@router.post("/dnc/{phone}/remove", response_class=Response)
async def remove_number(
    phone: str, who: CheckedViewerDep, svc: Service = Depends(running)
) -> Response:
    """`DELETE /v1/dnc/{phone}`."""
    await dnc_api.remove(phone, who.tenant, svc.db, svc.settings)
    return RedirectResponse(f"/ui/dnc?removed={quote(phone, safe='')}", status_code=303)
