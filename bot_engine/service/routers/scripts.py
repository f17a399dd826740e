"""Scripts: upload (a new immutable version each time), validate, list, read, delete.

Uploaded text is parsed and validated in the script workers, never on the event loop, and
within `settings.script_limits`: a script over a limit is a 422 whose issue names it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, Path, Request, Response
from sqlalchemy.exc import IntegrityError

from bot_engine.script import LoadedScript, ScriptError, json_schema, load_script
from bot_engine.service.auth import TenantDep, current_tenant
from bot_engine.service.call_creation import issues_of
from bot_engine.service.deps import DbDep, DispatchDep, RendersDep, ScriptsDep
from bot_engine.service.errors import Conflict, Invalid, NotFound
from bot_engine.service.routers.common import problems, script_text
from bot_engine.service.schemas import ScriptOut, ScriptVersionOut, ValidationOut
from bot_engine.service.script_cache import ScriptCache
from bot_engine.storage import Database
from bot_engine.storage import scripts as repo
from bot_engine.storage.models import ScriptRecord, ScriptVersion

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["scripts"])

_SCRIPT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}
_ERRORS = problems(401, 404, 413, 415, 422)
MAX_VERSION = 2**31 - 1
"""Versions are 32-bit in the database; a larger number in a path is a 422, not a 500."""


async def checked_script(scripts: ScriptCache, text: str, source: str) -> LoadedScript:
    """Parse and validate in a worker process; ScriptError lists every issue."""
    if scripts.workers is None:
        return load_script(text, source=source)
    return await scripts.workers.load(text, source)


def version_out(script: ScriptRecord, version: ScriptVersion) -> ScriptVersionOut:
    return ScriptVersionOut(
        script_id=script.name,
        version=version.version,
        created_at=version.created_at,
        render_status=version.render_status,
        render_detail=version.render_detail,
        warnings=version.warnings,
    )


@router.post(
    "/scripts",
    status_code=201,
    response_model=ScriptVersionOut,
    openapi_extra=_SCRIPT_BODY,
    responses=_ERRORS,
)
async def upload_script(
    request: Request,
    tenant: TenantDep,
    db: DbDep,
    scripts: ScriptsDep,
    dispatch: DispatchDep,
    renders: RendersDep,
) -> ScriptVersionOut:
    """Upload a script (YAML or JSON). Each upload is a new immutable version; the static
    prompts are pre-rendered in the background (see `render_status`)."""
    text, fmt = await script_text(request)
    try:
        loaded = await checked_script(scripts, text, f"upload.{fmt}")
    except ScriptError as exc:
        raise Invalid("the script is invalid", issues_of(exc)) from exc
    warnings = [w.model_dump() for w in loaded.warnings]
    for _ in range(3):
        try:
            async with db.write() as session:
                script, version = await repo.add_version(
                    session, tenant.id, loaded.script.id, text, fmt, warnings
                )
            break
        except IntegrityError:  # a concurrent upload took the same version number
            continue
    else:
        raise Conflict("concurrent uploads of the same script; retry")
    scripts.put(version.id, loaded)
    dispatch.spawn(renders.render(version.id, loaded.script))
    return version_out(script, version)


@router.post(
    "/scripts/validate",
    response_model=ValidationOut,
    openapi_extra=_SCRIPT_BODY,
    responses=_ERRORS,
    dependencies=[Depends(current_tenant)],  # only a tenant may validate
)
async def validate_script(
    request: Request,
    scripts: ScriptsDep,
) -> ValidationOut:
    """Check a script without storing it: 200 with `valid` and every issue found."""
    text, fmt = await script_text(request)
    try:
        loaded = await checked_script(scripts, text, f"upload.{fmt}")
    except ScriptError as exc:
        return ValidationOut(valid=False, issues=issues_of(exc))
    return ValidationOut(
        valid=True,
        script_id=loaded.script.id,
        issues=[w.model_dump() for w in loaded.warnings],
    )


@router.get("/scripts", response_model=list[ScriptOut], responses=_ERRORS)
async def list_scripts(tenant: TenantDep, db: DbDep) -> list[ScriptOut]:
    async with db.sessions() as session:
        rows = await repo.list_scripts(session, tenant.id)
    return [
        ScriptOut(
            script_id=s.name,
            latest_version=s.latest_version,
            created_at=s.created_at,
            updated_at=s.updated_at,
        )
        for s in rows
    ]


async def _script(db: Database, tenant_id: str, script_id: str) -> ScriptRecord:
    async with db.sessions() as session:
        script = await repo.get_script(session, tenant_id, script_id)
    if script is None:
        raise NotFound(f"no script {script_id!r}")
    return script


@router.get("/scripts/{script_id}", response_model=ScriptOut, responses=_ERRORS)
async def get_script(script_id: str, tenant: TenantDep, db: DbDep) -> ScriptOut:
    script = await _script(db, tenant.id, script_id)
    async with db.sessions() as session:
        version = await repo.get_version(session, script)
    return ScriptOut(
        script_id=script.name,
        latest_version=script.latest_version,
        created_at=script.created_at,
        updated_at=script.updated_at,
        latest=version_out(script, version) if version else None,
        source=version.source if version else None,
    )


@router.get(
    "/scripts/{script_id}/versions", response_model=list[ScriptVersionOut], responses=_ERRORS
)
async def list_versions(script_id: str, tenant: TenantDep, db: DbDep) -> list[ScriptVersionOut]:
    script = await _script(db, tenant.id, script_id)
    async with db.sessions() as session:
        versions = await repo.list_versions(session, script)
    return [version_out(script, v) for v in versions]


@router.get("/scripts/{script_id}/versions/{version}", response_model=ScriptOut, responses=_ERRORS)
async def get_version(
    script_id: str,
    tenant: TenantDep,
    db: DbDep,
    version: int = Path(ge=1, le=MAX_VERSION),
) -> ScriptOut:
    script = await _script(db, tenant.id, script_id)
    async with db.sessions() as session:
        row = await repo.get_version(session, script, version)
    if row is None:
        raise NotFound(f"script {script_id!r} has no version {version}")
    return ScriptOut(
        script_id=script.name,
        latest_version=script.latest_version,
        created_at=script.created_at,
        updated_at=script.updated_at,
        latest=version_out(script, row),
        source=row.source,
    )


@router.delete("/scripts/{script_id}", status_code=204, responses=_ERRORS)
async def delete_script(script_id: str, tenant: TenantDep, db: DbDep) -> Response:
    """Soft delete: new calls cannot use it; calls already created keep their version."""
    async with db.write() as session:
        script = await repo.get_script(session, tenant.id, script_id)
        if script is None:
            raise NotFound(f"no script {script_id!r}")
        await repo.soft_delete(session, script)
    return Response(status_code=204)


@router.get("/script-schema", tags=["scripts"])
async def script_schema() -> dict[str, Any]:
    """The JSON Schema of the script language (for editors)."""
    return json_schema()
