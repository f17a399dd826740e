"""Calls: creation, cancellation, the results sink, crash recovery and result documents.

`CallService` is the `CallSink` every call runner reports to. Each report is its own short
transaction that also saves the latest dialog state; `finish` commits the result, the end
of the call and the outbox row together, so a result can never be lost or sent twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import AnyHttpUrl

from bot_engine.call import recording
from bot_engine.call.dial_targets import DialRefused
from bot_engine.call.ended import ended_result
from bot_engine.call.report import CallReport
from bot_engine.call.spec import CallRunner, CallSpec
from bot_engine.delivery.base import DeliveryJob
from bot_engine.delivery.payload import CallDetails, RecordingLink, ResultDocument
from bot_engine.delivery.targets import WebhookTarget, target_urls
from bot_engine.dialog.actions import DialogResult
from bot_engine.dialog.events import HungUp
from bot_engine.net import SsrfGuard, TargetRefused
from bot_engine.record import HangupCause, TranscriptTurn
from bot_engine.script import ScriptError, validate_variables
from bot_engine.service.call_status import TERMINAL, can_move, final_status
from bot_engine.service.campaign_calls import campaign_ref
from bot_engine.service.errors import Conflict, Invalid, NotFound
from bot_engine.service.metrics import ServiceMetrics
from bot_engine.service.recording_urls import signed_recording_url
from bot_engine.service.schemas import CallCreate
from bot_engine.service.script_cache import ScriptCache
from bot_engine.service.settings import ServiceSettings
from bot_engine.service.telephony_policy import TelephonyPolicy
from bot_engine.storage import Database, outbox
from bot_engine.storage import calls as call_repo
from bot_engine.storage import scripts as script_repo
from bot_engine.storage.models import Call, Delivery, ScriptRecord, ScriptVersion, Tenant, utcnow
from bot_engine.tasks import TaskSet

log = logging.getLogger(__name__)

FinishHook = Callable[[Any, Call], Awaitable[None]]


MAX_ERROR_CHARS = 2000
"""What a call's `error` keeps of a message (exception texts can be long)."""


def idempotency_key(call_id: str) -> str:
    """One result per call, so the key is derived from the call: stable across retries."""
    return f"res_{call_id}"


def issues_of(exc: ScriptError) -> list[dict[str, Any]]:
    return [issue.model_dump() for issue in exc.issues]


class CallService:
    def __init__(
        self,
        settings: ServiceSettings,
        db: Database,
        scripts: ScriptCache,
        metrics: ServiceMetrics,
        guard: SsrfGuard,
        runner: CallRunner,
        wake_delivery: Callable[[], None],
        secret_key: str,
        telephony: TelephonyPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.scripts = scripts
        self.metrics = metrics
        self.guard = guard
        self.runner = runner
        self.wake_delivery = wake_delivery
        self.secret_key = secret_key
        self.telephony = telephony or TelephonyPolicy(settings, db)
        self._tasks = TaskSet()
        self.before_start: Callable[[CallSpec], Awaitable[None]] | None = None
        """Runs before an outbound call is handed to the runner (the recordings cap)."""
        self.finish_hooks: list[FinishHook] = []
        """Run inside the transaction that ends a call (campaigns record the attempt)."""
        self._work: dict[str, set[asyncio.Task[None]]] = {}
        """Background work per call (prompt pre-rendering), stopped when it is cancelled."""
        self.after_finish: Callable[[str, DialogResult], Awaitable[None]] | None = None
        """Runs once a call's result is committed (a callback's next operator)."""

    # --- creation ----------------------------------------------------------------------

    async def checked_target(self, webhook: Any) -> Any:
        """A webhook URL or typed target, normalised and checked by the SSRF guard."""
        target = webhook
        if isinstance(target, AnyHttpUrl):
            target = WebhookTarget(url=target)
        if target is not None:
            for url in target_urls(target):
                try:
                    await self.guard.check(url)
                except TargetRefused as exc:
                    raise Invalid(f"webhook target refused: {exc}") from exc
        return target

    async def create(self, tenant: Tenant, request: CallCreate, *, prerender: bool = True) -> Call:
        target = await self.checked_target(request.webhook)
        try:
            await self.telephony.check_to(tenant.id, request.to)
        except DialRefused as exc:
            raise Invalid(f"`to` refused: {exc}", [{"path": "to", "message": str(exc)}]) from None
        async with self.db.write() as session:
            call = await self.create_in(
                session,
                tenant_id=tenant.id,
                script_id=request.script_id,
                version=request.version,
                to=request.to,
                variables=request.variables,
                delivery_target=target.model_dump(mode="json") if target is not None else None,
                prerender=prerender,
            )
        self.metrics.calls_created.inc()
        self.spawn(self.dispatch(call.id))
        return call

    async def create_in(
        self,
        session: Any,
        *,
        tenant_id: str,
        script_id: str,
        version: int | None,
        to: str,
        variables: dict[str, Any],
        delivery_target: dict[str, Any] | None,
        from_number: str | None = None,
        prerender: bool = True,
    ) -> Call:
        """Create a queued call inside the caller's transaction (campaigns claim a lead and
        create its call in one); the caller hands it to `dispatch` after the commit."""
        version_row, _, values = await self._script_and_variables(
            session, tenant_id, script_id, version, variables
        )
        call = await call_repo.create_call(
            session,
            tenant_id=tenant_id,
            script_version_id=version_row.id,
            to_number=to,
            from_number=from_number,
            variables=_jsonable(values),
            delivery_target=delivery_target,
        )
        if not prerender:
            call.prerender_status = "skipped"
        await call_repo.add_event(session, call, "status", {"status": "queued"})
        return call

    async def _script_and_variables(
        self,
        session: Any,
        tenant_id: str,
        script_id: str,
        version: int | None,
        variables: dict[str, Any],
    ) -> tuple[ScriptVersion, Any, dict[str, Any]]:
        """The script version a new call runs, and its variables validated against it.
        Raises NotFound or Invalid."""
        script = await script_repo.get_script(session, tenant_id, script_id)
        if script is None:
            raise NotFound(f"no script {script_id!r}")
        version_row = await script_repo.get_version(session, script, version)
        if version_row is None:
            raise NotFound(f"script {script_id!r} has no version {version}")
        try:
            loaded = self.scripts.get(version_row)
            values = validate_variables(loaded.script, variables)
        except ScriptError as exc:
            raise Invalid("the variables do not match the script", issues_of(exc)) from exc
        return version_row, loaded, values

    async def open_inbound(
        self,
        *,
        tenant_id: str,
        script_id: str,
        to_number: str,
        from_number: str | None,
        variables: dict[str, Any],
        version: int | None = None,
        delivery_target: dict[str, Any] | None = None,
    ) -> CallSpec:
        """Record an answered-to-be inbound call (it shows up in the same list as outbound
        calls) and return the spec its session runs with; the session then reports through
        this sink like any call. Raises NotFound or Invalid (bad variables)."""
        async with self.db.write() as session:
            version_row, loaded, values = await self._script_and_variables(
                session, tenant_id, script_id, version, variables
            )
            call = await call_repo.create_call(
                session,
                tenant_id=tenant_id,
                script_version_id=version_row.id,
                to_number=to_number,
                from_number=from_number,
                direction="inbound",
                variables=_jsonable(values),
                delivery_target=delivery_target,
                status="ringing",
            )
            call.ringing_at = call.created_at
            call.prerender_status = "skipped"
            await call_repo.add_event(session, call, "status", {"status": "ringing"})
        return CallSpec(
            call_id=call.id,
            tenant_id=tenant_id,
            to=to_number,
            from_=from_number,
            direction="inbound",
            script=loaded.script,
            script_version=version_row.version,
            variables=dict(values),
            recording_path=self.recording_path(call.id),
        )

    def spawn(self, coro: Any, *, call_id: str | None = None) -> None:
        """Run `coro` in the background; with `call_id`, `cancel` stops it too."""
        task = self._tasks.spawn(coro)
        if call_id is not None:
            work = self._work.setdefault(call_id, set())
            work.add(task)

            def done(finished: asyncio.Task[None]) -> None:
                work.discard(finished)
                if not work:
                    self._work.pop(call_id, None)

            task.add_done_callback(done)

    async def stop_work(self, call_id: str) -> None:
        """Cancel the call's background work and wait until it has stopped (a cancelled
        call renders no more prompts)."""
        tasks = list(self._work.pop(call_id, ()))
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def dispatch(self, call_id: str) -> None:
        """Hand a queued call to the runner."""
        try:
            async with self.db.sessions() as session:
                call = await session.get(Call, call_id)
                if call is None or call.status != "queued":
                    return
                version = await session.get(ScriptVersion, call.script_version_id)
                assert version is not None
                loaded = self.scripts.get(version)
                spec = CallSpec(
                    call_id=call.id,
                    tenant_id=call.tenant_id,
                    to=call.to_number,
                    from_=call.from_number,
                    direction="inbound" if call.direction == "inbound" else "outbound",
                    script=loaded.script,
                    script_version=version.version,
                    variables=dict(call.variables),
                    recording_path=self.recording_path(call.id),
                )
            if self.before_start is not None:
                await self.before_start(spec)
            await self.runner.start(spec, self)
        except Exception as exc:
            log.exception("cannot start call %s", call_id)
            await self.fail_unstarted(call_id, f"cannot start the call: {exc}")

    def recording_path(self, call_id: str) -> Path:
        return self.settings.recordings_path / f"{call_id}.wav"

    async def cancel(self, tenant_id: str, call_id: str) -> Call:
        async with self.db.write() as session:
            call = await call_repo.get_call(session, tenant_id, call_id)
            if call is None:
                raise NotFound(f"no call {call_id!r}")
            if call.status != "queued":
                raise Conflict(f"the call is {call.status}; only queued calls can be cancelled")
            call.status = "cancelled"
            call.ended_at = utcnow()
            call.hangup_cause = "cancelled"
            await call_repo.add_event(session, call, "status", {"status": "cancelled"})
            for hook in self.finish_hooks:
                await hook(session, call)
        await self.stop_work(call_id)
        await self.runner.cancel(call_id)
        return call

    # --- the sink ----------------------------------------------------------------------

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
            await call_repo.add_event(session, call, kind, _jsonable(data), at)

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
            for hook in self.finish_hooks:
                await hook(session, call)
            if call.delivery_target is not None:
                await outbox.enqueue(
                    session,
                    tenant_id=call.tenant_id,
                    call_id=call.id,
                    target=call.delivery_target,
                    idempotency_key=idempotency_key(call.id),
                )
        self.wake_delivery()
        if self.after_finish is not None:
            try:
                await self.after_finish(call_id, result)
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

    # --- crash recovery ----------------------------------------------------------------

    async def recover(self) -> int:
        """End every call a previous process left running, from its saved dialog state;
        then re-dispatch calls that were still queued. Returns how many were ended."""
        async with self.db.sessions() as session:
            stale = await call_repo.unfinished_calls(session)
            queued = await call_repo.queued_call_ids(session)
            versions = {
                c.script_version_id: await session.get(ScriptVersion, c.script_version_id)
                for c in stale
            }
        ended = 0
        for call in stale:
            version = versions[call.script_version_id]
            assert version is not None
            script = self.scripts.get(version).script
            result, state = ended_result(script, dict(call.variables),
                                         HungUp(cause="system_failure"), state=call.dialog_state)
            if call.recording_path:
                recording.repair(Path(call.recording_path))
            await self.call_event(call.id, "recovered", {"previous_status": call.status})
            await self.finish(call.id, result, hangup_cause=HangupCause.SYSTEM_FAILURE,
                              dialog_state=state)
            ended += 1
        for call_id in queued:
            self.spawn(self.dispatch(call_id))
        return ended

    # --- result documents --------------------------------------------------------------

    async def document(self, session: Any, call: Call) -> ResultDocument:
        version = await session.get(ScriptVersion, call.script_version_id)
        script = await session.get(ScriptRecord, version.script_id)
        events = await call_repo.list_events(
            session, call.id, ("turn", "timing", "consent", "amd", "timeline"))
        turns = [TranscriptTurn.from_stored(e.data, e.at) for e in events if e.kind == "turn"]
        timeline = next((e.data for e in events if e.kind == "timeline"), {})
        amd = next((e.data for e in events if e.kind == "amd"), None)
        link = None
        if call.recording_path and Path(call.recording_path).is_file():
            url, expires = signed_recording_url(
                self.settings.public_base_url or "",
                self.secret_key,
                call.id,
                self.settings.recording_url_ttl_s,
            )
            link = RecordingLink(url=url, expires_at=expires)
        duration = None
        if call.answered_at and call.ended_at:
            duration = (call.ended_at - call.answered_at).total_seconds()
        return ResultDocument(
            idempotency_key=idempotency_key(call.id),
            call=CallDetails(
                id=call.id,
                direction=call.direction,
                to=call.to_number,
                **{"from": call.from_number},
                status=call.status,
                script_id=script.name,
                script_version=version.version,
                variables=call.variables,
                created_at=call.created_at,
                ringing_at=call.ringing_at,
                answered_at=call.answered_at,
                ended_at=call.ended_at,
                duration_s=duration,
                hangup_cause=call.hangup_cause,
            ),
            result=call.result or {},
            transcript=turns,
            timings=[dict(e.data, at=e.at.isoformat()) for e in events if e.kind == "timing"],
            consent=[dict(e.data, at=e.at.isoformat()) for e in events if e.kind == "consent"],
            barge_ins=list(timeline.get("barge_ins", [])),
            resumed_prompts=list(timeline.get("resumed_prompts", [])),
            amd=amd,
            recording=link,
            campaign=await campaign_ref(session, call.id),
        )

    async def build_job(self, session: Any, delivery: Delivery) -> DeliveryJob:
        call = await session.get(Call, delivery.call_id)
        tenant = await session.get(Tenant, delivery.tenant_id)
        doc = await self.document(session, call)
        path = Path(call.recording_path) if call.recording_path else None
        return DeliveryJob(
            document=doc,
            recording_path=path if path is not None and path.is_file() else None,
            progress=dict(delivery.progress),
            webhook_secret=tenant.webhook_secret,
        )

    async def close(self) -> None:
        await self._tasks.close()


def _jsonable(value: Any) -> Any:
    """Variables and event data go into JSON columns: dates and decimals become strings."""
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(value)
