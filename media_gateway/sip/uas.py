"""Calls that come to us (the UAS side of the SIP core): an INVITE is admitted or refused
(503, 400, 488), offered to the application, rung, answered or rejected; a CANCEL or the
ring timeout withdraws it; the ACK of our 200 confirms it (and may carry the SDP answer).
No I/O: everything goes through the shared `CoreState`."""

from __future__ import annotations

import contextlib
import logging
import secrets

from media_gateway.sdp import (
    NegotiatedMedia,
    NoUsableCodec,
    SdpError,
    build_answer,
    negotiate,
    parse_sdp,
)
from media_gateway.sip.address import NameAddr
from media_gateway.sip.call_state import SipCall
from media_gateway.sip.checks import inbound_call_info, oversized_x_headers
from media_gateway.sip.core_state import CoreState
from media_gateway.sip.dialog import Dialog, new_tag
from media_gateway.sip.events import CallCancelled, CallOffered, MediaChanged
from media_gateway.sip.grammar import SipParseError
from media_gateway.sip.message import Headers, SipRequest
from media_gateway.sip.outcomes import CallFailed
from media_gateway.sip.peer import Peer
from media_gateway.sip.transaction import ServerInviteTransaction, ServerTransaction, server_key

log = logging.getLogger(__name__)


class IncomingCalls:
    def __init__(self, state: CoreState) -> None:
        self.state = state

    # -- from the far end ---------------------------------------------------------------

    def on_invite(self, invite: SipRequest, peer: Peer, tx: ServerInviteTransaction) -> None:
        state, config = self.state, self.state.config
        if not state.accepting or state.closed:
            state.respond(
                tx, peer, invite, 503, "Not Taking Calls", extra=Headers([("Retry-After", "60")])
            )
            return
        if state.full:
            state.respond(
                tx, peer, invite, 503, "Full", to_tag=new_tag(),
                extra=Headers([("Retry-After", "5")]),
            )
            return
        if len(state.offered) >= config.max_pending_calls:
            # nobody is picking calls up fast enough: refuse rather than queue without bound
            state.respond(
                tx,
                peer,
                invite,
                503,
                "Too Many Pending Calls",
                to_tag=new_tag(),
                extra=Headers([("Retry-After", "5")]),
            )
            return
        state.respond(tx, peer, invite, 100)
        too_long = oversized_x_headers(invite, config.max_x_headers, config.max_x_header_chars)
        if too_long is not None:
            log.info("sip: 400 for %s: %s", invite.call_id, too_long)
            state.respond(tx, peer, invite, 400, too_long, to_tag=new_tag())
            return
        offer: NegotiatedMedia | None = None
        if invite.body:
            try:
                if invite.content_type != "application/sdp":
                    raise NoUsableCodec(f"unsupported body type {invite.content_type[:40]}")
                offer = negotiate(parse_sdp(invite.body), codecs=config.codecs)
            except NoUsableCodec as exc:
                log.info("sip: 488 for %s: %s", invite.call_id, exc)
                warning = Headers([("Warning", f'304 voicebot "{exc}"'[:200])])
                state.respond(tx, peer, invite, 488, to_tag=new_tag(), extra=warning)
                return
            except SdpError as exc:
                log.info("sip: 400 for %s: bad SDP: %s", invite.call_id, exc)
                state.respond(tx, peer, invite, 400, f"Bad SDP: {exc}"[:100], to_tag=new_tag())
                return
        try:
            info = inbound_call_info(invite)
        except SipParseError as exc:
            state.respond(tx, peer, invite, 400, f"Bad address: {exc}"[:100], to_tag=new_tag())
            return
        call = SipCall(
            ref=next(state.refs),
            direction="inbound",
            invite=invite,
            peer=peer,
            local_tag=new_tag(),
            phase="offered",
            info=info,
            offer=offer,
            invite_tx=tx,
        )
        state.calls[call.ref] = call
        state.offered[server_key(invite)] = call
        state.deadlines.set(
            (call, "ring"), state.now + config.ring_timeout_s, lambda: self._ring_timeout(call)
        )
        state.events.append(CallOffered(call.ref, info, invite, peer, offer, call.local_tag))

    def _ring_timeout(self, call: SipCall) -> None:
        """Nobody answered or rejected in time: 480, so the caller is not left ringing."""
        tx = call.invite_tx
        if call.phase == "offered" and tx is not None and tx.state == "proceeding":
            self.state.respond(tx, call.peer, call.invite, 480, to_tag=call.local_tag)
            self._offer_gone(call)
            self.state.events.append(CallCancelled(call.ref, 480))

    def _offer_gone(self, call: SipCall) -> None:
        call.phase = "ended"
        self.state.offered.pop(server_key(call.invite), None)
        self.state.calls.pop(call.ref, None)
        self.state.deadlines.cancel((call, "ring"))

    def on_cancel(self, cancel: SipRequest, peer: Peer, tx: ServerTransaction) -> None:
        state = self.state
        invite_key = server_key(SipRequest(method="INVITE", uri=cancel.uri, headers=cancel.headers))
        call = state.offered.get(invite_key)
        if call is None:
            state.respond(tx, peer, cancel, 481)
            return
        state.respond(tx, peer, cancel, 200, to_tag=call.local_tag)  # §9.2: the same tag
        invite_tx = call.invite_tx
        if invite_tx is not None and invite_tx.state == "proceeding":
            state.respond(invite_tx, call.peer, call.invite, 487, to_tag=call.local_tag)
        self._offer_gone(call)
        state.events.append(CallCancelled(call.ref, 487))

    def on_ack(self, ack: SipRequest) -> None:
        """The ACK of a 2xx we sent (to an INVITE or a re-INVITE)."""
        state = self.state
        to_tag = ""
        with contextlib.suppress(SipParseError):
            to_tag = NameAddr.parse(ack.headers["to"]).tag
        call = state.dialogs.get((ack.call_id, to_tag))
        if call is None:
            return
        if call.retransmitter is not None:
            call.retransmitter.ack()
            state.deadlines.cancel((call, "2xx"))
        call.confirmed = True
        if call.awaiting_answer_in_ack:
            call.awaiting_answer_in_ack = False
            if ack.body:
                try:
                    media = negotiate(
                        parse_sdp(ack.body), codecs=state.config.codecs
                    )
                except SdpError as exc:
                    log.info("sip: unusable SDP answer in ACK of %s: %s", ack.call_id, exc)
                    state.hangup(call, "network_error")
                    return
                call.media = media
                state.events.append(MediaChanged(call.ref, media))

    # -- from the application -----------------------------------------------------------

    def _offered_call(self, ref: int) -> SipCall | None:
        call = self.state.calls.get(ref)
        return call if call is not None and call.phase == "offered" else None

    def ring(self, ref: int) -> None:
        call = self._offered_call(ref)
        if call is not None and call.invite_tx is not None:
            contact = f"<{self.state.contact_uri(call.peer.transport)}>"
            self.state.respond(
                call.invite_tx,
                call.peer,
                call.invite,
                180,
                to_tag=call.local_tag,
                extra=Headers([("Contact", contact)]),
            )

    def reject(self, ref: int, code: int, reason: str | None) -> None:
        if not 300 <= code <= 699:
            raise ValueError(f"a rejection needs a final status 300-699, not {code}")
        call = self._offered_call(ref)
        if call is None or call.invite_tx is None:
            return
        self.state.respond(
            call.invite_tx, call.peer, call.invite, code, reason, to_tag=call.local_tag
        )
        self._offer_gone(call)

    def can_answer(self, ref: int) -> bool:
        call = self._offered_call(ref)
        tx = call.invite_tx if call is not None else None
        return tx is not None and tx.state == "proceeding"

    def answer(self, ref: int, media_port: int) -> SipCall:
        state = self.state
        call = self._offered_call(ref)
        if call is None or call.invite_tx is None or not self.can_answer(ref):
            raise CallFailed("no_answer", 487, "the caller cancelled")
        dialog = Dialog.from_incoming_invite(
            call.invite,
            local_tag=call.local_tag,
            local_contact=state.contact_uri(call.peer.transport),
        )
        call.dialog = dialog
        call.media_port = media_port
        call.session_id = secrets.randbelow(2**31)
        if call.offer is not None:
            call.media = call.offer
            body = build_answer(call.offer, state.host, media_port, session_id=call.session_id)
        else:
            call.awaiting_answer_in_ack = True
            body = state.offer(call)
        state.offered.pop(server_key(call.invite), None)
        state.deadlines.cancel((call, "ring"))
        call.phase = "confirmed"
        state.dialogs[(dialog.call_id, dialog.local_tag)] = call
        source = call.peer
        response = state.respond(
            call.invite_tx,
            source,
            call.invite,
            200,
            to_tag=call.local_tag,
            body=body,
            content_type="application/sdp",
            extra=Headers([("Contact", f"<{dialog.local_contact}>"), *state.capabilities()]),
        )
        call.peer = state.dialog_peer(dialog, source)
        state.start_ok_retransmission(call, response, source)
        return call
