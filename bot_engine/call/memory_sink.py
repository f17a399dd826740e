"""A `CallSink` that keeps each call in memory: the command line's (`voicebot call`,
`voicebot serve-calls`), which prints each call's report instead of storing it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from typing_extensions import override

from bot_engine.call.report import CallMeta, CallReport
from bot_engine.call.spec import CallSink, CallSpec
from bot_engine.dialog.actions import DialogResult
from bot_engine.record import HangupCause, TranscriptTurn


@dataclass
class _Call:
    spec: CallSpec
    transport: str
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    answered_at: datetime | None = None
    transcript: list[TranscriptTurn] = field(default_factory=list)
    report: CallReport | None = None
    final: CallReport | None = None


class MemorySink(CallSink):
    def __init__(self, on_result: Callable[[CallReport], None] | None = None) -> None:
        """`on_result` gets each call's report once it has its result."""
        self.on_result = on_result
        self._calls: dict[str, _Call] = {}

    def open(self, spec: CallSpec, transport: str = "sip") -> None:
        """Expect a call (its report needs the spec even if nobody answers)."""
        self._calls[spec.call_id] = _Call(spec, transport)

    def report(self, call_id: str) -> CallReport:
        """The finished call's report."""
        final = self._calls[call_id].final
        if final is None:
            raise LookupError(f"call {call_id} has not finished")
        return final

    async def call_status(
        self, call_id: str, status: Literal["ringing", "in_progress"], *, at: datetime | None = None
    ) -> None:
        call = self._calls[call_id]
        if status == "ringing":
            call.started_at = at or datetime.now(UTC)
        else:
            call.answered_at = at or datetime.now(UTC)

    @override
    async def record_turn(
        self, call_id: str, turn: TranscriptTurn, *, dialog_state: dict[str, Any] | None = None
    ) -> None:
        self._calls[call_id].transcript.append(turn)

    @override
    async def call_event(
        self,
        call_id: str,
        kind: str,
        data: dict[str, Any],
        *,
        at: datetime | None = None,
        dialog_state: dict[str, Any] | None = None,
    ) -> None:
        return None

    async def call_report(self, call_id: str, report: CallReport) -> None:
        self._calls[call_id].report = report

    @override
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
        call = self._calls[call_id]
        if call.final is not None:
            return
        ended = at or datetime.now(UTC)
        if call.report is not None:
            meta = call.report.call.model_copy(update={
                "ended_at": call.report.call.ended_at or ended, "hangup_cause": hangup_cause})
            call.final = call.report.model_copy(update={"call": meta, "result": result})
        else:  # never answered, or the session never reported: what the sink saw
            spec = call.spec
            meta = CallMeta(
                call_id=spec.call_id, direction=spec.direction, caller=spec.from_ or "",
                callee=spec.to, transport=call.transport, script_id=spec.script.id,
                script_version=spec.script.version, started_at=call.started_at,
                answered_at=call.answered_at, ended_at=ended, hangup_cause=hangup_cause,
            )
            call.final = CallReport(call=meta, variables=spec.variables, result=result,
                                    transcript=call.transcript)
        if self.on_result is not None:
            self.on_result(call.final)


async def run_to_report(
    run: Callable[[CallSpec, MemorySink], Awaitable[None]], spec: CallSpec, transport: str = "sip"
) -> CallReport:
    """Run one call (`Dialer.run`, say) into a memory sink; its report."""
    sink = MemorySink()
    sink.open(spec, transport)
    await run(spec, sink)
    return sink.report(spec.call_id)
