"""Text calls: the dialog runs exactly as on the phone, but the caller types.

Used when no telephony is configured (dialer `simulated`) and by the reliability tests: the
caller's turns arrive through `POST /v1/calls/{id}/input`, the robot's prompts are spoken by
the TTS into the call recording (right channel; the caller's text is spoken on the left), and
everything goes through the same `CallSink` the live call session uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot_engine.call.webhooks import STRICT, AsyncWebhookRunner
from bot_engine.dialog import Dialog
from bot_engine.dialog.actions import CallWebhook, Connect, Hangup, Say, SetResult
from bot_engine.dialog.events import Dtmf, Event, HungUp, NoInput, UserSaid
from bot_engine.service.recording import SAMPLE_RATE, RecordingWriter
from bot_engine.service.runner import CallSink, CallSpec
from bot_engine.service.schemas import CallInput
from bot_engine.simulator.connects import CannedConnects
from bot_engine.storage.models import utcnow

log = logging.getLogger(__name__)

Speaker = Callable[[str, str], Awaitable[bytes]]
"""(text, language) → PCM16 mono at 8 kHz."""


async def espeak_speaker(text: str, language: str) -> bytes:
    from asr_tts.tts.espeak import EspeakSynthesizer, voice_for_language

    return await EspeakSynthesizer().render(text, voice_for_language(language), SAMPLE_RATE)


class _TextCall:
    def __init__(
        self,
        spec: CallSpec,
        sink: CallSink,
        speak: Speaker,
        input_timeout_s: float,
        webhooks: AsyncWebhookRunner,
    ):
        self.webhooks = webhooks
        self.spec = spec
        self.sink = sink
        self.speak = speak
        self.input_timeout_s = input_timeout_s
        self.inputs: asyncio.Queue[CallInput] = asyncio.Queue()
        self.dialog = Dialog(spec.script, spec.variables)
        self.recorder: RecordingWriter | None = None
        self.answered = asyncio.Event()
        self.offsets: list[dict[str, Any]] = []
        """Where each turn sits in the recording, stored as the `timeline` event at the end
        (the live session's too), since the recording is not on the wall clock."""

    def state(self) -> dict[str, Any]:
        return self.dialog.state.model_dump(mode="json")

    async def _audio(self, text: str) -> bytes:
        try:
            return await self.speak(text, self.spec.script.language)
        except Exception as exc:  # the recording is best effort; the dialog is not
            log.warning("TTS failed for the recording of %s: %s", self.spec.call_id, exc)
            return bytes(SAMPLE_RATE)  # half a second of silence

    def _note(self, role: str, text: str, step: str | None, start: int | None) -> None:
        """Where a turn went in the recording (a silent turn took no room)."""
        assert self.recorder is not None
        end = self.recorder.ms if start is not None else None
        self.offsets.append(
            {"role": role, "text": text, "step": step, "start_ms": start, "end_ms": end}
        )

    async def run(self) -> None:
        sink, call_id = self.sink, self.spec.call_id
        await sink.call_status(call_id, "ringing")
        await sink.call_status(call_id, "in_progress")
        self.recorder = RecordingWriter(self.spec.recording_path)
        self.answered.set()
        try:
            actions = self.dialog.start(at=utcnow())
            while True:
                hangup_cause = await self._perform(actions)
                if self.dialog.finished:
                    result = self.dialog.result
                    assert result is not None
                    await sink.call_event(call_id, "timeline", {"turns": self.offsets})
                    await sink.finish(
                        call_id,
                        result,
                        hangup_cause=hangup_cause or "robot",
                        dialog_state=self.state(),
                    )
                    return
                actions = self.dialog.handle(await self._next_event())
        finally:
            self.recorder.close()

    async def _perform(self, actions: list[Any]) -> str | None:
        cause = None
        for action in actions:
            if isinstance(action, Say) and action.text:
                await self.sink.transcript_turn(
                    self.spec.call_id,
                    "bot",
                    action.text,
                    at=utcnow(),
                    step=action.step,
                    dialog_state=self.state(),
                )
                assert self.recorder is not None
                start = self.recorder.ms
                self.recorder.append(b"", await self._audio(action.text))
                self._note("bot", action.text, action.step, start)
            elif isinstance(action, CallWebhook):
                event = await self.webhooks(action)
                await self._perform(self.dialog.handle(event))
            elif isinstance(action, Connect):  # nobody to call in text: the transfer is taken
                result = CannedConnects()(action)
                await self.sink.call_event(self.spec.call_id, "connect",
                                           result.model_dump(mode="json"),
                                           dialog_state=self.state())
                cause = await self._perform(self.dialog.handle(result)) or "transferred"
            elif isinstance(action, SetResult):
                await self.sink.call_event(
                    self.spec.call_id,
                    "dialog_result",
                    action.result.model_dump(mode="json"),
                    dialog_state=self.state(),
                )
            elif isinstance(action, Hangup):
                cause = "robot"
        return cause

    async def _next_event(self) -> Event:
        try:
            item = await asyncio.wait_for(self.inputs.get(), timeout=self.input_timeout_s)
        except TimeoutError:
            return NoInput(at=utcnow())
        now = utcnow()
        if item.hangup:
            return HungUp(cause="caller", at=now)
        if item.dtmf:
            await self.sink.call_event(
                self.spec.call_id, "dtmf", {"digits": item.dtmf}, at=now, dialog_state=self.state()
            )
            return Dtmf(digits=item.dtmf, at=now)
        text = item.text or ""
        await self.sink.transcript_turn(
            self.spec.call_id,
            "caller",
            text,
            at=now,
            step=self.dialog.state.step,
            confidence=1.0,
            dialog_state=self.state(),
        )
        assert self.recorder is not None
        start = self.recorder.ms
        if text.strip():
            self.recorder.append(await self._audio(text), b"")
        self._note("caller", text, self.dialog.state.step, start if text.strip() else None)
        return UserSaid(text=text, confidence=1.0, at=now) if text.strip() else NoInput(at=now)


class SimulatedRunner:
    def __init__(
        self,
        speak: Speaker | None = None,
        input_timeout_s: float = 300.0,
        webhooks: AsyncWebhookRunner = STRICT,
    ) -> None:
        self.webhooks = webhooks
        self.speak = speak or espeak_speaker
        self.input_timeout_s = input_timeout_s
        self._calls: dict[str, _TextCall] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    async def start(self, spec: CallSpec, sink: CallSink) -> None:
        call = _TextCall(spec, sink, self.speak, self.input_timeout_s, self.webhooks)
        self._calls[spec.call_id] = call
        task = asyncio.create_task(self._run(call))
        self._tasks[spec.call_id] = task

    async def _run(self, call: _TextCall) -> None:
        try:
            await call.run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("simulated call %s failed", call.spec.call_id)
            await self._end_after_failure(call, exc)
        finally:
            self._calls.pop(call.spec.call_id, None)
            self._tasks.pop(call.spec.call_id, None)

    async def _end_after_failure(self, call: _TextCall, exc: Exception) -> None:
        """Even a broken call ends with exactly one contract-valid result."""
        try:
            call.dialog.handle(HungUp(cause="system_failure", at=utcnow()))
            result = call.dialog.result
            if result is not None:
                await call.sink.call_event(call.spec.call_id, "error", {"error": str(exc)})
                await call.sink.finish(
                    call.spec.call_id,
                    result,
                    hangup_cause="system_failure",
                    dialog_state=call.state(),
                )
        except Exception:
            log.exception("cannot end simulated call %s", call.spec.call_id)

    def is_running(self, call_id: str) -> bool:
        return call_id in self._calls

    async def send(self, call_id: str, item: CallInput) -> bool:
        """Queue a caller turn; False if this process runs no such call."""
        call = self._calls.get(call_id)
        if call is None:
            return False
        await call.answered.wait()
        await call.inputs.put(item)
        return True

    async def cancel(self, call_id: str) -> bool:
        call = self._calls.get(call_id)
        if call is None:
            return True
        if call.answered.is_set():
            return False
        task = self._tasks.get(call_id)
        if task is not None:
            task.cancel()
        return True

    async def close(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        for task in list(self._tasks.values()):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
