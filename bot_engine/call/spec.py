"""The call runtime's two interfaces: what a call is (`CallSpec`) and where it reports
(`CallSink`), plus the `CallRunner` that places calls.

Whoever runs a call (the dialer, the answerer, the text-call runner) reports through the
sink: status changes, every transcript line as it happens (each with the latest dialog
state, so a crash can be recovered), what the session measured at the end, and exactly one
final result. The service's sink stores all of it and delivers the result; the command
line's sink keeps it in memory and prints it (`memory_sink.MemorySink`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from typing_extensions import override

from bot_engine.dialog.actions import DialogResult
from bot_engine.record import HangupCause, TranscriptTurn
from bot_engine.script.model import Script

if TYPE_CHECKING:
    from bot_engine.call.report import CallReport


@dataclass(frozen=True)
class CallSpec:
    call_id: str
    tenant_id: str
    to: str
    from_: str | None
    direction: Literal["inbound", "outbound"]
    script: Script
    script_version: int | None
    """The stored script's version number (None for a script file run from the CLI)."""
    variables: dict[str, Any]
    recording_path: Path | None
    """Where the runner writes the stereo WAV (caller left, robot right) while the call
    runs; None: no recording."""


class CallSink(Protocol):
    async def call_status(
        self, call_id: str, status: Literal["ringing", "in_progress"], *, at: datetime | None = None
    ) -> None: ...

    async def record_turn(
        self, call_id: str, turn: TranscriptTurn, *, dialog_state: dict[str, Any] | None = None
    ) -> None:
        """One line of the call (a bot or caller turn, or an event), as it happens."""
        ...

    async def call_event(
        self,
        call_id: str,
        kind: str,
        data: dict[str, Any],
        *,
        at: datetime | None = None,
        dialog_state: dict[str, Any] | None = None,
    ) -> None:
        """Anything else worth keeping (a text call's simulated connect, an error)."""
        ...

    async def call_report(self, call_id: str, report: CallReport) -> None:
        """What a live session knows only at its end: timings, consent evidence, where each
        turn sits in the recording, barge-ins, resumed prompts and the AMD verdict."""
        ...

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
        """Commit the result and end the call, exactly once (the service also enqueues its
        delivery in the same transaction). `error` says what went wrong, if anything."""
        ...


class CallRunner(Protocol):
    async def start(self, spec: CallSpec, sink: CallSink) -> None:
        """Begin placing the call and return; progress arrives through the sink."""

    async def cancel(self, call_id: str) -> bool:
        """Stop a call that has not been answered; False when it is already running."""

    def stop_placing(self) -> None:
        """Draining: a call not yet on the wire is not placed and stays `queued` (no result)
        for another worker; calls already ringing or answered go on."""

    async def close(self) -> None:
        """Stop: calls not yet on the wire stay `queued`; the others are ended with a
        result."""


class NoDialer(CallRunner):
    """Leaves calls queued: for deployments where another process places them."""

    @override
    async def start(self, spec: CallSpec, sink: CallSink) -> None:
        return None

    @override
    async def cancel(self, call_id: str) -> bool:
        return True

    @override
    def stop_placing(self) -> None:
        return None

    @override
    async def close(self) -> None:
        return None
