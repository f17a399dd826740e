"""The call status machine (pure): which status may follow which."""

from __future__ import annotations

from typing import Literal

CallStatus = Literal["queued", "ringing", "in_progress", "completed", "failed", "cancelled"]

TERMINAL: frozenset[str] = frozenset({"completed", "failed", "cancelled"})

_NEXT: dict[str, frozenset[str]] = {
    "queued": frozenset({"ringing", "in_progress", "completed", "failed", "cancelled"}),
    "ringing": frozenset({"in_progress", "completed", "failed"}),
    "in_progress": frozenset({"completed", "failed"}),
    "completed": frozenset(),
    "failed": frozenset(),
    "cancelled": frozenset(),
}


class BadTransition(ValueError):
    pass


def can_move(current: str, new: str) -> bool:
    return new in _NEXT.get(current, frozenset())


def check_move(current: str, new: str) -> None:
    if not can_move(current, new):
        raise BadTransition(f"a call cannot go from {current} to {new}")


def final_status(answered: bool, ending: str, hangup_cause: str | None) -> CallStatus:
    """`completed` when the dialog ran with a person and ended normally; `failed` when
    nobody answered, the engine failed, or the system went down mid-call."""
    if not answered or ending in ("error", "no_answer") or hangup_cause == "system_failure":
        return "failed"
    return "completed"
