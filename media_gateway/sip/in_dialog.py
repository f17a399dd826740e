"""Requests inside a dialog, both ways, for the SIP core. From the far end: BYE, re-INVITE
and UPDATE (hold, resume, refresh), INFO digits, the NOTIFY of our REFER, OPTIONS, in CSeq
order. From us: BYE, re-INVITE for hold, REFER (a blind transfer followed to its NOTIFY)
and any other request. No I/O: everything goes through the shared `CoreState`."""

from __future__ import annotations

import logging

from media_gateway.sdp import SdpError, build_answer, negotiate, parse_sdp
from media_gateway.sip.call_state import SipCall
from media_gateway.sip.checks import refer_uri, referred_to
from media_gateway.sip.core_state import REFER_TIMED_OUT, REFER_WAIT_S, CoreState, is_2xx
from media_gateway.sip.events import (
    DialogEnded,
    DtmfReceived,
    MediaChanged,
    RequestDone,
    TransferDone,
    TransferRequested,
)
from media_gateway.sip.grammar import SipParseError
from media_gateway.sip.info_dtmf import parse_info_dtmf
from media_gateway.sip.message import Headers, SipRequest, SipResponse
from media_gateway.sip.peer import Peer
from media_gateway.sip.transaction import ServerTransaction
from media_gateway.sip.transaction_table import FinalHandler

log = logging.getLogger(__name__)


class DialogRequests:
    def __init__(self, state: CoreState) -> None:
        self.state = state

    # -- from the far end ---------------------------------------------------------------

    def on_request(
        self, request: SipRequest, peer: Peer, tx: ServerTransaction, to_tag: str
    ) -> None:
        state = self.state
        call = state.dialogs.get((request.call_id, to_tag))
        if call is None or call.dialog is None:
            state.respond(tx, peer, request, 481)
            return
        if not call.dialog.accept_remote_request(request):
            state.respond(tx, peer, request, 500, "CSeq out of order")
            return
        method = request.method
        if method == "BYE":
            state.respond(tx, peer, request, 200)
            state.forget(call)
            state.events.append(DialogEnded(call.ref, "caller_hangup"))
        elif method == "INVITE" or (method == "UPDATE" and request.body):
            self._on_offer(call, request, peer, tx)
        elif method == "INFO":
            digit = parse_info_dtmf(request.content_type, request.body)
            state.respond(tx, peer, request, 200)
            if digit is not None:
                state.events.append(DtmfReceived(call.ref, digit))
        elif method == "NOTIFY":
            state.respond(tx, peer, request, 200)
            self._on_notify(call, request)
        elif method == "REFER" and state.config.follow_refer:
            self._on_refer(call, request, peer, tx)
        elif method in ("OPTIONS", "UPDATE"):
            state.respond(tx, peer, request, 200, extra=state.capabilities())
        else:
            state.respond(tx, peer, request, 405, extra=state.capabilities())

    def _on_refer(
        self, call: SipCall, request: SipRequest, peer: Peer, tx: ServerTransaction
    ) -> None:
        """A blind transfer asked of us: 202, then the application places the new call and
        reports it in a NOTIFY (`SipCallLeg.report_transfer`). One at a time per call."""
        state = self.state
        target = referred_to(request)
        if target is None:
            log.info("sip: REFER of %s refused: bad Refer-To", request.call_id)
            state.respond(tx, peer, request, 400, "Bad Refer-To")
        elif call.referred:
            state.respond(tx, peer, request, 491)
        else:
            call.referred = True
            state.respond(tx, peer, request, 202)
            state.events.append(TransferRequested(call.ref, target))

    def _on_offer(
        self, call: SipCall, request: SipRequest, peer: Peer, tx: ServerTransaction
    ) -> None:
        """Hold/resume, address changes and session refresh (re-INVITE or UPDATE)."""
        state = self.state
        assert call.dialog is not None
        if request.body:
            try:
                media = negotiate(
                    parse_sdp(request.body), codecs=state.config.codecs
                )
            except SdpError as exc:
                warning = Headers([("Warning", f'304 voicebot "{exc}"'[:200])])
                state.respond(tx, peer, request, 488, extra=warning)
                return
            if media != call.media:
                call.sdp_version += 1
            call.media = media
            state.events.append(MediaChanged(call.ref, media))
            body = build_answer(
                media,
                state.host,
                call.media_port,
                session_id=call.session_id,
                version=call.sdp_version,
            )
        else:
            call.awaiting_answer_in_ack = request.method == "INVITE"
            body = state.offer(call)
        response = state.respond(
            tx,
            peer,
            request,
            200,
            body=body,
            content_type="application/sdp",
            extra=Headers([("Contact", f"<{call.dialog.local_contact}>")]),
        )
        if request.method == "INVITE":
            state.start_ok_retransmission(call, response, peer)

    def _on_notify(self, call: SipCall, notify: SipRequest) -> None:
        """A NOTIFY of our REFER: its sipfrag's final status is the transfer's outcome."""
        if not notify.content_type.startswith("message/sipfrag") or call.refer_token is None:
            return
        if call.refer_status is not None:
            return
        line = notify.body.decode("utf-8", "replace").strip().splitlines()[:1]
        parts = line[0].split() if line else []
        if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) >= 200:
            call.refer_status = int(parts[1])
            if call.refer_waiting:
                self.state.transfer_done(call, call.refer_status)

    # -- from us ------------------------------------------------------------------------

    def _done(self, token: int, call: SipCall, method: str) -> FinalHandler:
        def final(response: SipResponse | None) -> None:
            status = response.status if response is not None else None
            self.state.events.append(
                RequestDone(token, call.ref, method, status, is_2xx(response), response)
            )

        return final

    def request(
        self, ref: int, method: str, headers: Headers | None = None, body: bytes = b""
    ) -> int | None:
        call = self.state.confirmed_call(ref)
        if call is None:
            return None
        token = next(self.state.tokens)
        self.state.in_dialog(
            call, method, headers, body, on_final=self._done(token, call, method)
        )
        return token

    def bye(self, ref: int) -> int | None:
        state = self.state
        call = state.confirmed_call(ref)
        if call is None:
            return None
        token = next(state.tokens)
        state.forget(call)
        state.in_dialog(call, "BYE", on_final=self._done(token, call, "BYE"))
        return token

    def reinvite(self, ref: int, hold: bool) -> int | None:
        state = self.state
        call = state.confirmed_call(ref)
        if call is None:
            return None
        token = next(state.tokens)
        call.sdp_version += 1
        body = state.offer(call, "sendonly" if hold else "sendrecv")

        def final(response: SipResponse | None) -> None:
            accepted = False
            if response is not None and is_2xx(response):
                try:
                    media = negotiate(
                        parse_sdp(response.body), codecs=state.config.codecs
                    )
                except SdpError as exc:
                    log.info("sip: unusable SDP in re-INVITE answer of %s: %s",
                             call.invite.call_id, exc)
                else:
                    call.media = media
                    state.events.append(MediaChanged(call.ref, media, hold))
                    accepted = True
            status = response.status if response is not None else None
            state.events.append(RequestDone(token, call.ref, "INVITE", status, accepted, response))

        state.in_dialog(
            call, "INVITE", Headers([("Content-Type", "application/sdp")]), body, on_final=final
        )
        return token

    def refer(self, ref: int, target: str, wait_s: float | None = None) -> int | None:
        state = self.state
        call = state.confirmed_call(ref)
        if call is None or call.dialog is None:
            return None
        dialog = call.dialog
        try:
            uri = refer_uri(target, dialog.remote_target)
        except SipParseError as exc:
            log.warning("sip: transfer of %s refused: bad target %r (%s)",
                        dialog.call_id, target[:80], exc)
            return None
        token = next(state.tokens)
        call.refer_token = token
        call.refer_status = None
        call.refer_waiting = False

        def timed_out() -> None:
            """No final NOTIFY in time: the transfer failed as a 408 (a late NOTIFY is
            ignored; the call is back with the script)."""
            call.refer_status = REFER_TIMED_OUT
            state.transfer_done(call, REFER_TIMED_OUT)

        def final(response: SipResponse | None) -> None:
            if response is None:
                state.events.append(TransferDone(token, call.ref, None, False))
            elif not is_2xx(response):
                call.refer_status = response.status  # the refusal's status, for reports
                state.events.append(TransferDone(token, call.ref, response.status, False))
            elif call.refer_status is not None:  # the NOTIFY came before the 202
                state.transfer_done(call, call.refer_status)
            elif call.phase != "confirmed":
                state.events.append(TransferDone(token, call.ref, None, False))
            else:
                call.refer_waiting = True
                state.deadlines.set(
                    (call, "refer"),
                    state.now + (REFER_WAIT_S if wait_s is None else wait_s),
                    timed_out,
                )

        headers = Headers(
            [("Refer-To", f"<{uri}>"), ("Referred-By", f"<{dialog.local_party.uri}>")]
        )
        state.in_dialog(call, "REFER", headers, on_final=final)
        return token
