"""What the parts of the SIP core share: addresses, the transaction table and deadline
heap, the calls and dialogs, the events to report, and the few services every part uses
(answer a request, send an in-dialog request, keep ACKs, hang up). No I/O.

`core.SipCore` composes the parts: `uas.IncomingCalls`, `uac.OutgoingCalls`,
`in_dialog.DialogRequests` and `registration.Registration`, all over one `CoreState`.
"""

from __future__ import annotations

import itertools
import logging

from media_gateway.sdp import Direction, build_offer
from media_gateway.sip.address import SipUri
from media_gateway.sip.builders import make_response, with_credentials
from media_gateway.sip.call_state import SipCall
from media_gateway.sip.config import SipConfig
from media_gateway.sip.deadlines import Deadlines
from media_gateway.sip.dialog import Dialog, new_branch
from media_gateway.sip.events import DialogEnded, SipEvent, TransferDone
from media_gateway.sip.grammar import SipParseError
from media_gateway.sip.message import Headers, SipMessage, SipRequest, SipResponse
from media_gateway.sip.peer import Peer
from media_gateway.sip.transaction import OkRetransmitter, ServerTransaction
from media_gateway.sip.transaction_table import (
    ClientEntry,
    FinalHandler,
    TransactionTable,
    ignore_final,
)

log = logging.getLogger(__name__)

ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY, REFER, UPDATE"
SUPPORTED: frozenset[str] = frozenset()
"""SIP extensions (option tags) we implement, for Require checks."""
REFER_WAIT_S = 32.0
"""How long to wait for the NOTIFY that reports a transfer's outcome, unless the caller
says (a script's ring timeout)."""
REFER_TIMED_OUT = 408
"""The status a transfer reports when no final NOTIFY came in time (Request Timeout: the
target did not answer while we waited)."""


def is_2xx(response: SipResponse | None) -> bool:
    return response is not None and 200 <= response.status < 300


class CoreState:
    def __init__(
        self, config: SipConfig, *, host: str, port: int, proxy: tuple[str, int] | None
    ) -> None:
        self.config = config
        self.timers = config.timers
        self.host = host
        self.port = port
        self.proxy = proxy
        self.events: list[SipEvent] = []
        self.deadlines = Deadlines()
        self.table = TransactionTable(self.timers, self.deadlines, self.resend_ack)
        self.calls: dict[int, SipCall] = {}
        """Every call not yet ended, by ref."""
        self.dialogs: dict[tuple[str, str], SipCall] = {}
        """Calls with a dialog, by (Call-ID, local tag)."""
        self.offered: dict[str, SipCall] = {}
        """Incoming calls waiting for the application, by their INVITE's server key."""
        self.dialing: dict[int, ClientEntry] = {}
        """Our INVITEs waiting for a final response, by call ref."""
        self.acks: dict[tuple[str, int], tuple[SipRequest, Peer]] = {}
        """Our ACKs of 2xx responses, by (Call-ID, CSeq), to send again on a resent 2xx."""
        self.refs = itertools.count(1)
        self.tokens = itertools.count(1)
        self.accepting = True
        self.closed = False

    @property
    def now(self) -> float:
        return self.table.now

    @property
    def full(self) -> bool:
        limit = self.config.max_calls
        return limit is not None and len(self.dialogs) + len(self.offered) >= limit

    # -- addresses ----------------------------------------------------------------------

    @property
    def domain(self) -> str:
        if self.config.domain:
            return self.config.domain
        proxy = self.config.proxy_address()
        return proxy[0] if proxy else self.host

    def contact_uri(self, transport: str = "udp") -> str:
        uri = f"sip:{self.config.user}@{self.host}:{self.port}"
        return uri + ";transport=tcp" if transport == "tcp" else uri

    def via(self, transport: str) -> str:
        name = "TCP" if transport == "tcp" else "UDP"
        return f"SIP/2.0/{name} {self.host}:{self.port};branch={new_branch()};rport"

    def out_of_dialog_peer(self, target: SipUri) -> Peer:
        """Where a new request to `target` goes: the proxy, else the target's host:port."""
        if self.proxy is not None:
            return Peer(self.config.proxy_transport, *self.proxy)
        host, port = target.address()
        return Peer("tcp" if target.transport == "tcp" else "udp", host, port)

    def dialog_peer(self, dialog: Dialog, fallback: Peer) -> Peer:
        """Where in-dialog requests go (RFC 3261 §12.2.1.1, RFC 3263): the outbound proxy
        when one is configured, else the first Route of the route set, else the remote
        target, with the transport its URI names. The transport layer reuses a live TCP
        connection to that address (including the one the peer opened to us, RFC 5923),
        and opens a new one when it is gone: never the peer's old ephemeral port."""
        if self.proxy is not None:
            return Peer(self.config.proxy_transport, *self.proxy)
        try:
            hop = dialog.next_hop()
        except SipParseError:
            return fallback
        host, port = hop.address()
        return Peer("tcp" if hop.transport == "tcp" else "udp", host, port)

    # -- sending ------------------------------------------------------------------------

    def send(self, message: SipMessage, peer: Peer) -> None:
        self.table.send(message, peer)

    def respond(
        self,
        tx: ServerTransaction,
        peer: Peer,
        request: SipRequest,
        status: int,
        reason: str | None = None,
        *,
        to_tag: str | None = None,
        body: bytes = b"",
        content_type: str | None = None,
        extra: Headers | None = None,
    ) -> SipResponse:
        response = make_response(
            request,
            status,
            reason,
            to_tag=to_tag,
            body=body,
            content_type=content_type,
            extra=extra,
            server=self.config.user_agent,
        )
        self.table.respond(tx, peer, response)
        return response

    def capabilities(self) -> Headers:
        return Headers([("Allow", ALLOW), ("Accept", "application/sdp")])

    def with_credentials(self, request: SipRequest, challenge: SipResponse) -> SipRequest | None:
        """`request` again answering a 401/407 (None: no password, or an odd challenge)."""
        if self.config.password is None:
            return None
        return with_credentials(
            request,
            challenge,
            via=self.via("tcp" if "/TCP " in request.top_via.upper() else "udp"),
            username=self.config.auth_username or self.config.user,
            password=self.config.password,
        )

    def send_ack(self, call: SipCall, ack: SipRequest, peer: Peer) -> None:
        """ACK a 2xx and keep the ACK: a resent 2xx means it was lost (§13.2.2.4)."""
        key = (ack.call_id, ack.cseq[0])
        self.acks[key] = (ack, peer)
        call.ack_keys.append(key)
        self.send(ack, peer)

    def resend_ack(self, response: SipResponse) -> None:
        stored = self.acks.get((response.call_id, response.cseq[0]))
        if stored is not None:
            self.send(*stored)

    def offer(self, call: SipCall, direction: Direction = "sendrecv") -> bytes:
        """Our SDP offer for the call's RTP port, at its current session version."""
        return build_offer(
            self.host,
            call.media_port,
            session_id=call.session_id,
            version=call.sdp_version,
            codecs=self.config.codecs,
            dtmf_payload_type=self.config.dtmf_payload_type,
            direction=direction,
        )

    def start_ok_retransmission(self, call: SipCall, response: SipResponse, peer: Peer) -> None:
        """Resend our 2xx to an INVITE until its ACK; none after 64*T1: hang up."""
        if peer.transport == "tcp":
            return  # reliable transport: no 2xx retransmission (§13.3.1.4 applies to UDP)
        retransmitter = OkRetransmitter(response, self.now, self.timers)
        call.retransmitter = retransmitter

        def fire() -> None:
            to_send, gave_up = retransmitter.handle_timers(self.now)
            for message in to_send:
                self.send(message, peer)
            if gave_up:
                log.info("sip: no ACK for 200 OK of %s; ending the call", call.invite.call_id)
                self.hangup(call, "network_error")
            else:
                self.deadlines.set((call, "2xx"), retransmitter.next_deadline(), fire)

        self.deadlines.set((call, "2xx"), retransmitter.next_deadline(), fire)

    # -- dialogs ------------------------------------------------------------------------

    def confirmed_call(self, ref: int) -> SipCall | None:
        call = self.calls.get(ref)
        if call is None or call.phase != "confirmed" or call.dialog is None:
            return None
        return call

    def in_dialog(
        self,
        call: SipCall,
        method: str,
        headers: Headers | None = None,
        body: bytes = b"",
        *,
        on_final: FinalHandler,
    ) -> None:
        """Send an in-dialog request; answer one digest challenge (trunks challenge BYE
        and re-INVITE too); ACK a 2xx to a re-INVITE."""
        dialog = call.dialog
        assert dialog is not None
        call.peer = peer = self.dialog_peer(dialog, call.peer)  # a re-INVITE may move it
        request = dialog.create_request(
            method, via=self.via(peer.transport), headers=headers, body=body
        )
        challenged = False

        def final(response: SipResponse | None) -> None:
            nonlocal request, challenged
            if response is not None and response.status in (401, 407) and not challenged:
                challenged = True
                retry = self.with_credentials(request, response)
                if retry is not None:
                    dialog.local_seq = retry.cseq[0]
                    request = retry
                    self.table.start_client(retry, peer, final)
                    return
            if method == "INVITE" and is_2xx(response):
                ack = dialog.create_request(
                    "ACK", via=self.via(peer.transport), cseq=request.cseq[0]
                )
                self.send_ack(call, ack, peer)
            on_final(response)

        self.table.start_client(request, peer, final)

    def forget(self, call: SipCall) -> None:
        """The dialog ends: no more in-dialog requests are accepted for it."""
        call.phase = "ended"
        if call.dialog is not None:
            self.dialogs.pop((call.dialog.call_id, call.dialog.local_tag), None)
        self.calls.pop(call.ref, None)
        self.deadlines.cancel((call, "2xx"))
        for key in call.ack_keys:
            self.acks.pop(key, None)
        call.ack_keys.clear()
        if call.refer_waiting:
            self.transfer_done(call, None)

    def hangup(self, call: SipCall, cause: str | None) -> None:
        """End a call on our own initiative: forget it, BYE, and tell why (None: the
        application asked, and hears it from the BYE's RequestDone)."""
        self.forget(call)
        self.in_dialog(call, "BYE", on_final=ignore_final)
        if cause is not None:
            self.events.append(DialogEnded(call.ref, cause))

    def transfer_done(self, call: SipCall, status: int | None) -> None:
        call.refer_waiting = False
        self.deadlines.cancel((call, "refer"))
        if call.refer_token is not None:
            accepted = status is not None and 200 <= status < 300
            self.events.append(TransferDone(call.refer_token, call.ref, status, accepted))
