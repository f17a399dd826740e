"""The service's live dialer: places each queued call over SIP and reports through the sink.

It implements `bot_engine.service.runner.CallRunner`. Transcript turns reach the sink in
order while the call runs; exactly one `finish` ends every call, including calls that
were never answered and calls whose session failed (an `error` result, still valid
against the script's contract).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from asr_tts.settings import SpeechSettings
from bot_engine.call.outbound import place_call
from bot_engine.call.report import TranscriptTurn
from bot_engine.call.speech import CallSpeech
from bot_engine.dialog import events as ev
from bot_engine.dialog.actions import DialogResult
from bot_engine.dialog.engine import Dialog
from bot_engine.service.runner import CallSink, CallSpec

log = logging.getLogger(__name__)


class SipCallRunner:
    def __init__(
        self,
        *,
        proxy: str | None = None,
        username: str | None = None,
        password: str | None = None,
        caller: str = "voicebot",
        host: str = "127.0.0.1",
        speech_settings: SpeechSettings | None = None,
        asr_engine: str | None = None,
        amd: bool = True,
    ) -> None:
        self.proxy = proxy
        self.username = username
        self.password = password
        self.caller = caller
        self.host = host
        self.speech_settings = speech_settings or SpeechSettings()
        self.asr_engine = asr_engine
        self.amd = amd
        self._calls: dict[str, asyncio.Task[None]] = {}
        self._answered: set[str] = set()

    async def start(self, spec: CallSpec, sink: CallSink) -> None:
        task = asyncio.get_running_loop().create_task(self._run(spec, sink))
        self._calls[spec.call_id] = task
        task.add_done_callback(lambda _t: self._calls.pop(spec.call_id, None))

    async def cancel(self, call_id: str) -> bool:
        task = self._calls.get(call_id)
        if task is None:
            return True
        if call_id in self._answered:
            return False
        task.cancel()
        return True

    async def close(self) -> None:
        for task in list(self._calls.values()):
            task.cancel()
        if self._calls:
            await asyncio.wait(list(self._calls.values()), timeout=10)

    async def _run(self, spec: CallSpec, sink: CallSink) -> None:
        turns: asyncio.Queue[TranscriptTurn | None] = asyncio.Queue()
        latest: dict[str, dict[str, Any]] = {}

        def remember(state: dict[str, Any]) -> None:
            latest["state"] = state

        async def forward() -> None:
            # Each stored line carries the dialog state as of then, so after a crash the
            # service finishes the call from where it was, not from a fresh dialog.
            while (turn := await turns.get()) is not None:
                state = latest.get("state")
                if turn.role in ("bot", "caller"):
                    role: Any = turn.role
                    await sink.transcript_turn(spec.call_id, role, turn.text, at=turn.at,
                                               step=turn.step, confidence=turn.confidence,
                                               dialog_state=state)
                else:
                    await sink.call_event(spec.call_id, "event", {"text": turn.text},
                                          at=turn.at, dialog_state=state)

        async def answered() -> None:
            self._answered.add(spec.call_id)
            await sink.call_status(spec.call_id, "in_progress", at=datetime.now(UTC))

        forwarder = asyncio.get_running_loop().create_task(forward())
        result: DialogResult | None = None
        cause = "error"
        try:
            await sink.call_status(spec.call_id, "ringing", at=datetime.now(UTC))
            speech = CallSpeech.for_script(spec.script, self.speech_settings,
                                           asr_engine=self.asr_engine)
            report = await place_call(
                spec.to, spec.script, spec.variables, speech, proxy=self.proxy,
                username=self.username, password=self.password,
                caller=spec.from_ or self.caller, host=self.host, record=spec.recording_path,
                amd=self.amd, on_answer=answered, on_turn=turns.put_nowait,
                on_state=remember,
            )
            result, cause = report.result, report.call.hangup_cause or "completed"
        except asyncio.CancelledError:
            result = _ended(spec, ev.CallFailed(reason="no_answer"))
            cause = "cancelled"
        except Exception as exc:
            log.exception("call %s failed", spec.call_id)
            result = _ended(spec, ev.Hangup(cause="error"))
            cause = f"error: {type(exc).__name__}: {exc}"
        finally:
            turns.put_nowait(None)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(forwarder, 10)
            if result is not None:
                await sink.finish(spec.call_id, result, hangup_cause=cause,
                                  at=datetime.now(UTC))
            self._answered.discard(spec.call_id)


def _ended(spec: CallSpec, event: ev.Event) -> DialogResult:
    dialog = Dialog(spec.script, spec.variables)
    dialog.handle(event)
    assert dialog.result is not None
    return dialog.result
