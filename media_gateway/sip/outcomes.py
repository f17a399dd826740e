"""How a failed outgoing call is reported: busy, no answer, rejected or failed.

These become call outcomes (a busy line is retried differently from a wrong number), so
the mapping from SIP status codes lives in one place.
"""

from __future__ import annotations

from typing import Literal

from media_gateway.errors import GatewayError

FailureKind = Literal["busy", "no_answer", "rejected", "failed"]

BUSY = frozenset({486, 600})
NO_ANSWER = frozenset({408, 480, 487})


def classify_failure(status: int) -> FailureKind:
    if status in BUSY:
        return "busy"
    if status in NO_ANSWER:
        return "no_answer"
    if status in (401, 407, 488) or (status >= 500 and status not in (600, 603, 604, 606)):
        return "failed"
    return "rejected"


class CallFailed(GatewayError):
    """An outgoing call did not connect. `status` is the final SIP status (None when no
    response came at all)."""

    def __init__(self, kind: FailureKind, status: int | None, reason: str = "") -> None:
        super().__init__(f"call {kind}: {status or '-'} {reason}".strip())
        self.kind: FailureKind = kind
        self.status = status
        self.reason = reason


class RegistrationFailed(GatewayError):
    def __init__(self, status: int | None, reason: str = "") -> None:
        super().__init__(f"REGISTER failed: {status or '-'} {reason}".strip())
        self.status = status
