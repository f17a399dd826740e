"""The service's `CallSink`: where every call runner reports, stored as the call's events.

Each report is its own short transaction that also saves the latest dialog state, so a
crash loses no progress (`recovery` ends the call from there); `finish` commits the
result, the end of the call and its outbox row together (with whatever the finish hooks
add, such as a campaign's attempt), so a result can never be lost or sent twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic_core import to_jsonable_python

from bot_engine.call.ended import ended_result
from bot_engine.call.report import CallReport
from bot_engine.dialog.actions import DialogResult
from bot_engine.dialog.events import HungUp
from bot_engine.record import HangupCause, TranscriptTurn
from bot_engine.service.call_status import TERMINAL, can_move, final_status
from bot_engine.service.metrics import ServiceMetrics
from bot_engine.service.script_cache import ScriptCache
from bot_engine.storage import Database, outbox
from bot_engine.storage import calls as call_repo
from bot_engine.storage.models import Call, ScriptVersion, utcnow

log = logging.getLogger(__name__)

FinishHook = Callable[[Any, Call], Awaitable[None]]
"""Runs inside the transaction that ends a call (campaigns record the attempt)."""
AfterFinish = Callable[[str, DialogResult], Awaitable[None]]
"""Runs once a call's result is committed (a callback's next operator)."""

MAX_ERROR_CHARS = 2000
"""What a call's `error` keeps of a message (exception texts can be long)."""


def idempotency_key(call_id: str) -> str:
    """One result per call, so the key is derived from the call: stable across retries."""
    return f"res_{call_id}"


def jsonable(value: Any) -> Any:
    """Variables and event data go into JSON columns: dates and decimals become strings."""
    return to_jsonable_python(value)


class CallRecords:
    def __init__(
        self,
        db: Database,
        scripts: ScriptCache,
        metrics: ServiceMetrics,
        recordings: Path,
        wake_delivery: Callable[[], None],
    ) -> None:
        self.db = db
        self.scripts = scripts
        self.metrics = metrics
        self.recordings = recordings
        self.wake_delivery = wake_delivery
        self._finish_hooks: list[FinishHook] = []
        self._after_finish: list[AfterFinish] = []

    def on_finish(self, hook: FinishHook) -> None:
        """Run `hook` inside the transaction that ends every call."""
        self._finish_hooks.append(hook)

    def after_finish(self, hook: AfterFinish) -> None:
        """Run `hook` once a call's result is committed (its failure is only logged)."""
        self._after_finish.append(hook)

    async def run_finish_hooks(self, session: Any, call: Call) -> None:
        """For an ending the sink does not see (a queued call cancelled or taken back)."""
        for hook in self._finish_hooks:
            await hook(session, call)

    def recording_path(self, call_id: str) -> Path:
        return self.recordings / f"{call_id}.wav"

    async def call_status(
        self, call_id: str, status: Literal["ringing", "in_progress"], *, at: datetime | None = None
    ) -> None:
        at = at or utcnow()
        async with self.db.write() as session:
            call = await call_repo.lock_call(session, call_id)
            if call is None or not can_move(call.status, status):
                return
            call.status = status
            if status == "ringing":
                call.ringing_at = at
            else:
                call.answered_at = at
                call.recording_path = str(self.recording_path(call_id))
            await call_repo.add_event(session, call, "status", {"status": status}, at)

    async def call_event(
        self,
        call_id: str,
        kind: str,
        data: dict[str, Any],
        *,
        at: datetime | None = None,
        dialog_state: dict[str, Any] | None = None,
    ) -> None:
        async with self.db.write() as session:
            call = await call_repo.lock_call(session, call_id)
            if call is None or call.status in TERMINAL:
                return
            if dialog_state is not None:
                call.dialog_state = dialog_state
            await call_repo.add_event(session, call, kind, jsonable(data), at)

    async def record_turn(
        self, call_id: str, turn: TranscriptTurn, *, dialog_state: dict[str, Any] | None = None
    ) -> None:
        """A bot or caller turn is stored as a `turn` event (the transcript), anything else
        that happened as an `event` event."""
        if turn.role == "event":
            await self.call_event(call_id, "event", turn.stored(), at=turn.at,
                                  dialog_state=dialog_state)
            return
        self.metrics.turns.labels(role=turn.role).inc()
        await self.call_event(call_id, "turn", turn.stored(), at=turn.at,
                              dialog_state=dialog_state)

    async def call_report(self, call_id: str, report: CallReport) -> None:
        """Timings (and the response-gap metric), consent evidence, the AMD verdict, and
        where each turn, barge-in and resumed prompt sits in the recording."""
        for timing in report.timings:
            self.metrics.response_gap.observe(timing.response_gap_ms / 1000)
            await self.call_event(call_id, "timing", timing.model_dump(mode="json"))
        for consent in report.consent:
            await self.call_event(call_id, "consent", consent.model_dump(mode="json"))
        if report.amd is not None:
            await self.call_event(call_id, "amd", report.amd.model_dump(mode="json"))
        await self.call_event(call_id, "timeline", report.offsets())

    async def finish(
        self,
        call_id: str,
        result: DialogResult,
        *,
        hangup_cause: HangupCause,
        at: datetime | None = None,
        dialog_state: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        at = at or utcnow()
        cause = HangupCause(hangup_cause)
        async with self.db.write() as session:
            call = await call_repo.lock_call(session, call_id)
            if call is None or call.status in TERMINAL:
                return
            if dialog_state is not None:
                call.dialog_state = dialog_state
            if error is not None:
                call.error = error[:MAX_ERROR_CHARS]
            call.result = result.model_dump(mode="json")
            call.status = final_status(call.answered_at is not None, result.ending, cause)
            call.ended_at = at
            call.hangup_cause = cause.value
            await call_repo.add_event(
                session, call, "result", {"status": call.status, "result": call.result}, at
            )
            await self.run_finish_hooks(session, call)
            if call.delivery_target is not None:
                await outbox.enqueue(
                    session,
                    tenant_id=call.tenant_id,
                    call_id=call.id,
                    target=call.delivery_target,
                    idempotency_key=idempotency_key(call.id),
                )
        self.wake_delivery()
        for follow_up in self._after_finish:
            try:
                await follow_up(call_id, result)
            except Exception:  # the result is committed; a follow-up must not undo it
                log.exception("after-finish hook of call %s failed", call_id)

    async def fail_unstarted(self, call_id: str, error: str) -> None:
        """A call the runner could not even start still ends with a contract-valid result."""
        async with self.db.sessions() as session:
            call = await session.get(Call, call_id)
            if call is None or call.status in TERMINAL:
                return
            version = await session.get(ScriptVersion, call.script_version_id)
        assert version is not None
        result, _ = ended_result(self.scripts.get(version).script, dict(call.variables),
                                 HungUp(cause="system_failure"))
        await self.finish(call_id, result, hangup_cause=HangupCause.SYSTEM_FAILURE, error=error)
