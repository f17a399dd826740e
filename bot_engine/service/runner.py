"""The two interfaces between the service and whatever runs calls.

The service hands a `CallSpec` to a `CallRunner` to place a call. Whoever runs the call
(the live SIP session, the simulated text runner) reports back through the `CallSink`:
status changes, events and transcript turns as they happen (each with the latest dialog
state, so a crash can be recovered), the recording path, and exactly one final result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from bot_engine.dialog.actions import DialogResult
from bot_engine.script import Script


@dataclass(frozen=True)
class CallSpec:
    call_id: str
    tenant_id: str
    to: str
    from_: str | None
    direction: str
    script: Script
    script_version: int
    variables: dict[str, Any]
    recording_path: Path
    """Where the runner writes the stereo WAV (caller left, robot right) while the call runs."""


class CallSink(Protocol):
    async def call_status(
        self, call_id: str, status: Literal["ringing", "in_progress"], *, at: datetime | None = None
    ) -> None: ...

    async def call_event(
        self,
        call_id: str,
        kind: str,
        data: dict[str, Any],
        *,
        at: datetime | None = None,
        dialog_state: dict[str, Any] | None = None,
    ) -> None: ...

    async def transcript_turn(
        self,
        call_id: str,
        role: Literal["bot", "caller"],
        text: str,
        *,
        at: datetime | None = None,
        step: str | None = None,
        confidence: float | None = None,
        dialog_state: dict[str, Any] | None = None,
    ) -> None: ...

    async def finish(
        self,
        call_id: str,
        result: DialogResult,
        *,
        hangup_cause: str,
        at: datetime | None = None,
        dialog_state: dict[str, Any] | None = None,
    ) -> None:
        """Commit the result, end the call and enqueue its delivery, in one transaction."""
        ...


class CallRunner(Protocol):
    async def start(self, spec: CallSpec, sink: CallSink) -> None:
        """Begin placing the call and return; progress arrives through the sink."""

    async def cancel(self, call_id: str) -> bool:
        """Stop a call that has not been answered; False when it is already running."""

    async def close(self) -> None: ...


class NoDialer:
    """Leaves calls queued: for deployments where another process places them."""

    async def start(self, spec: CallSpec, sink: CallSink) -> None:
        return None

    async def cancel(self, call_id: str) -> bool:
        return True

    async def close(self) -> None:
        return None
