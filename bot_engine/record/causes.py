"""Why a call ended, as one closed set of names.

A cause is a name, never a message: what went wrong in detail goes to the call's `error`
(so nothing is cut to fit a column, and a CRM adapter can map every cause). Transports
name their own causes (`media_gateway.call_leg.CallEnded.cause`); `HangupCause.of` reads
them, so an unexpected one still becomes a cause of the set.
"""

from __future__ import annotations

from enum import StrEnum


class HangupCause(StrEnum):
    # an answered call
    CALLER_HANGUP = "caller_hangup"
    ROBOT_HANGUP = "robot_hangup"
    TRANSFERRED = "transferred"
    NETWORK_ERROR = "network_error"
    """The transport lost the call (RTP timeout, a closed WebSocket or TCP stream)."""
    SESSION_ENDED = "session_ended"
    """The session stopped reading the leg before the transport said the call ended."""
    # a call that never connected (SIP call progress)
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    REJECTED = "rejected"
    FAILED = "failed"
    # ended by the service
    CANCELLED = "cancelled"
    """Cancelled before it was dialled (the API's DELETE, a campaign taking it back)."""
    CALLER_CANCELLED = "caller_cancelled"
    """An inbound caller gave up while the robot was still getting ready."""
    SYSTEM_FAILURE = "system_failure"
    """The service could not run the call, or went down while it ran."""
    ERROR = "error"
    """The call's session failed (the call's `error` says how)."""

    @classmethod
    def of(cls, value: str) -> HangupCause:
        """A transport's or a caller's cause as one of the set (an unknown one is the
        transport losing the call)."""
        try:
            return cls(value)
        except ValueError:
            return cls.NETWORK_ERROR
