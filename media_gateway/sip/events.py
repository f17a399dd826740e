"""What the SIP core tells its user: one frozen dataclass per kind of event.

Calls are named by `ref`, the number the core gave them; requests the user started (BYE,
re-INVITE, REFER, REGISTER, any in-dialog request) by the `token` the command returned.
"""

from __future__ import annotations

from dataclasses import dataclass

from media_gateway.call_leg import CallInfo
from media_gateway.sdp import NegotiatedMedia
from media_gateway.sip.message import SipRequest, SipResponse
from media_gateway.sip.outcomes import CallFailed, FailureKind, classify_failure
from media_gateway.sip.peer import Peer


@dataclass(frozen=True)
class CallOffered:
    """An INVITE waiting for the application: `ring`, `answer` or `reject` it."""

    ref: int
    info: CallInfo
    invite: SipRequest
    peer: Peer
    offer: NegotiatedMedia | None
    """The caller's SDP offer, negotiated; None for a late-offer INVITE (no SDP)."""
    local_tag: str


@dataclass(frozen=True)
class CallCancelled:
    """An offered call went away before it was answered: 487 (the caller sent CANCEL) or
    480 (nobody answered within `ring_timeout_s`)."""

    ref: int
    status: int


@dataclass(frozen=True)
class CallProgress:
    """A provisional response to our INVITE (180 Ringing, 183 Session Progress)."""

    ref: int
    status: int
    reason: str


@dataclass(frozen=True)
class CallAnswered:
    """Our INVITE was answered: the dialog is confirmed (ACK sent) and media agreed."""

    ref: int
    info: CallInfo
    media: NegotiatedMedia


@dataclass(frozen=True)
class OutgoingCallFailed:
    """Our INVITE did not become a call."""

    ref: int
    kind: FailureKind
    status: int | None
    reason: str

    @classmethod
    def for_status(cls, ref: int, status: int, reason: str) -> OutgoingCallFailed:
        return cls(ref, classify_failure(status), status, reason)

    def error(self) -> CallFailed:
        return CallFailed(self.kind, self.status, self.reason)


@dataclass(frozen=True)
class DialogEnded:
    """The call ended without our asking: caller_hangup (a BYE came) or network_error
    (no ACK for our 200, an unusable SDP answer in the ACK)."""

    ref: int
    cause: str


@dataclass(frozen=True)
class DtmfReceived:
    """A digit carried in a SIP INFO (RFC 4733 digits come with the RTP instead)."""

    ref: int
    digit: str


@dataclass(frozen=True)
class MediaChanged:
    """A new offer/answer completed (re-INVITE, UPDATE, or the answer in an ACK). `hold`:
    we put the far end on hold, so we stop sending too."""

    ref: int
    media: NegotiatedMedia
    hold: bool = False


@dataclass(frozen=True)
class RequestDone:
    """A request we started got its final response (`status` None: none came, timer F/B)."""

    token: int
    ref: int
    method: str
    status: int | None
    accepted: bool
    """2xx (and, for a re-INVITE, a usable SDP answer)."""
    response: SipResponse | None = None


@dataclass(frozen=True)
class TransferRequested:
    """The far end asked us to call `target` instead (a REFER we accepted with 202: only
    with `SipConfig.follow_refer`)."""

    ref: int
    target: str


@dataclass(frozen=True)
class TransferDone:
    """A REFER finished: refused (`status` of the refusal), timed out (None), or the
    NOTIFY reported the new call's final status."""

    token: int
    ref: int
    status: int | None
    accepted: bool


@dataclass(frozen=True)
class RegistrationDone:
    """A REGISTER finished: `granted` seconds, or None with the failure's status/reason."""

    token: int
    granted: int | None
    status: int | None
    reason: str
    refresh: bool = False
    """Sent by the core itself to keep the registration alive."""


SipEvent = (
    CallOffered
    | CallCancelled
    | CallProgress
    | CallAnswered
    | OutgoingCallFailed
    | DialogEnded
    | DtmfReceived
    | MediaChanged
    | RequestDone
    | TransferRequested
    | TransferDone
    | RegistrationDone
)
