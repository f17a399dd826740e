"""Handing queued calls to the runner, cancelling them, and the background work of a call
(prompt pre-rendering) that a cancel must stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot_engine.call.spec import CallRunner, CallSpec
from bot_engine.record import HangupCause
from bot_engine.service.call_records import CallRecords
from bot_engine.service.errors import Conflict, NotFound
from bot_engine.storage import calls as call_repo
from bot_engine.storage.models import Call, ScriptVersion, utcnow
from bot_engine.tasks import TaskSet

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(
        self,
        records: CallRecords,
        runner: CallRunner,
        *,
        before_start: Callable[[CallSpec], Awaitable[None]] | None = None,
        worker_id: str | None = None,
    ) -> None:
        """`before_start` runs before an outbound call is handed to the runner (the
        recordings cap of text calls). `worker_id`: this worker (`service.workers`); the
        calls it creates are its own until it dies."""
        self.records = records
        self.db = records.db
        self.scripts = records.scripts
        self.runner = runner
        self.before_start = before_start
        self.worker_id = worker_id
        self.draining = False
        """Place no more queued calls (`service.drain`); other workers adopt them."""
        self._tasks = TaskSet()
        self._work: dict[str, set[asyncio.Task[Any]]] = {}
        """Background work per call (prompt pre-rendering), stopped when it is cancelled."""

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
                if call is None or call.status != "queued" or self.draining:
                    return
                if self.worker_id is not None and call.worker_id != self.worker_id:
                    return  # another worker adopted it (we were taken for dead)
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
                    recording_path=self.records.recording_path(call.id),
                )
            if self.before_start is not None:
                await self.before_start(spec)
            await self.runner.start(spec, self.records)
        except Exception as exc:
            log.exception("cannot start call %s", call_id)
            await self.records.fail_unstarted(call_id, f"cannot start the call: {exc}")

    def stop_placing(self) -> None:
        """Draining: queued calls stay queued for the other workers, and so do those the
        runner is still preparing (not yet on the wire)."""
        self.draining = True
        self.runner.stop_placing()

    async def cancel(self, tenant_id: str, call_id: str) -> Call:
        async with self.db.write() as session:
            call = await call_repo.get_call(session, tenant_id, call_id)
            if call is None:
                raise NotFound(f"no call {call_id!r}")
            if call.status != "queued":
                raise Conflict(f"the call is {call.status}; only queued calls can be cancelled")
            call.status = "cancelled"
            call.ended_at = utcnow()
            call.hangup_cause = HangupCause.CANCELLED
            await call_repo.add_event(session, call, "status", {"status": "cancelled"})
            await self.records.run_finish_hooks(session, call)
        await self.stop_work(call_id)
        await self.runner.cancel(call_id)
        return call

    async def close(self) -> None:
        await self._tasks.close()
