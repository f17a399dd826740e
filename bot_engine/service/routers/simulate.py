"""`POST /v1/simulate`: the text simulator over HTTP, same document as `voicebot chat --json`."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends

from bot_engine.script import LoadedScript, ScriptError, validate_variables
from bot_engine.service.auth import TenantDep
from bot_engine.service.call_creation import issues_of
from bot_engine.service.deps import DbDep, ScriptsDep, WebhooksDep
from bot_engine.service.errors import Invalid, NotFound, ServiceError
from bot_engine.service.routers.common import problems, require_json
from bot_engine.service.routers.scripts import checked_script
from bot_engine.service.schemas import SimulateRequest
from bot_engine.service.script_cache import ScriptCache
from bot_engine.storage import Database
from bot_engine.storage import scripts as repo

router = APIRouter(prefix="/v1", tags=["simulate"])


class NotAvailable(ServiceError):
    status_code = 501
    code = "not_available"


async def _loaded(
    db: Database, scripts: ScriptCache, tenant_id: str, body: SimulateRequest
) -> LoadedScript:
    if (body.script is None) == (body.script_id is None):
        raise Invalid("give exactly one of script_id and script")
    if body.script is not None:
        text = body.script if isinstance(body.script, str) else json.dumps(body.script)
        try:
            return await checked_script(scripts, text, "inline")
        except ScriptError as exc:
            raise Invalid("the script is invalid", issues_of(exc)) from exc
    assert body.script_id is not None
    async with db.sessions() as session:
        script = await repo.get_script(session, tenant_id, body.script_id)
        version = await repo.get_version(session, script, body.version) if script else None
    if version is None:
        raise NotFound(f"no script {body.script_id!r} (version {body.version or 'latest'})")
    return await scripts.load(version)


def check_turns(turns: list[str]) -> None:
    """Every turn is text or a simulator command the simulator knows (`/silence`,
    `/hangup`, `/dtmf KEYS`): a bad one is a 422 naming it, before anything runs."""
    from bot_engine.simulator.session import TextSession

    issues = []
    now = datetime.now(UTC)
    for index, line in enumerate(turns):
        try:
            TextSession.parse(line, now)
        except ValueError as exc:
            issues.append({"path": f"turns[{index}]", "message": str(exc)})
    if issues:
        raise Invalid("the turns are not all valid simulator input", issues)


@router.post(
    "/simulate",
    responses=problems(401, 404, 422),
    dependencies=[Depends(require_json)],
)
async def simulate(
    body: SimulateRequest,
    tenant: TenantDep,
    webhooks: WebhooksDep,
    db: DbDep,
    scripts: ScriptsDep,
) -> dict[str, Any]:
    """Run the script against typed caller turns; returns `result` and `transcript`."""
    check_turns(body.turns)
    loaded = await _loaded(db, scripts, tenant.id, body)
    try:
        variables = validate_variables(loaded.script, body.variables)
    except ScriptError as exc:
        raise Invalid("the variables do not match the script", issues_of(exc)) from exc
    try:
        from bot_engine.simulator import run_conversation
    except ImportError as exc:
        raise NotAvailable(f"the simulator is not available: {exc}") from exc
    # Same as `voicebot chat --json`, with the service's guarded webhook runner (the script's
    # webhooks run on this loop while the dialog runs in a worker thread).
    session = await asyncio.to_thread(
        run_conversation,
        loaded.script,
        variables,
        body.turns,
        webhooks=webhooks.from_thread(asyncio.get_running_loop()),
        outbound=webhooks.outbound,
    )
    document: dict[str, Any] = session.document()
    return document
