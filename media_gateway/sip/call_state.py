"""The SIP state of one call, as the core keeps it. No I/O.

`SipCore` creates and writes these; a `SipCallLeg` holds its call's record to read the
dialog and the transfer status, and never writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from media_gateway.call_leg import CallInfo
from media_gateway.sdp import NegotiatedMedia
from media_gateway.sip.dialog import Dialog
from media_gateway.sip.message import SipRequest
from media_gateway.sip.peer import Peer
from media_gateway.sip.transaction import OkRetransmitter, ServerInviteTransaction

CallPhase = Literal["offered", "calling", "confirmed", "ended"]
"""offered: an INVITE waits for the application; calling: our INVITE waits for an answer;
confirmed: a dialog exists; ended: rejected, cancelled, failed or hung up."""


@dataclass(eq=False)
class SipCall:
    ref: int
    direction: Literal["inbound", "outbound"]
    invite: SipRequest
    """The INVITE that began the call (ours, or the caller's)."""
    peer: Peer
    """Inbound before the answer: where the INVITE came from. Outbound before the answer:
    where the INVITE went. Once a dialog exists: the next hop of in-dialog requests."""
    local_tag: str
    phase: CallPhase
    info: CallInfo | None = None
    offer: NegotiatedMedia | None = None
    """Inbound: the caller's offer, negotiated (None: late offer)."""
    dialog: Dialog | None = None
    media: NegotiatedMedia | None = None
    """The last completed offer/answer."""
    media_port: int = 0
    session_id: int = 0
    sdp_version: int = 1
    invite_tx: ServerInviteTransaction | None = None
    retransmitter: OkRetransmitter | None = None
    """Our 2xx to an INVITE, resent until the ACK (UDP only)."""
    awaiting_answer_in_ack: bool = False
    """We offered in a 200 (late offer or re-INVITE without SDP): the ACK answers."""
    confirmed: bool = False
    """The ACK arrived (as UAS) or was sent (as UAC)."""
    refer_token: int | None = None
    refer_status: int | None = None
    """The final status the last transfer's NOTIFY reported, or the REFER's refusal."""
    refer_waiting: bool = False
    referred: bool = False
    """The far end's REFER was accepted (`follow_refer`): one per call."""
    auth_attempts: int = 0
    abandoned: bool = False
    """Outbound: nobody waits for the answer any more (cancelled, or timed out)."""
    timed_out: bool = False
    ack_keys: list[tuple[str, int]] = field(default_factory=list)

    @property
    def awaiting_ack(self) -> bool:
        """Our 2xx is still being retransmitted for want of an ACK."""
        return self.retransmitter is not None and not self.retransmitter.acked
