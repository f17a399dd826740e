"""Inbound routes and API keys: list, create, delete or revoke, through the inbound-routes and
account routers' own functions. Secrets (a route's stream token, a new key) are shown once,
on the page that answers the form, and never again."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

import bot_engine.service.console.i18n as i18n
from bot_engine.service.composition import Service
from bot_engine.service.console.web import (
    CheckedViewerDep,
    ConsoleRoute,
    Viewer,
    ViewerDep,
    render,
    yaml_mapping,
)
from bot_engine.service.deps import running
from bot_engine.service.errors import ServiceError
from bot_engine.service.routers import account as account_api
from bot_engine.service.routers import inbound_routes as routes_api
from bot_engine.service.routers import scripts as scripts_api
from bot_engine.service.schemas import InboundRouteCreate

router = APIRouter(prefix="/ui", route_class=ConsoleRoute, include_in_schema=False)

CHANNELS = ("sip", "websocket", "audiosocket")


async def _routes_page(
    request: Request,
    who: Viewer,
    svc: Service,
    *,
    created: Any = None,
    form: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    rows = await routes_api.list_routes(who.tenant, svc.db)
    scripts = await scripts_api.list_scripts(who.tenant, svc.db)
    return render(
        request,
        "routes.html",
        {
            "rows": rows,
            "scripts": scripts,
            "channels": CHANNELS,
            "created": created,
            "form": form or {},
            "errors": errors or [],
            "notice": notice,
        },
        who=who,
        status_code=status_code,
    )


@router.get("/routes", response_class=Response)
async def routes_page(
    request: Request, who: ViewerDep, svc: Service = Depends(running), deleted: bool = False
) -> Response:
    t = i18n.translator(i18n.choose(request))
    return await _routes_page(request, who, svc, notice=t("Route deleted.") if deleted else None)


def _route_body(form: dict[str, str]) -> InboundRouteCreate:
    match = {
        key: form[field].strip()
        for key, field in (("to", "to"), ("from", "from"), ("sip_user", "sip_user"),
                           ("channel", "channel"))
        if form.get(field, "").strip()
    }
    body: dict[str, Any] = {
        "match": match,
        "script_id": form.get("script_id", ""),
        "variables": yaml_mapping(form.get("variables", "")),
        "priority": int(form.get("priority") or 0),
    }
    if form.get("version", "").strip():
        body["version"] = int(form["version"])
    if form.get("webhook", "").strip():
        body["webhook"] = form["webhook"].strip()
    return InboundRouteCreate.model_validate(body)


@router.post("/routes", response_class=Response)
async def create_route(
    request: Request,
    who: CheckedViewerDep,
    svc: Service = Depends(running),
    to: Annotated[str, Form(max_length=200)] = "",
    from_: Annotated[str, Form(alias="from", max_length=200)] = "",
    sip_user: Annotated[str, Form(max_length=200)] = "",
    channel: Annotated[str, Form(max_length=20)] = "",
    script_id: Annotated[str, Form(max_length=200)] = "",
    version: Annotated[str, Form(max_length=10)] = "",
    variables: Annotated[str, Form(max_length=10_000)] = "",
    webhook: Annotated[str, Form(max_length=2000)] = "",
    priority: Annotated[str, Form(max_length=6)] = "0",
) -> Response:
    """`POST /v1/inbound-routes` from a form: errors come back beside the form."""
    form = {
        "to": to, "from": from_, "sip_user": sip_user, "channel": channel,
        "script_id": script_id, "version": version, "variables": variables,
        "webhook": webhook, "priority": priority,
    }
    try:
        body = _route_body(form)
    except ValidationError as exc:
        errors = [
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        ]
        return await _routes_page(request, who, svc, form=form, errors=errors, status_code=422)
    except ValueError as exc:
        return await _routes_page(request, who, svc, form=form, errors=[str(exc)],
                                  status_code=422)
    try:
        created = await routes_api.create_route(body, who.tenant, svc.creation, svc.db, svc.scripts,
                                                svc.settings)
    except ServiceError as exc:
        messages = [exc.message, *(str(i.get("message", i)) for i in exc.issues or [])]
        return await _routes_page(request, who, svc, form=form, errors=messages,
                                  status_code=exc.status_code)
    return await _routes_page(request, who, svc, created=created, status_code=201)


@router.post("/routes/{route_id}/delete", response_class=Response)
async def delete_route(
    route_id: str, who: CheckedViewerDep, svc: Service = Depends(running)
) -> Response:
    await routes_api.delete_route(route_id, who.tenant, svc.db)
    return RedirectResponse("/ui/routes?deleted=1", status_code=303)


async def _keys_page(
    request: Request, who: Viewer, svc: Service, *, created: Any = None,
    notice: str | None = None, status_code: int = 200,
) -> Response:
    keys = await account_api.list_keys(who.tenant, svc.db)
    return render(
        request, "keys.html", {"keys": keys, "created": created, "notice": notice}, who=who,
        status_code=status_code,
    )


@router.get("/keys", response_class=Response)
async def keys_page(
    request: Request, who: ViewerDep, svc: Service = Depends(running), revoked: bool = False
) -> Response:
    t = i18n.translator(i18n.choose(request))
    return await _keys_page(request, who, svc, notice=t("Key revoked.") if revoked else None)


@router.post("/keys", response_class=Response)
async def create_key(
    request: Request, who: CheckedViewerDep, svc: Service = Depends(running)
) -> Response:
    created = await account_api.create_key(who.tenant, svc.db)
    return await _keys_page(request, who, svc, created=created, status_code=201)


@router.post("/keys/{key_id}/revoke", response_class=Response)
async def revoke_key(
    key_id: str, who: CheckedViewerDep, svc: Service = Depends(running)
) -> Response:
    """`DELETE /v1/keys/{id}`; revoking this session's own key signs it out at once."""
    await account_api.revoke_key(key_id, who.tenant, svc.db)
    return RedirectResponse("/ui/keys?revoked=1", status_code=303)
