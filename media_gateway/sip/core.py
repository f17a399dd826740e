"""The SIP transaction user as a sans-I/O state machine, in the style of h11 and aioquic.

`SipCore` owns the transactions, the dialogs and every call's SIP state. It never sleeps,
sends or reads a clock. Its user feeds it what arrived (`receive(data, peer, now)`), the
time (`handle_timer(now)` when `next_timer()` comes) and commands (`invite`, `ring`,
`answer`, `reject`, `cancel`, `bye`, `reinvite`, `refer`, `request`, `register`), then
takes what to put on the wire (`datagrams()`) and what happened (`events()`).

This module receives and dispatches; the work is done by its parts over one shared
`core_state.CoreState`: `uas` (calls to us), `uac` (calls we place), `in_dialog` (requests
inside a dialog, both ways), `registration`, and `transaction_table` underneath.
`user_agent.SipUserAgent` is the asyncio adapter (sockets, one loop timer, RTP sessions);
tests wire two cores back to back and move the datagrams between them with a fake clock.
"""

from __future__ import annotations

import contextlib
import logging

from media_gateway.sip.address import NameAddr, SipUri
from media_gateway.sip.call_state import SipCall
from media_gateway.sip.config import SipConfig
from media_gateway.sip.core_state import SUPPORTED, CoreState
from media_gateway.sip.dialog import new_call_id, new_tag
from media_gateway.sip.events import SipEvent
from media_gateway.sip.in_dialog import DialogRequests
from media_gateway.sip.message import (
    Headers,
    SipMessage,
    SipParseError,
    SipRequest,
    SipResponse,
    parse_message,
)
from media_gateway.sip.outcomes import RegistrationFailed
from media_gateway.sip.peer import Datagram, Peer
from media_gateway.sip.registration import Registration
from media_gateway.sip.transaction import ServerInviteTransaction
from media_gateway.sip.uac import OutgoingCalls
from media_gateway.sip.uas import IncomingCalls

log = logging.getLogger(__name__)

_IN_DIALOG_ONLY = ("BYE", "INFO", "NOTIFY", "REFER", "UPDATE")


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
        self.host = host
        self.port = port
        self.proxy = proxy
        self.dropped = 0
        """Malformed messages dropped (for tests and metrics)."""
        self._state = state = CoreState(config, host=host, port=port, proxy=proxy)
        self._uas = IncomingCalls(state)
        self._uac = OutgoingCalls(state)
        self._dialogs = DialogRequests(state)
        self._registration: Registration | None = None

    # -- what it is ---------------------------------------------------------------------

    @property
    def domain(self) -> str:
        return self._state.domain

    def contact_uri(self, transport: str = "udp") -> str:
        return self._state.contact_uri(transport)

    def out_of_dialog_peer(self, target: SipUri) -> Peer:
        """Where a new request to `target` goes: the proxy, else the target's host:port."""
        return self._state.out_of_dialog_peer(target)

    @property
    def accepting(self) -> bool:
        return self._state.accepting and not self._state.closed

    def stop_accepting(self) -> None:
        """Take no more calls: new INVITEs get 503, and so do OPTIONS probes, so a proxy
        (Kamailio's dispatcher) stops sending calls here. Calls in progress go on."""
        self._state.accepting = False

    @property
    def full(self) -> bool:
        """`max_calls` reached: new calls and OPTIONS probes get 503 until one ends."""
        return self._state.full

    @property
    def active_calls(self) -> int:
        """Calls with a dialog (answered, or answering)."""
        return len(self._state.dialogs)

    @property
    def refreshing(self) -> bool:
        """A registration is being kept alive."""
        return self._registration is not None and self._registration.refreshing

    @property
    def registrations(self) -> int:
        """Successful REGISTER transactions so far (refreshes included)."""
        return self._registration.successes if self._registration is not None else 0

    def call(self, ref: int) -> SipCall | None:
        """A call's SIP state (None once it ended)."""
        return self._state.calls.get(ref)

    # -- the I/O interface --------------------------------------------------------------

    def receive(self, data: bytes | SipMessage, peer: Peer, now: float) -> SipMessage | None:
        """Handle one message (bytes as they came, or parsed). Returns the message, or
        None when it was dropped: malformed bytes are logged and counted, never raised."""
        self._state.table.now = now
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
        if self._state.closed:
            return message
        if isinstance(message, SipResponse):
            self._state.table.on_response(message)
        elif isinstance(message, SipRequest):
            self._on_request(message, peer)
        return message

    def handle_timer(self, now: float) -> None:
        """Fire every timer due at `now`."""
        self._state.table.now = now
        while (action := self._state.deadlines.pop_due(now)) is not None:
            action()

    def next_timer(self) -> float | None:
        """When `handle_timer` should be called next (None: no timer is armed)."""
        return self._state.deadlines.next()

    def datagrams(self) -> list[Datagram]:
        """What to send, in order, since the last call."""
        table = self._state.table
        out, table.out = table.out, []
        return out

    def events(self) -> list[SipEvent]:
        """What happened, in order, since the last call."""
        events = self._state.events
        taken = events.copy()
        events.clear()  # the same list: every part appends to it
        return taken

    def _on_request(self, request: SipRequest, peer: Peer) -> None:
        state = self._state
        known = state.table.existing_server(request)
        if request.method == "ACK":
            if known is not None and known[0].state == "completed":  # ACK for a 3xx-6xx
                state.table.absorb(known[0], known[1], request)
            else:  # ACK for a 2xx (a new branch, or the INVITE's for RFC 2543 peers)
                self._uas.on_ack(request)
            return
        if known is not None:  # a retransmission
            state.table.absorb(known[0], known[1], request)
            return
        tx = state.table.new_server(request, peer)
        to_tag = ""
        with contextlib.suppress(SipParseError):
            to_tag = NameAddr.parse(request.headers["to"]).tag
        unsupported = [o for o in request.headers.get_all("require") if o.lower() not in SUPPORTED]
        if unsupported and request.method != "CANCEL":
            # §8.2.2.3: e.g. `Require: 100rel` (PRACK), which we do not implement
            extra = Headers([("Unsupported", ", ".join(unsupported))])
            state.respond(tx, peer, request, 420, to_tag=new_tag(), extra=extra)
        elif request.method == "CANCEL":
            self._uas.on_cancel(request, peer, tx)
        elif to_tag:
            self._dialogs.on_request(request, peer, tx, to_tag)
        elif request.method == "INVITE":
            assert isinstance(tx, ServerInviteTransaction)
            self._uas.on_invite(request, peer, tx)
        elif request.method == "OPTIONS" and self.accepting and not state.full:
            state.respond(tx, peer, request, 200, extra=state.capabilities())
        elif request.method == "OPTIONS":
            extra = Headers([("Retry-After", "60"), *state.capabilities()])
            reason = "Full" if self.accepting else "Not Taking Calls"
            state.respond(tx, peer, request, 503, reason, extra=extra)
        else:
            status = 481 if request.method in _IN_DIALOG_ONLY else 405
            state.respond(tx, peer, request, status, extra=state.capabilities())

    # -- calls to us --------------------------------------------------------------------

    def ring(self, ref: int, now: float) -> None:
        """180 Ringing: it creates an early dialog, so it carries our Contact (and the
        INVITE's Record-Route, copied by `make_response`), like the 200 will (§12.1.1)."""
        self._state.table.now = now
        self._uas.ring(ref)

    def reject(self, ref: int, code: int, reason: str | None, now: float) -> None:
        """A final 300-699 to an offered call (ValueError for any other status)."""
        self._state.table.now = now
        self._uas.reject(ref, code, reason)

    def can_answer(self, ref: int) -> bool:
        return self._uas.can_answer(ref)

    def answer(self, ref: int, *, media_port: int, now: float) -> SipCall:
        """200 OK with our SDP (the answer, or an offer for a late-offer INVITE), on which
        RTP is already listening at `media_port`. CallFailed if the caller is gone."""
        self._state.table.now = now
        return self._uas.answer(ref, media_port)

    # -- calls we place -----------------------------------------------------------------

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
        self._state.table.now = now
        return self._uac.invite(
            target,
            media_port=media_port,
            peer=peer,
            caller=caller,
            headers=headers,
            timeout_s=timeout_s,
        )

    def cancel(self, ref: int, now: float) -> None:
        """Give up on an outgoing call nobody waits for any more: CANCEL it while it rings,
        hang it up if it was answered meanwhile. No event follows."""
        self._state.table.now = now
        self._uac.cancel(ref)

    # -- calls in progress --------------------------------------------------------------

    def request(
        self, ref: int, method: str, now: float, *, headers: Headers | None = None,
        body: bytes = b"",
    ) -> int | None:
        """Any in-dialog request (INFO, OPTIONS, UPDATE, ...): its token, or None when the
        call has no dialog. Ends in RequestDone."""
        self._state.table.now = now
        return self._dialogs.request(ref, method, headers, body)

    def bye(self, ref: int, now: float) -> int | None:
        """Hang up: the dialog is gone at once, RequestDone follows the BYE's response."""
        self._state.table.now = now
        return self._dialogs.bye(ref)

    def reinvite(self, ref: int, *, hold: bool, now: float) -> int | None:
        """Put the far end on hold (sendonly offer) or resume it (sendrecv): a token, or
        None without a dialog. Ends in RequestDone (accepted: a 2xx with a usable answer),
        after MediaChanged(hold=hold) on success."""
        self._state.table.now = now
        return self._dialogs.reinvite(ref, hold)

    def refer(self, ref: int, target: str, now: float, *, wait_s: float | None = None
              ) -> int | None:
        """Blind transfer: REFER, then follow the NOTIFY sipfrag to a final status (for at
        most `wait_s` after the REFER's 2xx, then 408; None: `REFER_WAIT_S`). A token
        (ends in TransferDone), or None: no dialog, or a bad target (logged)."""
        self._state.table.now = now
        return self._dialogs.refer(ref, target, wait_s)

    # -- registration -------------------------------------------------------------------

    def register(self, expires: int | None, now: float) -> int:
        """REGISTER with the proxy/registrar (answering digest challenges); a token that
        ends in RegistrationDone. Once granted, the core refreshes it at half the granted
        time until `stop_refreshing`."""
        state = self._state
        state.table.now = now
        if self.proxy is None:
            raise RegistrationFailed(None, "no proxy/registrar configured")
        if self._registration is None:
            registrar = Peer(self.config.proxy_transport, *self.proxy)
            self._registration = Registration(
                state.table,
                registrar=registrar,
                aor=f"sip:{self.config.user}@{state.domain}",
                domain=state.domain,
                call_id=new_call_id(self.host),
                contact=state.contact_uri(registrar.transport),
                via=lambda: state.via(registrar.transport),
                new_tag=new_tag,
                user_agent=self.config.user_agent,
                default_expires=self.config.register_expires,
                credentials=state.with_credentials,
                emit=state.events.append,
                next_token=lambda: next(state.tokens),
            )
        token = next(state.tokens)
        self._registration.register(token, expires)
        return token

    def stop_refreshing(self) -> None:
        if self._registration is not None:
            self._registration.stop()

    # -- the end ------------------------------------------------------------------------

    def shutdown(self, now: float) -> None:
        """Stop: every request still waiting ends as unanswered (its events follow), every
        timer is dropped, nothing more is sent or handled."""
        state = self._state
        state.table.now = now
        self.stop_refreshing()
        self._uac.abort_all("the user agent closed")
        state.closed = True
        state.table.closed = True
        for entry in state.table.unfinished_clients():
            entry.finished = True
            entry.on_final(None)
        state.table.clear()
        state.deadlines.clear()
