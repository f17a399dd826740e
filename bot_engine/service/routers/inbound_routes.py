"""Inbound routes: which of the tenant's scripts answers calls to a number, SIP user,
Twilio stream or AudioSocket UUID, with which variables, and where results go."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from fastapi import APIRouter, Depends, Response

from bot_engine.script import Script, ScriptError, validate_variables
from bot_engine.service.auth import TenantDep
from bot_engine.service.call_creation import issues_of
from bot_engine.service.deps import CreationDep, DbDep, ScriptsDep, SettingsDep
from bot_engine.service.errors import Conflict, Invalid, NotFound
from bot_engine.service.inbound_routing import RouteMatch, conflict_with
from bot_engine.service.routers.common import problems, require_json
from bot_engine.service.schemas import (
    InboundRouteCreate,
    InboundRouteCreated,
    InboundRouteOut,
)
from bot_engine.storage import inbound_routes as repo
from bot_engine.storage import scripts as script_repo
from bot_engine.storage.models import InboundRoute

router = APIRouter(prefix="/v1", tags=["inbound routes"])
_ERRORS = problems(401, 404, 409, 413, 415, 422)


def route_out(row: InboundRoute) -> InboundRouteOut:
    return InboundRouteOut(
        id=row.id,
        match=RouteMatch.model_validate(row.match),
        script_id=row.script_name,
        version=row.version,
        variables=row.variables,
        variable_headers=row.variable_headers,
        webhook=row.webhook,
        priority=row.priority,
        created_at=row.created_at,
    )


def stream_url(public_base_url: str, route_id: str, token: str) -> str:
    base = public_base_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base.removeprefix("https://")
    elif base.startswith("http://"):
        base = "ws://" + base.removeprefix("http://")
    return f"{base}/v1/media/twilio/{route_id}/{token}"


@router.post(
    "/inbound-routes",
    status_code=201,
    response_model=InboundRouteCreated,
    responses=_ERRORS,
    dependencies=[Depends(require_json)],
)
async def create_route(
    body: InboundRouteCreate,
    tenant: TenantDep,
    creation: CreationDep,
    db: DbDep,
    scripts: ScriptsDep,
    settings: SettingsDep,
) -> InboundRouteCreated:
    """Route inbound calls to a script. The response carries the route's WebSocket secret
    (`token`, shown once) and the Twilio `<Stream>` URL built from it. A route that could
    match a number another tenant already routes (by `to` or `sip_user`, exactly or by a
    pattern) is a 409, and so is a route beyond the tenant's limit."""
    target = await creation.checked_target(body.webhook)
    async with db.write() as session:
        script = await script_repo.get_script(session, tenant.id, body.script_id)
        if script is None:
            raise NotFound(f"no script {body.script_id!r}")
        version = await script_repo.get_version(session, script, body.version)
        if version is None:
            raise NotFound(f"script {body.script_id!r} has no version {body.version}")
        try:
            declared = scripts.get(version).script.variables
        except ScriptError as exc:  # pragma: no cover - stored versions are valid
            raise Invalid("the script cannot be loaded", issues_of(exc)) from exc
        unknown = sorted((set(body.variables) | set(body.variable_headers)) - set(declared))
        if unknown:
            raise Invalid(
                f"the script {body.script_id!r} declares no variable(s) {', '.join(unknown)}",
                [{"path": name, "message": "not a variable of the script"} for name in unknown],
            )
        _check_variables(scripts.get(version).script, body.variables)
        others = [RouteMatch.model_validate(r.match)  # takes the routes lock first
                  for r in await repo.other_tenants_routes(session, tenant.id)]
        limit = settings.inbound_routes_per_tenant
        if len(await repo.list_routes(session, tenant.id)) >= limit:
            raise Conflict(f"the tenant already has {limit} inbound routes (the limit); "
                           "delete one, or match several numbers with one pattern")
        reason = await asyncio.to_thread(_first_conflict, body.match, others)
        if reason is not None:
            raise Conflict(reason)
        token = secrets.token_urlsafe(24)
        row = await repo.create_route(
            session,
            tenant_id=tenant.id,
            match=body.match.model_dump(mode="json", by_alias=True, exclude_none=True),
            exact_to=body.match.exact_to,
            script_name=script.name,
            version=body.version,
            variables=_jsonable(body.variables),
            variable_headers=dict(body.variable_headers),
            webhook=target.model_dump(mode="json") if target is not None else None,
            priority=body.priority,
            token=token,
        )
    out = route_out(row)
    audiosocket = body.match.channel in (None, "audiosocket")
    return InboundRouteCreated(
        **out.model_dump(),
        token=token,
        twilio_stream_url=stream_url(settings.public_base_url or "", row.id, token),
        audiosocket_uuid=repo.audiosocket_uuid(row.token_hash) if audiosocket else None,
    )


@router.get("/inbound-routes", response_model=list[InboundRouteOut], responses=_ERRORS)
async def list_routes(tenant: TenantDep, db: DbDep) -> list[InboundRouteOut]:
    """The tenant's routes, highest priority first."""
    async with db.sessions() as session:
        rows = await repo.list_routes(session, tenant.id)
    return [route_out(r) for r in rows]


@router.get("/inbound-routes/{route_id}", response_model=InboundRouteOut, responses=_ERRORS)
async def get_route(route_id: str, tenant: TenantDep, db: DbDep) -> InboundRouteOut:
    async with db.sessions() as session:
        row = await repo.get_route(session, tenant.id, route_id)
    if row is None:
        raise NotFound(f"no inbound route {route_id!r}")
    return route_out(row)


@router.delete("/inbound-routes/{route_id}", status_code=204, responses=_ERRORS)
async def delete_route(route_id: str, tenant: TenantDep, db: DbDep) -> Response:
    """Calls already answered through the route carry on; new calls no longer match it."""
    async with db.write() as session:
        row = await repo.get_route(session, tenant.id, route_id)
        if row is None:
            raise NotFound(f"no inbound route {route_id!r}")
        await repo.delete_route(session, row)
    return Response(status_code=204)


def _check_variables(script: Script, values: dict[str, Any]) -> None:
    """The route's static variables must be valid values for the script (type, length);
    required variables it leaves out may still come with each call."""
    try:
        validate_variables(script, values)
    except ScriptError as exc:
        issues = [i for i in issues_of(exc) if i.get("path", "").removeprefix("variables.")
                  in values]
        if issues:
            raise Invalid("the route's variables do not suit the script", issues) from None


def _first_conflict(new: RouteMatch, others: list[RouteMatch]) -> str | None:
    for other in others:
        reason = conflict_with(new, other)
        if reason is not None:
            return reason
    return None


def _jsonable(value: Any) -> Any:
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(value)
