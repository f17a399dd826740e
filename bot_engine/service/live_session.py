"""One answered call, run by the live `CallSession` and reported to the service's sink.

Shared by every live call the service runs itself (inbound SIP, WebSocket and AudioSocket
calls, and outbound calls through the service's SIP user agent): status `in_progress`,
transcript turns in order while the call runs, each stored with the dialog state as of
then (crash recovery finishes the call from there), then timings and consent evidence,
then exactly one `finish`, whatever happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from bot_engine.call.report import CallReport, TranscriptTurn
from bot_engine.call.session import CallSession, SessionSettings
from bot_engine.call.speech import CallSpeech
from bot_engine.call.webhooks import AsyncWebhookRunner
from bot_engine.dialog import events as ev
from bot_engine.dialog.actions import DialogResult
from bot_engine.dialog.engine import Dialog
from bot_engine.service.metrics import ServiceMetrics
from bot_engine.service.runner import CallSink, CallSpec
from media_gateway.call_leg import CallLeg

log = logging.getLogger(__name__)


async def run_live_session(
    leg: CallLeg,
    spec: CallSpec,
    speech: CallSpeech,
    sink: CallSink,
    *,
    settings: SessionSettings,
    webhooks: AsyncWebhookRunner,
    metrics: ServiceMetrics | None = None,
    started_at: datetime | None = None,
) -> None:
    """`webhooks` is the service's guarded runner (its allow-list and limits): required,
    so no live call can run a tenant's webhooks through anything else."""
    turns: asyncio.Queue[TranscriptTurn | None] = asyncio.Queue()
    latest: dict[str, dict[str, Any]] = {}

    def remember(state: dict[str, Any]) -> None:
        latest["state"] = state

    async def forward() -> None:
        while (turn := await turns.get()) is not None:
            state = latest.get("state")
            if turn.role in ("bot", "caller"):
                role: Any = turn.role
                await sink.transcript_turn(
                    spec.call_id,
                    role,
                    turn.text,
                    at=turn.at,
                    step=turn.step,
                    confidence=turn.confidence,
                    dialog_state=state,
                )
            else:
                await sink.call_event(
                    spec.call_id, "event", {"text": turn.text}, at=turn.at, dialog_state=state
                )

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
    cause = "error"
    try:
        await sink.call_status(spec.call_id, "in_progress", at=datetime.now(UTC))
        report = await session.run()
        result, cause = report.result, report.call.hangup_cause or "completed"
    except asyncio.CancelledError:
        result = session.result or ended_result(spec, ev.HungUp(cause="system_failure"))
        cause = "system_failure"
        raise
    except Exception as exc:
        log.exception("call %s failed", spec.call_id)
        result = session.result or ended_result(spec, ev.HungUp(cause="error"))
        cause = f"error: {type(exc).__name__}: {exc}"[:64]
    finally:
        turns.put_nowait(None)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(forwarder, 10)
        if report is not None:
            await _report_extras(spec, report, sink, metrics)
        if result is not None:
            await sink.finish(
                spec.call_id,
                result,
                hangup_cause=cause,
                at=datetime.now(UTC),
                dialog_state=latest.get("state"),
            )


async def _report_extras(
    spec: CallSpec, report: CallReport, sink: CallSink, metrics: ServiceMetrics | None
) -> None:
    """Timings, consent evidence and turn offsets, which the session knows only at the end."""
    for timing in report.timings:
        if metrics is not None:
            metrics.response_gap.observe(timing.response_gap_ms / 1000)
        await sink.call_event(spec.call_id, "timing", timing.model_dump(mode="json"))
    for consent in report.consent:
        await sink.call_event(spec.call_id, "consent", consent.model_dump(mode="json"))
    await sink.call_event(spec.call_id, "timeline", report.offsets())


def ended_result(spec: CallSpec, event: ev.Event) -> DialogResult:
    """The Dialog's own result for a call that ends with `event` before or outside a
    session (valid against the script's contract by construction)."""
    dialog = Dialog(spec.script, spec.variables)
    dialog.handle(event)
    if dialog.result is None:
        dialog.handle(ev.HungUp(cause="error"))
    assert dialog.result is not None
    return dialog.result
