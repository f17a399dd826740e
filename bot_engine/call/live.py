"""One answered call, run by the live `CallSession` and reported to a `CallSink`.

Shared by every live call, whatever placed or answered it (the dialer, the answerer, SIP,
WebSocket or AudioSocket): status `in_progress`, every transcript line in order while the
call runs, each with the dialog state as of then (crash recovery finishes the call from
there), then what the session measured (`call_report`), then exactly one `finish`,
whatever happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from bot_engine import log_context
from bot_engine.call.ended import ended_result
from bot_engine.call.report import CallReport
from bot_engine.call.session import CallSession, SessionSettings
from bot_engine.call.spec import CallSink, CallSpec
from bot_engine.call.speech import CallSpeech
from bot_engine.call.webhooks import AsyncWebhookRunner
from bot_engine.dialog import events as ev
from bot_engine.dialog.actions import DialogResult
from bot_engine.record import HangupCause, TranscriptTurn
from media_gateway.call_leg import CallLeg

log = logging.getLogger(__name__)


async def run_answered(
    leg: CallLeg,
    spec: CallSpec,
    speech: CallSpeech,
    sink: CallSink,
    *,
    settings: SessionSettings,
    webhooks: AsyncWebhookRunner,
    started_at: datetime | None = None,
) -> None:
    """`webhooks` is the shell's guarded runner (its allow-list and limits): required, so
    no live call can run a tenant's webhooks through anything else."""
    log_context.enter_call(spec.call_id, spec.tenant_id)
    turns: asyncio.Queue[TranscriptTurn | None] = asyncio.Queue()
    latest: dict[str, dict[str, Any]] = {}

    def remember(state: dict[str, Any]) -> None:
        latest["state"] = state

    async def forward() -> None:
        while (turn := await turns.get()) is not None:
            await sink.record_turn(spec.call_id, turn, dialog_state=latest.get("state"))

    forwarder = asyncio.get_running_loop().create_task(forward())
    session = CallSession(
        leg,
        spec.script,
        spec.variables,
        speech,
        settings=settings,
        webhooks=webhooks,
        recording_path=spec.recording_path,
        on_turn=turns.put_nowait,
        on_state=remember,
    )
    if started_at is not None:
        session.meta.started_at = started_at
    report: CallReport | None = None
    result: DialogResult | None = None
    cause = HangupCause.ERROR
    error: str | None = None
    try:
        await sink.call_status(spec.call_id, "in_progress", at=datetime.now(UTC))
        report = await session.run()
        result = report.result
        cause = report.call.hangup_cause or HangupCause.SESSION_ENDED
    except asyncio.CancelledError:
        result = session.result or _ended(spec, "system_failure", latest.get("state"))
        cause = HangupCause.SYSTEM_FAILURE
        raise
    except Exception as exc:
        log.exception("call %s failed", spec.call_id)
        result = session.result or _ended(spec, "error", latest.get("state"))
        error = f"{type(exc).__name__}: {exc}"
    finally:
        turns.put_nowait(None)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(forwarder, 10)
        if report is not None:
            await sink.call_report(spec.call_id, report)
        if result is not None:
            await sink.finish(
                spec.call_id,
                result,
                hangup_cause=cause,
                at=datetime.now(UTC),
                dialog_state=latest.get("state"),
                error=error,
            )


def _ended(spec: CallSpec, cause: str, state: dict[str, Any] | None) -> DialogResult:
    """The session failed before its Dialog ended: end it from its last saved state."""
    result, _ = ended_result(spec.script, spec.variables, ev.HungUp(cause=cause), state=state)
    return result
