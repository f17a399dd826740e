"""Crash recovery at start-up: every call a previous process left running ends from its
saved dialog state (its recording repaired), and queued calls are dispatched again."""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path

from bot_engine.call import recording
from bot_engine.call.ended import ended_result
from bot_engine.dialog.events import HungUp
from bot_engine.record import HangupCause
from bot_engine.service.call_records import CallRecords
from bot_engine.service.dispatch import Dispatcher
from bot_engine.storage import calls as call_repo
from bot_engine.storage.models import ScriptVersion

log = logging.getLogger(__name__)


async def recover(records: CallRecords, dispatcher: Dispatcher,
                  only: Collection[str] | None = None) -> int:
    """End every call a previous process left running, from its saved dialog state; then
    re-dispatch calls that were still queued. Returns how many were ended. `only`: just
    these calls (a dead worker's, adopted by this one)."""
    async with records.db.sessions() as session:
        stale = await call_repo.unfinished_calls(session, only)
        queued = await call_repo.queued_call_ids(session, only)
        versions = {
            c.script_version_id: await session.get(ScriptVersion, c.script_version_id)
            for c in stale
        }
    ended = 0
    for call in stale:
        version = versions[call.script_version_id]
        assert version is not None
        script = records.scripts.get(version).script
        result, state = ended_result(script, dict(call.variables),
                                     HungUp(cause="system_failure"), state=call.dialog_state)
        if call.recording_path:
            recording.repair(Path(call.recording_path))
        await records.call_event(call.id, "recovered", {"previous_status": call.status})
        await records.finish(call.id, result, hangup_cause=HangupCause.SYSTEM_FAILURE,
                             dialog_state=state)
        ended += 1
    if queued and dispatcher.worker_id is not None:
        async with records.db.write() as session:
            await call_repo.own_calls(session, queued, dispatcher.worker_id)
    for call_id in queued:
        dispatcher.spawn(dispatcher.dispatch(call_id))
    return ended
