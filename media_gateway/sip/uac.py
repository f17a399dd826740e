"""Calls we place (the UAC side of the SIP core): the INVITE with our SDP offer, digest
challenges answered, provisional responses reported, the 2xx ACKed and turned into a
dialog, failures classified; no answer in time means CANCEL (after a 1xx, §9.1), and a
2xx that crosses it is ACKed and hung up. No I/O: everything goes through `CoreState`."""

from __future__ import annotations

import logging
import secrets

from media_gateway.sdp import SdpError, build_offer, negotiate, parse_sdp
from media_gateway.sip.address import NameAddr
from media_gateway.sip.builders import MAX_AUTH_ATTEMPTS, build_cancel, build_request
from media_gateway.sip.call_state import SipCall
from media_gateway.sip.checks import dial_target, outbound_call_info
from media_gateway.sip.core_state import ALLOW, CoreState, is_2xx
from media_gateway.sip.dialog import Dialog, new_call_id, new_tag
from media_gateway.sip.events import CallAnswered, CallProgress, OutgoingCallFailed
from media_gateway.sip.message import Headers, SipResponse
from media_gateway.sip.outcomes import FailureKind
from media_gateway.sip.peer import Peer
from media_gateway.sip.transaction_table import ignore_final

log = logging.getLogger(__name__)


class OutgoingCalls:
    def __init__(self, state: CoreState) -> None:
        self.state = state

    def invite(
        self,
        target: str,
        *,
        media_port: int,
        peer: Peer | None,
        caller: str | None,
        headers: dict[str, str] | None,
        timeout_s: float,
    ) -> int:
        state, config = self.state, self.state.config
        uri = dial_target(target, caller, headers)
        peer = peer or state.out_of_dialog_peer(uri)
        session_id = secrets.randbelow(2**31)
        from_addr = NameAddr(
            f"sip:{caller or config.user}@{state.domain}", config.display_name
        ).with_tag(new_tag())
        body = build_offer(
            state.host,
            media_port,
            session_id=session_id,
            codecs=config.codecs,
            dtmf_payload_type=config.dtmf_payload_type,
        )
        invite = build_request(
            "INVITE",
            str(uri),
            via=state.via(peer.transport),
            from_=str(from_addr),
            to=f"<{uri}>",
            call_id=new_call_id(state.host),
            cseq=1,
            contact=state.contact_uri(peer.transport),
            extra=Headers(
                [("User-Agent", config.user_agent), ("Allow", ALLOW), *(headers or {}).items()]
            ),
            body=body,
            content_type="application/sdp",
        )
        call = SipCall(
            ref=next(state.refs),
            direction="outbound",
            invite=invite,
            peer=peer,
            local_tag=from_addr.tag,
            phase="calling",
            media_port=media_port,
            session_id=session_id,
        )
        state.calls[call.ref] = call
        state.deadlines.set(
            (call, "answer"), state.now + timeout_s, lambda: self._no_answer(call)
        )
        self._send_invite(call)
        return call.ref

    def _send_invite(self, call: SipCall) -> None:
        self.state.dialing[call.ref] = self.state.table.start_client(
            call.invite,
            call.peer,
            lambda response: self._final(call, response),
            lambda response: self._progress(call, response),
        )

    def _progress(self, call: SipCall, response: SipResponse) -> None:
        if not call.abandoned and response.status > 100:  # 100 Trying is hop-by-hop
            self.state.events.append(CallProgress(call.ref, response.status, response.reason))

    def _final(self, call: SipCall, response: SipResponse | None) -> None:
        self.state.dialing.pop(call.ref, None)
        if call.abandoned:
            if response is not None and is_2xx(response):
                self._ack_and_bye(call, response)  # a 2xx that crossed our CANCEL
            self._fail(call, "no_answer", 487, "no answer before the timeout")
            return
        if response is None:
            self._fail(call, "failed", 408, "no response from the far end")
            return
        if response.status in (401, 407) and call.auth_attempts < MAX_AUTH_ATTEMPTS:
            call.auth_attempts += 1
            retry = self.state.with_credentials(call.invite, response)
            if retry is not None:
                call.invite = retry
                self._send_invite(call)
                return
        if is_2xx(response):
            self._established(call, response)
            return
        failure = OutgoingCallFailed.for_status(call.ref, response.status, response.reason)
        self._end(call)
        self.state.events.append(failure)

    def _fail(self, call: SipCall, kind: FailureKind, status: int | None, reason: str) -> None:
        """The call is over before it began; tell, unless nobody waits for it any more."""
        if call.phase == "ended":
            return
        self._end(call)
        if call.timed_out or not call.abandoned:
            self.state.events.append(OutgoingCallFailed(call.ref, kind, status, reason))

    def _end(self, call: SipCall) -> None:
        call.phase = "ended"
        self.state.calls.pop(call.ref, None)
        self.state.deadlines.cancel((call, "answer"))
        self.state.deadlines.cancel((call, "cancel"))

    def _established(self, call: SipCall, response: SipResponse) -> None:
        state = self.state
        invite = call.invite
        dialog = Dialog.from_invite_response(
            invite, response, local_contact=state.contact_uri(call.peer.transport)
        )
        call.dialog = dialog
        call.info = outbound_call_info(invite)
        call.peer = state.dialog_peer(dialog, call.peer)
        state.deadlines.cancel((call, "answer"))
        self._ack(call, dialog, call.peer)
        state.dialogs[(dialog.call_id, dialog.local_tag)] = call
        call.phase = "confirmed"
        call.confirmed = True
        try:
            media = negotiate(parse_sdp(response.body), codecs=state.config.codecs)
        except SdpError as exc:
            log.info("sip: unusable SDP answer for %s: %s", invite.call_id, exc)
            state.hangup(call, None)
            reason = f"unusable SDP answer: {exc}"
            state.events.append(OutgoingCallFailed(call.ref, "failed", response.status, reason))
            return
        call.media = media
        state.events.append(CallAnswered(call.ref, call.info, media))

    def _ack(self, call: SipCall, dialog: Dialog, peer: Peer) -> None:
        """The ACK of the INVITE's 2xx carries the INVITE's credentials (§22.1)."""
        invite = call.invite
        ack = dialog.create_request(
            "ACK", via=self.state.via(peer.transport), cseq=invite.cseq[0]
        )
        for name in ("authorization", "proxy-authorization"):
            value = invite.headers.get(name)
            if value is not None:
                ack.headers.add(name, value)
        self.state.send_ack(call, ack, peer)

    def _ack_and_bye(self, call: SipCall, response: SipResponse) -> None:
        """A 2xx to an INVITE we gave up on is a connected call: ACK it and hang up."""
        state = self.state
        dialog = Dialog.from_invite_response(
            call.invite, response, local_contact=state.contact_uri(call.peer.transport)
        )
        self._ack(call, dialog, call.peer)
        bye = dialog.create_request("BYE", via=state.via(call.peer.transport))

        def done(_: SipResponse | None) -> None:
            for key in call.ack_keys:
                state.acks.pop(key, None)

        state.table.start_client(bye, call.peer, done)

    def _no_answer(self, call: SipCall) -> None:
        if call.phase == "calling":
            call.abandoned = call.timed_out = True
            self._abandon(call)

    def _abandon(self, call: SipCall) -> None:
        """CANCEL our pending INVITE (§9.1): at once if the far end has sent a 1xx, else
        after its first one. If no final response comes within 64*T1, forget it."""
        state = self.state
        entry = state.dialing.get(call.ref)
        if entry is None or entry.finished:
            return
        if entry.tx.state == "calling":
            entry.cancel_after_provisional = build_cancel(call.invite)
        else:
            state.table.start_client(build_cancel(call.invite), entry.peer, ignore_final)
        state.deadlines.set(
            (call, "cancel"), state.now + 64 * state.timers.t1, lambda: self._cancel_expired(call)
        )

    def _cancel_expired(self, call: SipCall) -> None:
        entry = self.state.dialing.pop(call.ref, None)
        if entry is not None:
            entry.finished = True
            self.state.table.drop_client(entry)
        self._fail(call, "no_answer", 487, "no answer before the timeout")

    def cancel(self, ref: int) -> None:
        call = self.state.calls.get(ref)
        if call is None or call.direction != "outbound":
            return
        if call.phase == "confirmed":
            self.state.hangup(call, None)
        elif call.phase == "calling" and not call.abandoned:
            call.abandoned = True
            self._abandon(call)

    def abort_all(self, reason: str) -> None:
        """Every INVITE still waiting ends now (the user agent is closing)."""
        state = self.state
        for ref, entry in list(state.dialing.items()):
            entry.finished = True
            call = state.calls.get(ref)
            if call is not None and (call.timed_out or not call.abandoned):
                self._end(call)
                state.events.append(OutgoingCallFailed(ref, "failed", None, reason))
        state.dialing.clear()
