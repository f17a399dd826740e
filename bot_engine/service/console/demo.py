"""`voicebot demo` → the console: when a `voicebot serve` answers on this machine's settings,
the finished demo call is stored in its database (as the live session would have stored it)
and its console URL is printed.

The call goes to the tenant named by `VOICEBOT_DEMO_TENANT`, else to the only tenant there is
(the quick start makes one); with none or several, nothing is stored. Anything that goes wrong
here only means no URL: the demo itself already succeeded."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.call.report import CallReport
from bot_engine.call.spec import NoDialer
from bot_engine.net import SsrfGuard
from bot_engine.record import HangupCause
from bot_engine.service.call_creation import CallCreation
from bot_engine.service.call_records import CallRecords
from bot_engine.service.dispatch import Dispatcher
from bot_engine.service.metrics import ServiceMetrics
from bot_engine.service.script_cache import ScriptCache
from bot_engine.service.settings import ServiceSettings
from bot_engine.service.telephony_policy import TelephonyPolicy
from bot_engine.storage import open_database
from bot_engine.storage import scripts as script_repo
from bot_engine.storage.files import private_file
from bot_engine.storage.models import Call, Tenant

log = logging.getLogger(__name__)
TENANT_ENV = "VOICEBOT_DEMO_TENANT"


def console_base(settings: ServiceSettings) -> str | None:
    """The serving console's base URL, or None when nothing answers there."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    local = f"http://{host}:{settings.port}"
    try:
        if httpx.get(f"{local}/healthz", timeout=1.0).status_code != 200:
            return None
    except httpx.HTTPError:
        return None
    return (settings.public_base_url or local).rstrip("/")


async def _tenant(session: AsyncSession, wanted: str | None) -> Tenant | None:
    query = select(Tenant)
    if wanted:
        query = query.where((Tenant.name == wanted) | (Tenant.id == wanted))
    rows = list((await session.scalars(query.limit(2))).all())
    return rows[0] if len(rows) == 1 else None


async def store(
    settings: ServiceSettings, report: CallReport, script_path: Path, recording: Path | None
) -> str | None:
    """Store the finished call for the tenant; returns its id (None: no single tenant)."""
    db = await open_database(settings.db_url, box=settings.secret_box())
    metrics = ServiceMetrics()
    # the serving process delivers (its worker polls the outbox): nothing to wake here
    sink = CallRecords(db, ScriptCache(), metrics, settings.recordings_path, lambda: None)
    dispatcher = Dispatcher(sink, NoDialer())
    creation = CallCreation(sink, dispatcher, SsrfGuard(settings.ssrf_allowlist),
                            TelephonyPolicy(settings, db), metrics)
    try:
        async with db.write() as session:
            tenant = await _tenant(session, os.environ.get(TENANT_ENV))
            if tenant is None:
                return None
            name = report.call.script_id
            script = await script_repo.get_script(session, tenant.id, name)
            latest = await script_repo.get_version(session, script) if script else None
            source = await anyio.Path(script_path).read_text(encoding="utf-8")
            if latest is None or latest.source != source:
                await script_repo.add_version(session, tenant.id, name, source, "yaml", [])
        spec = await creation.open_inbound(
            tenant_id=tenant.id, script_id=name, to_number=report.call.callee,
            from_number=report.call.caller, variables=report.variables,
        )
        async with db.write() as session:  # it rang when the demo ran, not now
            row = await session.get(Call, spec.call_id)
            if row is not None:
                row.created_at = row.ringing_at = report.call.started_at
        if (recording is not None and spec.recording_path is not None
                and await anyio.Path(recording).is_file()):
            private_file(spec.recording_path)
            await asyncio.to_thread(shutil.copyfile, recording, spec.recording_path)
        await sink.call_status(spec.call_id, "in_progress", at=report.call.answered_at)
        for turn in report.transcript:
            await sink.record_turn(spec.call_id, turn)
        await sink.call_report(spec.call_id, report)
        await sink.finish(spec.call_id, report.result,
                          hangup_cause=report.call.hangup_cause or HangupCause.SESSION_ENDED,
                          at=report.call.ended_at)
        return spec.call_id
    finally:
        await dispatcher.close()
        await db.close()


def console_url(report: CallReport, script_path: Path, recording: Path | None) -> str | None:
    """The demo call's page in a serving console, or None."""
    try:
        settings = ServiceSettings()
        base = console_base(settings)
        if base is None:
            return None
        with ThreadPoolExecutor(1) as pool:  # its own loop, whatever the caller runs
            call_id = pool.submit(
                asyncio.run, store(settings, report, script_path, recording)
            ).result(timeout=120)
    except Exception:  # the demo worked; only its console link did not
        log.debug("the demo call was not stored for the console", exc_info=True)
        return None
    return f"{base}/ui/calls/{call_id}" if call_id else None
