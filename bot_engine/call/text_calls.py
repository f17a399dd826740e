"""Text calls: the service's `simulated` dialer. The dialog runs exactly as on the phone, but
the caller types.

Each call is the simulator's own `TextSession` (so a text call, `voicebot chat` and
`POST /v1/simulate` cannot disagree, Rasa and LLM steps included, through the shell's
guard), reporting through the same `CallSink` as a live call: the caller's turns arrive
through `send` (`POST /v1/calls/{id}/input`), the robot's prompts and the caller's words
are spoken by the TTS into the call recording (robot right, caller left), and the call
ends with exactly one result.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot_engine import log_context
from bot_engine.call.ended import ended_result
from bot_engine.call.recording import TurnByTurnRecording
from bot_engine.call.report import CallMeta, CallReport
from bot_engine.call.spec import CallSink, CallSpec
from bot_engine.call.webhooks import STRICT, AsyncWebhookRunner, outbound_of
from bot_engine.dialog import events as ev
from bot_engine.dialog.actions import CallWebhook
from bot_engine.record import HangupCause
from bot_engine.simulator.session import CallerEvent, TextSession
from bot_engine.tasks import TaskSet
from media_gateway.call_leg import TELEPHONE_RATE

log = logging.getLogger(__name__)

Speaker = Callable[[str, str], Awaitable[bytes]]
"""(text, language) → PCM16 mono at 8 kHz."""


class CallInput(BaseModel):
    """One caller turn for a text call (dialer `simulated`)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, max_length=2000)
    dtmf: str | None = Field(default=None, pattern=r"^[0-9*#A-D]{1,32}$")
    hangup: bool = False

    def event(self, at: datetime) -> CallerEvent:
        if self.hangup:
            return ev.HungUp(cause="caller", at=at)
        if self.dtmf:
            return ev.Dtmf(digits=self.dtmf, at=at)
        text = self.text or ""
        return ev.UserSaid(text=text, confidence=1.0, at=at) if text.strip() else ev.NoInput(at=at)


async def espeak_speaker(text: str, language: str) -> bytes:
    from asr_tts.tts.espeak import EspeakSynthesizer, voice_for_language

    return await EspeakSynthesizer().render(text, voice_for_language(language), TELEPHONE_RATE)


class TextCall:
    """One text call, from `ringing` to its one `finish`."""

    def __init__(
        self,
        spec: CallSpec,
        sink: CallSink,
        speak: Speaker,
        input_timeout_s: float,
        webhooks: AsyncWebhookRunner,
    ) -> None:
        self.spec = spec
        self.sink = sink
        self.speak = speak
        self.input_timeout_s = input_timeout_s
        self.webhooks = webhooks
        self.inputs: asyncio.Queue[CallInput] = asyncio.Queue()
        self.answered = asyncio.Event()
        self.session: TextSession | None = None
        self.recording: TurnByTurnRecording | None = None

    def state(self) -> dict[str, Any] | None:
        session = self.session
        return session.dialog.state.model_dump(mode="json") if session is not None else None

    async def run(self) -> None:
        spec, sink = self.spec, self.sink
        started = datetime.now(UTC)
        await sink.call_status(spec.call_id, "ringing", at=started)
        answered = datetime.now(UTC)
        await sink.call_status(spec.call_id, "in_progress", at=answered)
        loop = asyncio.get_running_loop()

        async def perform(action: CallWebhook) -> ev.WebhookResult:
            return await self.webhooks(action)

        def webhook(action: CallWebhook) -> ev.WebhookResult:  # from the session's thread
            return asyncio.run_coroutine_threadsafe(perform(action), loop).result()

        # blocking parts (webhooks, Rasa/LLM) run in a worker thread; the loop stays free
        session = self.session = TextSession(
            spec.script, spec.variables, webhooks=webhook, outbound=outbound_of(self.webhooks),
            clock=lambda: datetime.now(UTC),
        )
        if spec.recording_path is not None:
            self.recording = TurnByTurnRecording(spec.recording_path)
        self.answered.set()
        caller_left = False
        try:
            await self._turn(session.start)
            while not session.finished:
                item = await self._next_input()
                caller_left = caller_left or item.hangup
                event = item.event(session.tick())
                await self._turn(functools.partial(session.feed, event))
        finally:
            if self.recording is not None:
                self.recording.close()
        result = session.result
        assert result is not None
        cause = (HangupCause.CALLER_HANGUP if caller_left
                 else HangupCause.TRANSFERRED if result.ending == "transfer"
                 else HangupCause.ROBOT_HANGUP)
        await sink.call_report(spec.call_id, self._report(started, answered, cause))
        await sink.finish(spec.call_id, result, hangup_cause=cause, dialog_state=self.state())

    async def _next_input(self) -> CallInput:
        try:
            return await asyncio.wait_for(self.inputs.get(), timeout=self.input_timeout_s)
        except TimeoutError:
            return CallInput()  # silence

    async def _turn(self, step: Callable[[], object]) -> None:
        """One step of the session (in a worker thread), then its new lines: reported,
        and spoken into the recording."""
        session = self.session
        assert session is not None
        seen = len(session.transcript)
        await asyncio.to_thread(step)
        for turn in session.transcript[seen:]:
            turn.at = turn.at or datetime.now(UTC)
            await self.sink.record_turn(self.spec.call_id, turn, dialog_state=self.state())
            recording = self.recording
            if recording is None or turn.role == "event" or not _spoken(turn.text):
                continue
            audio = await self._audio(turn.text)
            start = recording.ms
            if turn.role == "bot":
                recording.append(b"", audio)
            else:
                recording.append(audio, b"")
            turn.start_ms, turn.end_ms = start, recording.ms

    async def _audio(self, text: str) -> bytes:
        try:
            return await self.speak(text, self.spec.script.language)
        except Exception as exc:  # the recording is best effort; the dialog is not
            log.warning("TTS failed for the recording of %s: %s", self.spec.call_id, exc)
            return bytes(TELEPHONE_RATE)  # half a second of silence

    def _report(self, started: datetime, answered: datetime, cause: HangupCause) -> CallReport:
        """What a live session would report: here, where each turn sits in the recording."""
        session = self.session
        assert session is not None and session.result is not None
        spec = self.spec
        return CallReport(
            call=CallMeta(
                call_id=spec.call_id, direction=spec.direction, caller=spec.from_ or "",
                callee=spec.to, transport="text", script_id=spec.script.id,
                script_version=spec.script.version, started_at=started, answered_at=answered,
                ended_at=datetime.now(UTC), hangup_cause=cause,
            ),
            variables=spec.variables,
            result=session.result,
            transcript=[t for t in session.transcript if t.role != "event"],
            recording=str(spec.recording_path) if spec.recording_path else None,
        )

    async def fail(self, exc: Exception) -> None:
        """Even a broken call ends with exactly one contract-valid result."""
        result, state = ended_result(self.spec.script, self.spec.variables,
                                     ev.HungUp(cause="system_failure", at=datetime.now(UTC)),
                                     state=self.state())
        await self.sink.finish(self.spec.call_id, result, hangup_cause=HangupCause.SYSTEM_FAILURE,
                               dialog_state=state, error=str(exc))


def _spoken(text: str) -> bool:
    """Words to speak into the recording (not `[silence]` or `[dtmf 1]`)."""
    stripped = text.strip()
    return bool(stripped) and not (stripped.startswith("[") and stripped.endswith("]"))


class TextCallRunner:
    """A `CallRunner` whose calls are typed: `send` delivers the caller's turns."""

    def __init__(
        self,
        speak: Speaker | None = None,
        input_timeout_s: float = 300.0,
        webhooks: AsyncWebhookRunner = STRICT,
    ) -> None:
        self.webhooks = webhooks
        self.speak = speak or espeak_speaker
        self.input_timeout_s = input_timeout_s
        self._calls: dict[str, TextCall] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._running = TaskSet()

    async def start(self, spec: CallSpec, sink: CallSink) -> None:
        call = TextCall(spec, sink, self.speak, self.input_timeout_s, self.webhooks)
        self._calls[spec.call_id] = call
        self._tasks[spec.call_id] = self._running.spawn(self._run(call))

    async def _run(self, call: TextCall) -> None:
        log_context.enter_call(call.spec.call_id, call.spec.tenant_id)  # its own task
        try:
            await call.run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("text call %s failed", call.spec.call_id)
            try:
                await call.fail(exc)
            except Exception:
                log.exception("cannot end text call %s", call.spec.call_id)
        finally:
            self._calls.pop(call.spec.call_id, None)
            self._tasks.pop(call.spec.call_id, None)

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

    def stop_placing(self) -> None:
        """A text call has no wire: one started runs to its end."""

    async def close(self) -> None:
        await self._running.close()
