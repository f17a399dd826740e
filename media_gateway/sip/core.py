"""The SIP transaction user as a sans-I/O state machine, in the style of h11 and aioquic.

`SipCore` owns the transactions, the dialogs and every call's SIP state. It never sleeps,
sends or reads a clock. Its user feeds it what arrived (`receive(data, peer, now)`), the
time (`handle_timer(now)` when `next_timer()` comes) and commands (`invite`, `ring`,
`answer`, `reject`, `cancel`, `bye`, `reinvite`, `refer`, `request`, `register`), then
takes what to put on the wire (`datagrams()`) and what happened (`events()`).

`user_agent.SipUserAgent` is the asyncio adapter (sockets, one loop timer, RTP sessions);
tests wire two cores back to back and move the datagrams between them with a fake clock.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import secrets

from media_gateway.sdp import (
    Direction,
    NegotiatedMedia,
    NoUsableCodec,
    SdpError,
    build_answer,
    build_offer,
    negotiate,
    parse_sdp,
)
from media_gateway.sip.address import NameAddr, SipUri
from media_gateway.sip.builders import (
    MAX_AUTH_ATTEMPTS,
    build_cancel,
    build_request,
    make_response,
    with_credentials,
)
from media_gateway.sip.call_state import SipCall
from media_gateway.sip.checks import (
    dial_target,
    inbound_call_info,
    outbound_call_info,
    oversized_x_headers,
    refer_uri,
)
from media_gateway.sip.config import SipConfig
from media_gateway.sip.deadlines import Deadlines
from media_gateway.sip.dialog import Dialog, new_branch, new_call_id, new_tag
from media_gateway.sip.events import (
    CallAnswered,
    CallCancelled,
    CallOffered,
    CallProgress,
    DialogEnded,
    DtmfReceived,
    MediaChanged,
    OutgoingCallFailed,
    RequestDone,
    SipEvent,
    TransferDone,
)
from media_gateway.sip.info_dtmf import parse_info_dtmf
from media_gateway.sip.message import (
    Headers,
    SipMessage,
    SipParseError,
    SipRequest,
    SipResponse,
    parse_message,
)
from media_gateway.sip.outcomes import CallFailed, FailureKind, RegistrationFailed
from media_gateway.sip.peer import Datagram, Peer
from media_gateway.sip.registration import Registration
from media_gateway.sip.transaction import (
    OkRetransmitter,
    ServerInviteTransaction,
    ServerTransaction,
    server_key,
)
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
"""How long to wait for the NOTIFY that reports a transfer's outcome."""
_IN_DIALOG_ONLY = ("BYE", "INFO", "NOTIFY", "REFER", "UPDATE")


def _is_2xx(response: SipResponse | None) -> bool:
    return response is not None and 200 <= response.status < 300


class SipCore:
    """One SIP user agent's protocol state: `host`/`port` are what it advertises in Via
    and Contact, `proxy` the resolved outbound proxy (every out-of-dialog request and, if
    set, every in-dialog one goes there)."""

    def __init__(
        self,
        config: SipConfig,
        *,
        host: str,
        port: int,
        proxy: tuple[str, int] | None = None,
    ) -> None:
        self.config = config
        self.timers = config.timers
        self.host = host
        self.port = port
        self.proxy = proxy
        self.dropped = 0
        """Malformed messages dropped (for tests and metrics)."""
        self._events: list[SipEvent] = []
        self._deadlines = Deadlines()
        self._table = TransactionTable(self.timers, self._deadlines, self._resend_ack)
        self._calls: dict[int, SipCall] = {}
        """Every call not yet ended, by ref."""
        self._dialogs: dict[tuple[str, str], SipCall] = {}
        """Calls with a dialog, by (Call-ID, local tag)."""
        self._offered: dict[str, SipCall] = {}
        """Incoming calls waiting for the application, by their INVITE's server key."""
        self._dialing: dict[int, ClientEntry] = {}
        """Our INVITEs waiting for a final response, by call ref."""
        self._acks: dict[tuple[str, int], tuple[SipRequest, Peer]] = {}
        self._refs = itertools.count(1)
        self._tokens = itertools.count(1)
        self._accepting = True
        self._closed = False
        self._registration: Registration | None = None

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

    def _via(self, transport: str) -> str:
        name = "TCP" if transport == "tcp" else "UDP"
        return f"SIP/2.0/{name} {self.host}:{self.port};branch={new_branch()};rport"

    def out_of_dialog_peer(self, target: SipUri) -> Peer:
        """Where a new request to `target` goes: the proxy, else the target's host:port."""
        if self.proxy is not None:
            return Peer(self.config.proxy_transport, *self.proxy)
        host, port = target.address()
        return Peer("tcp" if target.transport == "tcp" else "udp", host, port)

    def _dialog_peer(self, dialog: Dialog, fallback: Peer) -> Peer:
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

    # -- state --------------------------------------------------------------------------

    @property
    def accepting(self) -> bool:
        return self._accepting and not self._closed

    def stop_accepting(self) -> None:
        """Take no more calls: new INVITEs get 503, and so do OPTIONS probes, so a proxy
        (Kamailio's dispatcher) stops sending calls here. Calls in progress go on."""
        self._accepting = False

    @property
    def active_calls(self) -> int:
        """Calls with a dialog (answered, or answering)."""
        return len(self._dialogs)

    @property
    def refreshing(self) -> bool:
        """A registration is being kept alive."""
        return self._registration is not None and self._registration.refreshing

    @property
    def registrations(self) -> int:
        """Successful REGISTER transactions so far (refreshes included)."""
        return self._registration.successes if self._registration is not None else 0

    def call(self, ref: int) -> SipCall | None:
        return self._calls.get(ref)

    # -- the I/O interface --------------------------------------------------------------

    def receive(self, data: bytes | SipMessage, peer: Peer, now: float) -> SipMessage | None:
        """Handle one message (bytes as they came, or parsed). Returns the message, or
        None when it was dropped: malformed bytes are logged and counted, never raised."""
        self._table.now = now
        message: SipMessage
        if isinstance(data, bytes):
            if not data.strip(b"\r\n"):
                return None  # keep-alive
            try:
                message = parse_message(data, stream=peer.transport == "tcp")
            except SipParseError as exc:
                self.dropped += 1
                log.info("sip: dropped malformed message from %s:%s: %s", peer.host, peer.port, exc)
                return None
        else:
            message = data
        if self._closed:
            return message
        if isinstance(message, SipResponse):
            self._table.on_response(message)
        elif isinstance(message, SipRequest):
            self._on_request(message, peer)
        return message

    def handle_timer(self, now: float) -> None:
        """Fire every timer due at `now`."""
        self._table.now = now
        while (action := self._deadlines.pop_due(now)) is not None:
            action()

    def next_timer(self) -> float | None:
        """When `handle_timer` should be called next (None: no timer is armed)."""
        return self._deadlines.next()

    def datagrams(self) -> list[Datagram]:
        """What to send, in order, since the last call."""
        out, self._table.out = self._table.out, []
        return out

    def events(self) -> list[SipEvent]:
        """What happened, in order, since the last call."""
        events = self._events.copy()
        self._events.clear()  # the same list: the registration appends to it too
        return events

    @property
    def _now(self) -> float:
        return self._table.now

    def _send(self, message: SipMessage, peer: Peer) -> None:
        self._table.send(message, peer)

    def _with_credentials(self, request: SipRequest, challenge: SipResponse) -> SipRequest | None:
        if self.config.password is None:
            return None
        return with_credentials(
            request,
            challenge,
            via=self._via("tcp" if "/TCP " in request.top_via.upper() else "udp"),
            username=self.config.auth_username or self.config.user,
            password=self.config.password,
        )

    def _resend_ack(self, response: SipResponse) -> None:
        """A retransmitted 2xx means our ACK was lost: send it again (§13.2.2.4)."""
        stored = self._acks.get((response.call_id, response.cseq[0]))
        if stored is not None:
            self._send(*stored)

    # -- server transactions ------------------------------------------------------------

    def _respond(
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
        self._table.respond(tx, peer, response)
        return response

    def _capabilities(self) -> Headers:
        return Headers([("Allow", ALLOW), ("Accept", "application/sdp")])

    # -- requests from the far end ------------------------------------------------------

    def _on_request(self, request: SipRequest, peer: Peer) -> None:
        known = self._table.existing_server(request)
        if request.method == "ACK":
            if known is not None and known[0].state == "completed":  # ACK for a 3xx-6xx
                self._table.absorb(known[0], known[1], request)
            else:  # ACK for a 2xx (a new branch, or the INVITE's for RFC 2543 peers)
                self._on_ack(request)
            return
        if known is not None:  # a retransmission
            self._table.absorb(known[0], known[1], request)
            return
        tx_new = self._table.new_server(request, peer)
        to_tag = ""
        with contextlib.suppress(SipParseError):
            to_tag = NameAddr.parse(request.headers["to"]).tag
        unsupported = [o for o in request.headers.get_all("require") if o.lower() not in SUPPORTED]
        if unsupported and request.method != "CANCEL":
            # §8.2.2.3: e.g. `Require: 100rel` (PRACK), which we do not implement
            self._respond(
                tx_new,
                peer,
                request,
                420,
                to_tag=new_tag(),
                extra=Headers([("Unsupported", ", ".join(unsupported))]),
            )
            return
        if request.method == "CANCEL":
            self._on_cancel(request, peer, tx_new)
        elif to_tag:
            self._on_in_dialog(request, peer, tx_new, to_tag)
        elif request.method == "INVITE":
            assert isinstance(tx_new, ServerInviteTransaction)
            self._on_invite(request, peer, tx_new)
        elif request.method == "OPTIONS":
            if self.accepting:
                self._respond(tx_new, peer, request, 200, extra=self._capabilities())
            else:
                self._respond(
                    tx_new,
                    peer,
                    request,
                    503,
                    "Not Taking Calls",
                    extra=Headers([("Retry-After", "60"), *self._capabilities()]),
                )
        else:
            status = 481 if request.method in _IN_DIALOG_ONLY else 405
            self._respond(tx_new, peer, request, status, extra=self._capabilities())

    def _on_invite(self, invite: SipRequest, peer: Peer, tx: ServerInviteTransaction) -> None:
        if not self.accepting:
            self._respond(
                tx, peer, invite, 503, "Not Taking Calls", extra=Headers([("Retry-After", "60")])
            )
            return
        if len(self._offered) >= self.config.max_pending_calls:
            # nobody is picking calls up fast enough: refuse rather than queue without bound
            self._respond(
                tx,
                peer,
                invite,
                503,
                "Too Many Pending Calls",
                to_tag=new_tag(),
                extra=Headers([("Retry-After", "5")]),
            )
            return
        self._respond(tx, peer, invite, 100)
        too_long = oversized_x_headers(
            invite, self.config.max_x_headers, self.config.max_x_header_chars
        )
        if too_long is not None:
            log.info("sip: 400 for %s: %s", invite.call_id, too_long)
            self._respond(tx, peer, invite, 400, too_long, to_tag=new_tag())
            return
        offer: NegotiatedMedia | None = None
        if invite.body:
            try:
                if invite.content_type != "application/sdp":
                    raise NoUsableCodec(f"unsupported body type {invite.content_type[:40]}")
                offer = negotiate(parse_sdp(invite.body), codecs=self.config.codecs, is_offer=True)
            except NoUsableCodec as exc:
                log.info("sip: 488 for %s: %s", invite.call_id, exc)
                warning = Headers([("Warning", f'304 voicebot "{exc}"'[:200])])
                self._respond(tx, peer, invite, 488, to_tag=new_tag(), extra=warning)
                return
            except SdpError as exc:
                log.info("sip: 400 for %s: bad SDP: %s", invite.call_id, exc)
                self._respond(tx, peer, invite, 400, f"Bad SDP: {exc}"[:100], to_tag=new_tag())
                return
        try:
            info = inbound_call_info(invite)
        except SipParseError as exc:
            self._respond(tx, peer, invite, 400, f"Bad address: {exc}"[:100], to_tag=new_tag())
            return
        call = SipCall(
            ref=next(self._refs),
            direction="inbound",
            invite=invite,
            peer=peer,
            local_tag=new_tag(),
            phase="offered",
            info=info,
            offer=offer,
            invite_tx=tx,
        )
        self._calls[call.ref] = call
        self._offered[server_key(invite)] = call
        self._deadlines.set(
            (call, "ring"), self._now + self.config.ring_timeout_s, lambda: self._ring_timeout(call)
        )
        self._events.append(CallOffered(call.ref, info, invite, peer, offer, call.local_tag))

    def _ring_timeout(self, call: SipCall) -> None:
        """Nobody answered or rejected in time: 480, so the caller is not left ringing."""
        tx = call.invite_tx
        if call.phase == "offered" and tx is not None and tx.state == "proceeding":
            self._respond(tx, call.peer, call.invite, 480, to_tag=call.local_tag)
            self._offer_gone(call)
            self._events.append(CallCancelled(call.ref, 480))

    def _offer_gone(self, call: SipCall) -> None:
        call.phase = "ended"
        self._offered.pop(server_key(call.invite), None)
        self._calls.pop(call.ref, None)
        self._deadlines.cancel((call, "ring"))

    def _on_cancel(self, cancel: SipRequest, peer: Peer, tx: ServerTransaction) -> None:
        invite_key = server_key(SipRequest(method="INVITE", uri=cancel.uri, headers=cancel.headers))
        call = self._offered.get(invite_key)
        if call is None:
            self._respond(tx, peer, cancel, 481)
            return
        self._respond(tx, peer, cancel, 200, to_tag=call.local_tag)  # §9.2: the same tag
        invite_tx = call.invite_tx
        if invite_tx is not None and invite_tx.state == "proceeding":
            self._respond(invite_tx, call.peer, call.invite, 487, to_tag=call.local_tag)
        self._offer_gone(call)
        self._events.append(CallCancelled(call.ref, 487))

    def _on_ack(self, ack: SipRequest) -> None:
        to_tag = ""
        with contextlib.suppress(SipParseError):
            to_tag = NameAddr.parse(ack.headers["to"]).tag
        call = self._dialogs.get((ack.call_id, to_tag))
        if call is None:
            return
        if call.retransmitter is not None:
            call.retransmitter.ack()
            self._deadlines.cancel((call, "2xx"))
        call.confirmed = True
        if call.awaiting_answer_in_ack:
            call.awaiting_answer_in_ack = False
            if ack.body:
                try:
                    media = negotiate(
                        parse_sdp(ack.body), codecs=self.config.codecs, is_offer=False
                    )
                except SdpError as exc:
                    log.info("sip: unusable SDP answer in ACK of %s: %s", ack.call_id, exc)
                    self._hangup(call, "network_error")
                    return
                call.media = media
                self._events.append(MediaChanged(call.ref, media))

    def _on_in_dialog(
        self, request: SipRequest, peer: Peer, tx: ServerTransaction, to_tag: str
    ) -> None:
        call = self._dialogs.get((request.call_id, to_tag))
        if call is None or call.dialog is None:
            self._respond(tx, peer, request, 481)
            return
        if not call.dialog.accept_remote_request(request):
            self._respond(tx, peer, request, 500, "CSeq out of order")
            return
        method = request.method
        if method == "BYE":
            self._respond(tx, peer, request, 200)
            self._forget(call)
            self._events.append(DialogEnded(call.ref, "caller_hangup"))
        elif method == "INVITE" or (method == "UPDATE" and request.body):
            self._on_reinvite(call, request, peer, tx)
        elif method == "INFO":
            digit = parse_info_dtmf(request.content_type, request.body)
            self._respond(tx, peer, request, 200)
            if digit is not None:
                self._events.append(DtmfReceived(call.ref, digit))
        elif method == "NOTIFY":
            self._respond(tx, peer, request, 200)
            self._on_refer_notify(call, request)
        elif method in ("OPTIONS", "UPDATE"):
            self._respond(tx, peer, request, 200, extra=self._capabilities())
        else:
            self._respond(tx, peer, request, 405, extra=self._capabilities())

    def _on_reinvite(
        self, call: SipCall, request: SipRequest, peer: Peer, tx: ServerTransaction
    ) -> None:
        """Hold/resume, address changes and session refresh (re-INVITE or UPDATE)."""
        assert call.dialog is not None
        if request.body:
            try:
                media = negotiate(parse_sdp(request.body), codecs=self.config.codecs, is_offer=True)
            except SdpError as exc:
                warning = Headers([("Warning", f'304 voicebot "{exc}"'[:200])])
                self._respond(tx, peer, request, 488, extra=warning)
                return
            if media != call.media:
                call.sdp_version += 1
            call.media = media
            self._events.append(MediaChanged(call.ref, media))
            body = build_answer(
                media,
                self.host,
                call.media_port,
                session_id=call.session_id,
                version=call.sdp_version,
            )
        else:
            call.awaiting_answer_in_ack = request.method == "INVITE"
            body = self._offer(call)
        response = self._respond(
            tx,
            peer,
            request,
            200,
            body=body,
            content_type="application/sdp",
            extra=Headers([("Contact", f"<{call.dialog.local_contact}>")]),
        )
        if request.method == "INVITE":
            self._start_ok_retransmission(call, response, peer)

    def _on_refer_notify(self, call: SipCall, notify: SipRequest) -> None:
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
                self._transfer_done(call, call.refer_status)

    # -- incoming calls: commands -------------------------------------------------------

    def _offered_call(self, ref: int) -> SipCall | None:
        call = self._calls.get(ref)
        return call if call is not None and call.phase == "offered" else None

    def ring(self, ref: int, now: float) -> None:
        """180 Ringing: it creates an early dialog, so it carries our Contact (and the
        INVITE's Record-Route, copied by `make_response`), like the 200 will (§12.1.1)."""
        self._table.now = now
        call = self._offered_call(ref)
        if call is not None and call.invite_tx is not None:
            contact = f"<{self.contact_uri(call.peer.transport)}>"
            self._respond(
                call.invite_tx,
                call.peer,
                call.invite,
                180,
                to_tag=call.local_tag,
                extra=Headers([("Contact", contact)]),
            )

    def reject(self, ref: int, code: int, reason: str | None, now: float) -> None:
        if not 300 <= code <= 699:
            raise ValueError(f"a rejection needs a final status 300-699, not {code}")
        self._table.now = now
        call = self._offered_call(ref)
        if call is None or call.invite_tx is None:
            return
        self._respond(call.invite_tx, call.peer, call.invite, code, reason, to_tag=call.local_tag)
        self._offer_gone(call)

    def can_answer(self, ref: int) -> bool:
        call = self._offered_call(ref)
        return call is not None and call.invite_tx is not None and (
            call.invite_tx.state == "proceeding"
        )

    def answer(self, ref: int, *, media_port: int, now: float) -> SipCall:
        """200 OK with our SDP (the answer, or an offer for a late-offer INVITE), on which
        RTP is already listening at `media_port`. CallFailed if the caller is gone."""
        self._table.now = now
        call = self._offered_call(ref)
        if call is None or call.invite_tx is None or not self.can_answer(ref):
            raise CallFailed("no_answer", 487, "the caller cancelled")
        dialog = Dialog.from_incoming_invite(
            call.invite,
            local_tag=call.local_tag,
            local_contact=self.contact_uri(call.peer.transport),
        )
        call.dialog = dialog
        call.media_port = media_port
        call.session_id = secrets.randbelow(2**31)
        if call.offer is not None:
            call.media = call.offer
            body = build_answer(call.offer, self.host, media_port, session_id=call.session_id)
        else:
            call.awaiting_answer_in_ack = True
            body = self._offer(call)
        self._offered.pop(server_key(call.invite), None)
        self._deadlines.cancel((call, "ring"))
        call.phase = "confirmed"
        self._dialogs[(dialog.call_id, dialog.local_tag)] = call
        source = call.peer
        response = self._respond(
            call.invite_tx,
            source,
            call.invite,
            200,
            to_tag=call.local_tag,
            body=body,
            content_type="application/sdp",
            extra=Headers([("Contact", f"<{dialog.local_contact}>"), *self._capabilities()]),
        )
        call.peer = self._dialog_peer(dialog, source)
        self._start_ok_retransmission(call, response, source)
        return call

    def _offer(self, call: SipCall, direction: Direction = "sendrecv") -> bytes:
        return build_offer(
            self.host,
            call.media_port,
            session_id=call.session_id,
            version=call.sdp_version,
            codecs=self.config.codecs,
            dtmf_payload_type=self.config.dtmf_payload_type,
            direction=direction,
        )

    def _start_ok_retransmission(self, call: SipCall, response: SipResponse, peer: Peer) -> None:
        if peer.transport == "tcp":
            return  # reliable transport: no 2xx retransmission (§13.3.1.4 applies to UDP)
        retransmitter = OkRetransmitter(response, self._now, self.timers)
        call.retransmitter = retransmitter

        def fire() -> None:
            to_send, gave_up = retransmitter.handle_timers(self._now)
            for message in to_send:
                self._send(message, peer)
            if gave_up:
                info = call.info
                log.info("sip: no ACK for 200 OK of %s; ending the call", info and info.call_id)
                self._hangup(call, "network_error")
            else:
                self._deadlines.set((call, "2xx"), retransmitter.next_deadline(), fire)

        self._deadlines.set((call, "2xx"), retransmitter.next_deadline(), fire)

    # -- outgoing calls -----------------------------------------------------------------

    def invite(
        self,
        target: str,
        *,
        media_port: int,
        now: float,
        peer: Peer | None = None,
        caller: str | None = None,
        headers: dict[str, str] | None = None,
        timeout_s: float = 60.0,
    ) -> int:
        """Place a call to `target` with an SDP offer for RTP at `media_port`; returns its
        ref. Ends in CallAnswered or OutgoingCallFailed (no answer within `timeout_s`:
        CANCEL, then no_answer/487). `peer` overrides where the INVITE goes (a resolved
        address); CallFailed when the target, caller or a header would break a SIP line."""
        self._table.now = now
        uri = dial_target(target, caller, headers)
        peer = peer or self.out_of_dialog_peer(uri)
        session_id = secrets.randbelow(2**31)
        from_addr = NameAddr(
            f"sip:{caller or self.config.user}@{self.domain}", self.config.display_name
        ).with_tag(new_tag())
        body = build_offer(
            self.host,
            media_port,
            session_id=session_id,
            codecs=self.config.codecs,
            dtmf_payload_type=self.config.dtmf_payload_type,
        )
        invite = build_request(
            "INVITE",
            str(uri),
            via=self._via(peer.transport),
            from_=str(from_addr),
            to=f"<{uri}>",
            call_id=new_call_id(self.host),
            cseq=1,
            contact=self.contact_uri(peer.transport),
            extra=Headers(
                [
                    ("User-Agent", self.config.user_agent),
                    ("Allow", ALLOW),
                    *(headers or {}).items(),
                ]
            ),
            body=body,
            content_type="application/sdp",
        )
        call = SipCall(
            ref=next(self._refs),
            direction="outbound",
            invite=invite,
            peer=peer,
            local_tag=from_addr.tag,
            phase="calling",
            media_port=media_port,
            session_id=session_id,
        )
        self._calls[call.ref] = call
        self._deadlines.set((call, "answer"), now + timeout_s, lambda: self._no_answer(call))
        self._send_invite(call)
        return call.ref

    def _send_invite(self, call: SipCall) -> None:
        self._dialing[call.ref] = self._table.start_client(
            call.invite,
            call.peer,
            lambda response: self._invite_final(call, response),
            lambda response: self._invite_progress(call, response),
        )

    def _invite_progress(self, call: SipCall, response: SipResponse) -> None:
        if not call.abandoned and response.status > 100:  # 100 Trying is hop-by-hop
            self._events.append(CallProgress(call.ref, response.status, response.reason))

    def _invite_final(self, call: SipCall, response: SipResponse | None) -> None:
        self._dialing.pop(call.ref, None)
        if call.abandoned:
            if response is not None and _is_2xx(response):
                self._ack_and_bye(call, response)  # a 2xx that crossed our CANCEL
            self._fail(call, "no_answer", 487, "no answer before the timeout")
            return
        if response is None:
            self._fail(call, "failed", 408, "no response from the far end")
            return
        if response.status in (401, 407) and call.auth_attempts < MAX_AUTH_ATTEMPTS:
            call.auth_attempts += 1
            retry = self._with_credentials(call.invite, response)
            if retry is not None:
                call.invite = retry
                self._send_invite(call)
                return
        if _is_2xx(response):
            self._established(call, response)
            return
        failure = OutgoingCallFailed.for_status(call.ref, response.status, response.reason)
        self._end_outbound(call)
        self._events.append(failure)

    def _fail(self, call: SipCall, kind: FailureKind, status: int | None, reason: str) -> None:
        """The call is over before it began; tell, unless nobody waits for it any more."""
        if call.phase == "ended":
            return
        self._end_outbound(call)
        if call.timed_out or not call.abandoned:
            self._events.append(OutgoingCallFailed(call.ref, kind, status, reason))

    def _end_outbound(self, call: SipCall) -> None:
        call.phase = "ended"
        self._calls.pop(call.ref, None)
        self._deadlines.cancel((call, "answer"))
        self._deadlines.cancel((call, "cancel"))

    def _established(self, call: SipCall, response: SipResponse) -> None:
        invite = call.invite
        dialog = Dialog.from_invite_response(
            invite, response, local_contact=self.contact_uri(call.peer.transport)
        )
        call.dialog = dialog
        call.info = outbound_call_info(invite)
        call.peer = self._dialog_peer(dialog, call.peer)
        self._deadlines.cancel((call, "answer"))
        self._send_ack(call, invite, dialog, call.peer)
        self._dialogs[(dialog.call_id, dialog.local_tag)] = call
        call.phase = "confirmed"
        call.confirmed = True
        try:
            media = negotiate(parse_sdp(response.body), codecs=self.config.codecs, is_offer=False)
        except SdpError as exc:
            log.info("sip: unusable SDP answer for %s: %s", invite.call_id, exc)
            self._forget(call)
            self._in_dialog(call, "BYE", on_final=ignore_final)
            reason = f"unusable SDP answer: {exc}"
            self._events.append(OutgoingCallFailed(call.ref, "failed", response.status, reason))
            return
        call.media = media
        self._events.append(CallAnswered(call.ref, call.info, media))

    def _send_ack(self, call: SipCall, invite: SipRequest, dialog: Dialog, peer: Peer) -> None:
        ack = dialog.create_request("ACK", via=self._via(peer.transport), cseq=invite.cseq[0])
        for name in ("authorization", "proxy-authorization"):
            value = invite.headers.get(name)
            if value is not None:
                ack.headers.add(name, value)
        key = (invite.call_id, invite.cseq[0])
        self._acks[key] = (ack, peer)
        call.ack_keys.append(key)
        self._send(ack, peer)

    def _ack_and_bye(self, call: SipCall, response: SipResponse) -> None:
        """A 2xx to an INVITE we gave up on is a connected call: ACK it and hang up."""
        dialog = Dialog.from_invite_response(
            call.invite, response, local_contact=self.contact_uri(call.peer.transport)
        )
        self._send_ack(call, call.invite, dialog, call.peer)
        bye = dialog.create_request("BYE", via=self._via(call.peer.transport))

        def done(_: SipResponse | None) -> None:
            for key in call.ack_keys:
                self._acks.pop(key, None)

        self._table.start_client(bye, call.peer, done)

    def _no_answer(self, call: SipCall) -> None:
        if call.phase == "calling":
            call.abandoned = call.timed_out = True
            self._abandon_invite(call)

    def _abandon_invite(self, call: SipCall) -> None:
        """CANCEL our pending INVITE (§9.1): at once if the far end has sent a 1xx, else
        after its first one. If no final response comes within 64*T1, forget it."""
        entry = self._dialing.get(call.ref)
        if entry is None or entry.finished:
            return
        if entry.tx.state == "calling":
            entry.cancel_after_provisional = build_cancel(call.invite)
        else:
            self._table.start_client(build_cancel(call.invite), entry.peer, ignore_final)
        self._deadlines.set(
            (call, "cancel"), self._now + 64 * self.timers.t1, lambda: self._cancel_expired(call)
        )

    def _cancel_expired(self, call: SipCall) -> None:
        entry = self._dialing.pop(call.ref, None)
        if entry is not None:
            entry.finished = True
            self._table.drop_client(entry)
        self._fail(call, "no_answer", 487, "no answer before the timeout")

    def cancel(self, ref: int, now: float) -> None:
        """Give up on an outgoing call nobody waits for any more: CANCEL it while it rings,
        hang it up if it was answered meanwhile. No event follows."""
        self._table.now = now
        call = self._calls.get(ref)
        if call is None or call.direction != "outbound":
            return
        if call.phase == "confirmed":
            self._forget(call)
            self._in_dialog(call, "BYE", on_final=ignore_final)
        elif call.phase == "calling" and not call.abandoned:
            call.abandoned = True
            self._abandon_invite(call)

    # -- in-dialog requests from us -----------------------------------------------------

    def _confirmed_call(self, ref: int) -> SipCall | None:
        call = self._calls.get(ref)
        if call is None or call.phase != "confirmed" or call.dialog is None:
            return None
        return call

    def _in_dialog(
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
        call.peer = peer = self._dialog_peer(dialog, call.peer)  # a re-INVITE may move it
        request = dialog.create_request(
            method, via=self._via(peer.transport), headers=headers, body=body
        )
        challenged = False

        def final(response: SipResponse | None) -> None:
            nonlocal request, challenged
            if response is not None and response.status in (401, 407) and not challenged:
                challenged = True
                retry = self._with_credentials(request, response)
                if retry is not None:
                    dialog.local_seq = retry.cseq[0]
                    request = retry
                    self._table.start_client(retry, peer, final)
                    return
            if method == "INVITE" and _is_2xx(response):
                ack = dialog.create_request(
                    "ACK", via=self._via(peer.transport), cseq=request.cseq[0]
                )
                key = (request.call_id, request.cseq[0])
                self._acks[key] = (ack, peer)
                call.ack_keys.append(key)
                self._send(ack, peer)
            on_final(response)

        self._table.start_client(request, peer, final)

    def _done(self, token: int, call: SipCall, method: str) -> FinalHandler:
        def final(response: SipResponse | None) -> None:
            status = response.status if response is not None else None
            self._events.append(
                RequestDone(token, call.ref, method, status, _is_2xx(response), response)
            )

        return final

    def request(
        self,
        ref: int,
        method: str,
        now: float,
        *,
        headers: Headers | None = None,
        body: bytes = b"",
    ) -> int | None:
        """Any in-dialog request (INFO, OPTIONS, UPDATE, ...): its token, or None when the
        call has no dialog. Ends in RequestDone."""
        self._table.now = now
        call = self._confirmed_call(ref)
        if call is None:
            return None
        token = next(self._tokens)
        self._in_dialog(call, method, headers, body, on_final=self._done(token, call, method))
        return token

    def bye(self, ref: int, now: float) -> int | None:
        """Hang up: the dialog is gone at once, RequestDone follows the BYE's response."""
        self._table.now = now
        call = self._confirmed_call(ref)
        if call is None:
            return None
        token = next(self._tokens)
        self._forget(call)
        self._in_dialog(call, "BYE", on_final=self._done(token, call, "BYE"))
        return token

    def _forget(self, call: SipCall) -> None:
        """The dialog ends: no more in-dialog requests are accepted for it."""
        call.phase = "ended"
        if call.dialog is not None:
            self._dialogs.pop((call.dialog.call_id, call.dialog.local_tag), None)
        self._calls.pop(call.ref, None)
        self._deadlines.cancel((call, "2xx"))
        for key in call.ack_keys:
            self._acks.pop(key, None)
        call.ack_keys.clear()
        if call.refer_waiting:
            self._transfer_done(call, None)

    def _hangup(self, call: SipCall, cause: str) -> None:
        """End a call on our own initiative (no ACK came, unusable SDP): BYE, and tell."""
        self._forget(call)
        self._in_dialog(call, "BYE", on_final=ignore_final)
        self._events.append(DialogEnded(call.ref, cause))

    def reinvite(self, ref: int, *, hold: bool, now: float) -> int | None:
        """Put the far end on hold (sendonly offer) or resume it (sendrecv): a token, or
        None without a dialog. Ends in RequestDone (accepted: a 2xx with a usable answer),
        after MediaChanged(hold=hold) on success."""
        self._table.now = now
        call = self._confirmed_call(ref)
        if call is None:
            return None
        token = next(self._tokens)
        call.sdp_version += 1
        body = self._offer(call, "sendonly" if hold else "sendrecv")

        def final(response: SipResponse | None) -> None:
            accepted = False
            if response is not None and _is_2xx(response):
                try:
                    media = negotiate(
                        parse_sdp(response.body), codecs=self.config.codecs, is_offer=False
                    )
                except SdpError as exc:
                    log.info("sip: unusable SDP in re-INVITE answer of %s: %s",
                             call.invite.call_id, exc)
                else:
                    call.media = media
                    self._events.append(MediaChanged(call.ref, media, hold))
                    accepted = True
            status = response.status if response is not None else None
            self._events.append(RequestDone(token, call.ref, "INVITE", status, accepted, response))

        self._in_dialog(
            call, "INVITE", Headers([("Content-Type", "application/sdp")]), body, on_final=final
        )
        return token

    def refer(self, ref: int, target: str, now: float) -> int | None:
        """Blind transfer: REFER, then follow the NOTIFY sipfrag to a final status. A
        token (ends in TransferDone), or None: no dialog, or a bad target (logged)."""
        self._table.now = now
        call = self._confirmed_call(ref)
        if call is None or call.dialog is None:
            return None
        dialog = call.dialog
        try:
            uri = refer_uri(target, dialog.remote_target)
        except SipParseError as exc:
            log.warning("sip: transfer of %s refused: bad target %r (%s)",
                        dialog.call_id, target[:80], exc)
            return None
        token = next(self._tokens)
        call.refer_token = token
        call.refer_status = None
        call.refer_waiting = False

        def final(response: SipResponse | None) -> None:
            if response is None:
                self._events.append(TransferDone(token, call.ref, None, False))
            elif not _is_2xx(response):
                call.refer_status = response.status  # the refusal's status, for reports
                self._events.append(TransferDone(token, call.ref, response.status, False))
            elif call.refer_status is not None:  # the NOTIFY came before the 202
                self._events.append(
                    TransferDone(token, call.ref, call.refer_status, _ok(call.refer_status))
                )
            elif call.phase != "confirmed":
                self._events.append(TransferDone(token, call.ref, None, False))
            else:
                call.refer_waiting = True
                self._deadlines.set(
                    (call, "refer"),
                    self._now + REFER_WAIT_S,
                    lambda: self._transfer_done(call, None),
                )

        headers = Headers(
            [("Refer-To", f"<{uri}>"), ("Referred-By", f"<{dialog.local_party.uri}>")]
        )
        self._in_dialog(call, "REFER", headers, on_final=final)
        return token

    def _transfer_done(self, call: SipCall, status: int | None) -> None:
        call.refer_waiting = False
        self._deadlines.cancel((call, "refer"))
        if call.refer_token is not None:
            accepted = status is not None and _ok(status)
            self._events.append(TransferDone(call.refer_token, call.ref, status, accepted))

    # -- registration -------------------------------------------------------------------

    def register(self, expires: int | None, now: float) -> int:
        """REGISTER with the proxy/registrar (answering digest challenges); a token that
        ends in RegistrationDone. Once granted, the core refreshes it at half the granted
        time until `stop_refreshing`."""
        self._table.now = now
        if self.proxy is None:
            raise RegistrationFailed(None, "no proxy/registrar configured")
        if self._registration is None:
            registrar = Peer(self.config.proxy_transport, *self.proxy)
            self._registration = Registration(
                self._table,
                registrar=registrar,
                aor=f"sip:{self.config.user}@{self.domain}",
                domain=self.domain,
                call_id=new_call_id(self.host),
                contact=self.contact_uri(registrar.transport),
                via=lambda: self._via(registrar.transport),
                new_tag=new_tag,
                user_agent=self.config.user_agent,
                default_expires=self.config.register_expires,
                credentials=self._with_credentials,
                emit=self._events.append,
                next_token=lambda: next(self._tokens),
            )
        token = next(self._tokens)
        self._registration.register(token, expires)
        return token

    def stop_refreshing(self) -> None:
        if self._registration is not None:
            self._registration.stop()

    # -- the end ------------------------------------------------------------------------

    def shutdown(self, now: float) -> None:
        """Stop: every request still waiting ends as unanswered (its events follow), every
        timer is dropped, nothing more is sent or handled."""
        self._table.now = now
        self.stop_refreshing()
        for ref, entry in list(self._dialing.items()):
            entry.finished = True
            call = self._calls.get(ref)
            if call is not None and (call.timed_out or not call.abandoned):
                self._end_outbound(call)
                self._events.append(
                    OutgoingCallFailed(ref, "failed", None, "the user agent closed")
                )
        self._dialing.clear()
        self._closed = True
        self._table.closed = True
        for entry in self._table.unfinished_clients():
            entry.finished = True
            entry.on_final(None)
        self._table.clear()
        self._deadlines.clear()


def _ok(status: int) -> bool:
    return 200 <= status < 300
