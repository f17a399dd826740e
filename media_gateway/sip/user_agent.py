"""The SIP user agent: answers calls (UAS), places calls (UAC), registers and transfers.

This is the thin asyncio layer that wires the sans-I/O parts together: it owns the
transaction tables, arms one loop timer per pending deadline, and routes every request
to its transaction, dialog or handler. Protocol decisions live in `transaction`,
`dialog`, `auth` and `media_gateway.sdp`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import re
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from media_gateway.call_leg import CallInfo
from media_gateway.rtp.session import RtpSession
from media_gateway.sdp import (
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
    add_credentials,
    build_cancel,
    build_request,
    granted_expiry,
    make_response,
    renew,
)
from media_gateway.sip.config import SipConfig
from media_gateway.sip.dialog import Dialog, new_branch, new_call_id, new_tag
from media_gateway.sip.info_dtmf import parse_info_dtmf
from media_gateway.sip.message import (
    HeaderInjection,
    Headers,
    SipMessage,
    SipParseError,
    SipRequest,
    SipResponse,
    check_header_text,
)
from media_gateway.sip.outcomes import CallFailed, RegistrationFailed, classify_failure
from media_gateway.sip.sip_call_leg import REFER_WAIT_S, RtpMedia, SipCallLeg
from media_gateway.sip.transaction import (
    ClientInviteTransaction,
    ClientNonInviteTransaction,
    ClientTransaction,
    OkRetransmitter,
    ServerInviteTransaction,
    ServerNonInviteTransaction,
    ServerTransaction,
    TransactionOutput,
    client_key,
    server_key,
)
from media_gateway.sip.transport import Peer, SipNetwork

log = logging.getLogger(__name__)

ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY, REFER, UPDATE"
MAX_AUTH_ATTEMPTS = 2
SUPPORTED: frozenset[str] = frozenset()
"""SIP extensions (option tags) we implement, for Require checks."""

_USER = re.compile(r"^[A-Za-z0-9+\-_.!~*'()%]{1,64}$")
"""A user part we put in a From URI ourselves (RFC 3261 unreserved characters)."""
_NUMBER = re.compile(r"^\+?[0-9*#]{1,32}$")
_SAFE_URI_TEXT = re.compile(r"^[A-Za-z0-9+\-_.!~*'()%:@;=\[\]&$,/]+$")

RtpFactory = Callable[[str], Any]
"""async (host) -> RtpMedia; the default opens `media_gateway.rtp.session.RtpSession`."""


class TransactionTimeout(Exception):
    """No final response before timer B/F (the peer is unreachable or silent)."""


async def _open_rtp_session(host: str) -> RtpMedia:
    session: RtpMedia = await RtpSession.open(host, 0)
    return session


@dataclass
class _ClientEntry:
    tx: ClientTransaction
    peer: Peer
    final: asyncio.Future[SipResponse]
    on_provisional: Callable[[SipResponse], None] | None = None
    cancel_after_provisional: SipRequest | None = None
    """A CANCEL held back until the first provisional response (§9.1)."""
    on_final: Callable[[SipResponse], None] | None = None
    """Runs synchronously when the final response arrives, before any other message is
    handled: a 2xx must create its dialog at once, or a BYE right behind it gets 481."""


class IncomingCall:
    """An INVITE waiting for the application: ring it, answer it or reject it."""

    def __init__(
        self,
        ua: SipUserAgent,
        invite: SipRequest,
        peer: Peer,
        tx: ServerInviteTransaction,
        info: CallInfo,
        offer: NegotiatedMedia | None,
    ) -> None:
        self._ua = ua
        self.invite = invite
        self.peer = peer
        self.tx = tx
        self.info = info
        self.offer = offer
        self.local_tag = new_tag()
        self.cancelled = asyncio.Event()
        self._done = False

    def ring(self) -> None:
        """180 Ringing: it creates an early dialog, so it carries our Contact (and the
        INVITE's Record-Route, copied by `make_response`), like the 200 will (§12.1.1)."""
        if not self._done:
            contact = f"<{self._ua.contact_uri(self.peer.transport)}>"
            self._ua._respond(self.tx, self.peer, self.invite, 180, to_tag=self.local_tag,
                              extra=Headers([("Contact", contact)]))

    async def reject(self, code: int = 486, reason: str | None = None) -> None:
        if not 300 <= code <= 699:
            raise ValueError(f"a rejection needs a final status 300-699, not {code}")
        if self._done:
            return
        self._done = True
        self._ua._respond(self.tx, self.peer, self.invite, code, reason, to_tag=self.local_tag)

    async def answer(self) -> SipCallLeg:
        if self._done or self.cancelled.is_set():
            raise CallFailed("no_answer", 487, "the caller cancelled")
        self._done = True
        return await self._ua._answer(self)


class SipUserAgent:
    def __init__(self, config: SipConfig, rtp_factory: RtpFactory | None = None) -> None:
        self.config = config
        self.timers = config.timers
        self._rtp_factory: RtpFactory = rtp_factory or _open_rtp_session
        self._network: SipNetwork | None = None
        self._server_tx: dict[str, tuple[ServerTransaction, Peer]] = {}
        self._client_tx: dict[str, _ClientEntry] = {}
        self._handles: dict[int, asyncio.TimerHandle] = {}
        self._calls: dict[tuple[str, str], SipCallLeg] = {}
        self._pending: dict[str, IncomingCall] = {}
        self._acks: dict[tuple[str, int], tuple[SipRequest, Peer]] = {}
        self._incoming: asyncio.Queue[IncomingCall | None] = asyncio.Queue()
        self._register_task: asyncio.Task[None] | None = None
        self._register_call_id = ""
        self._register_seq = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False
        self._closing = False
        self._accepting = True
        """False once `stop_accepting()`: new INVITEs and OPTIONS probes get 503."""
        self._advertised = "127.0.0.1"
        self.registrations = 0
        """Successful REGISTER transactions so far (refreshes included)."""
        self._proxy: tuple[str, int] | None = None
        """The outbound proxy / trunk, resolved once at start."""

    # -- lifecycle ----------------------------------------------------------------------

    @classmethod
    async def start(
        cls, config: SipConfig, *, rtp_factory: RtpFactory | None = None
    ) -> SipUserAgent:
        ua = cls(config, rtp_factory)
        proxy = config.proxy_address()
        if proxy is not None:
            resolved = await ua._resolve(Peer(config.proxy_transport, *proxy))
            ua._proxy = (resolved.host, resolved.port)
        ua._advertised = ua._pick_advertised_host()
        ua._network = await SipNetwork.open(
            config.host,
            config.port,
            ua._on_message,
            tcp=config.tcp,
            recv_buffer_bytes=config.recv_buffer_bytes,
        )
        return ua

    @property
    def local_port(self) -> int:
        assert self._network is not None
        return self._network.port

    @property
    def dropped_messages(self) -> int:
        return self._network.dropped if self._network else 0

    @property
    def received_messages(self) -> int:
        return self._network.received if self._network else 0

    @property
    def handler_errors(self) -> int:
        return self._network.handler_errors if self._network else 0

    @property
    def tcp_connections(self) -> list[tuple[str, int]]:
        """Remote addresses of the live TCP connections (for health and tests)."""
        return self._network.connections if self._network else []

    @property
    def active_calls(self) -> int:
        return len(self._calls)

    @property
    def advertised_host(self) -> str:
        return self._advertised

    def _pick_advertised_host(self) -> str:
        """The address peers should reach us at: configured, bound, or (when bound to all
        interfaces) the one the kernel would route towards the proxy. No packet is sent."""
        host = self.config.advertised_host or self.config.host
        if host not in ("0.0.0.0", ""):
            return host
        proxy = self._proxy
        probe_target = (proxy[0], proxy[1]) if proxy else ("192.0.2.1", 5060)
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(probe_target)
            return str(s.getsockname()[0])
        return "127.0.0.1"

    @property
    def domain(self) -> str:
        if self.config.domain:
            return self.config.domain
        proxy = self.config.proxy_address()
        return proxy[0] if proxy else self.advertised_host

    def contact_uri(self, transport: str = "udp") -> str:
        uri = f"sip:{self.config.user}@{self.advertised_host}:{self.local_port}"
        return uri + ";transport=tcp" if transport == "tcp" else uri

    def _via(self, transport: str) -> str:
        name = "TCP" if transport == "tcp" else "UDP"
        return (
            f"SIP/2.0/{name} {self.advertised_host}:{self.local_port};branch={new_branch()};rport"
        )

    def incoming(self) -> AsyncIterator[IncomingCall]:
        return self._iterate_incoming()

    def stop_accepting(self) -> None:
        """Take no more calls: new INVITEs get 503, and so do OPTIONS probes, so a proxy
        (Kamailio's dispatcher) stops sending calls here. Calls in progress go on."""
        self._accepting = False

    @property
    def accepting(self) -> bool:
        return self._accepting and not self._closing

    async def _iterate_incoming(self) -> AsyncIterator[IncomingCall]:
        while True:
            call = await self._incoming.get()
            if call is None:
                return
            yield call

    async def close(self) -> None:
        if self._closed or self._closing:
            return
        self._closing = True  # still sending: the unregister and BYEs below must go out
        if self._register_task is not None:
            self._register_task.cancel()
            self._register_task = None
            with contextlib.suppress(Exception):  # unregister, bounded; best effort
                await asyncio.wait_for(self.register(expires=0), 2)
        if self._calls:  # hang up every call at once, bounded: closing must not hang
            byes = [self.bye(leg) for leg in list(self._calls.values())]
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.gather(*byes, return_exceptions=True), 2)
        self._closed = True
        for handle in self._handles.values():
            handle.cancel()
        for task in list(self._tasks):
            task.cancel()
        self._incoming.put_nowait(None)
        if self._network is not None:
            await self._network.close()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- timers and transactions --------------------------------------------------------

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _arm(self, obj: Any, deadline: float | None, callback: Callable[[], None]) -> None:
        handle = self._handles.pop(id(obj), None)
        if handle is not None:
            handle.cancel()
        if deadline is not None and not self._closed:
            self._handles[id(obj)] = asyncio.get_running_loop().call_at(deadline, callback)

    def _send(self, message: SipMessage, peer: Peer) -> None:
        if self._network is not None and not self._closed:
            self._network.send(message, peer)

    def _start_client(
        self,
        request: SipRequest,
        peer: Peer,
        on_provisional: Callable[[SipResponse], None] | None = None,
    ) -> _ClientEntry:
        reliable = peer.transport == "tcp"
        tx: ClientTransaction
        if request.method == "INVITE":
            tx = ClientInviteTransaction(request, reliable=reliable, timers=self.timers)
        else:
            tx = ClientNonInviteTransaction(request, reliable=reliable, timers=self.timers)
        entry = _ClientEntry(tx, peer, asyncio.get_running_loop().create_future(), on_provisional)
        self._client_tx[client_key(request)] = entry
        self._after_client(entry, tx.start(self._now()))
        return entry

    def _after_client(self, entry: _ClientEntry, out: TransactionOutput) -> None:
        for message in out.send:
            self._send(message, entry.peer)
        for message in out.deliver:
            assert isinstance(message, SipResponse)
            if message.status < 200:
                if entry.cancel_after_provisional is not None:
                    cancel, entry.cancel_after_provisional = entry.cancel_after_provisional, None
                    self._start_client(cancel, entry.peer)
                if entry.on_provisional is not None:
                    entry.on_provisional(message)
            elif not entry.final.done():
                if entry.on_final is not None:
                    entry.on_final(message)
                entry.final.set_result(message)
            elif message.status < 300:
                self._resend_ack(message)
        if out.timed_out and not entry.final.done():
            entry.final.set_exception(TransactionTimeout(entry.tx.request.method))
        if entry.tx.terminated:
            self._client_tx.pop(client_key(entry.tx.request), None)
            self._arm(entry.tx, None, lambda: None)
        else:
            self._arm(entry.tx, entry.tx.next_deadline(), lambda: self._client_timer(entry))

    def _client_timer(self, entry: _ClientEntry) -> None:
        self._handles.pop(id(entry.tx), None)
        self._after_client(entry, entry.tx.handle_timers(self._now()))

    async def _request(
        self,
        request: SipRequest,
        peer: Peer,
        on_provisional: Callable[[SipResponse], None] | None = None,
    ) -> SipResponse:
        entry = self._start_client(request, peer, on_provisional)
        return await entry.final

    def _after_server(self, tx: ServerTransaction, peer: Peer, out: TransactionOutput) -> None:
        for message in out.send:
            self._send(message, peer)
        key = server_key(tx.request)
        if tx.terminated:
            self._server_tx.pop(key, None)
            self._pending.pop(key, None)
            self._arm(tx, None, lambda: None)
        else:
            self._arm(tx, tx.next_deadline(), lambda: self._server_timer(tx, peer))

    def _server_timer(self, tx: ServerTransaction, peer: Peer) -> None:
        self._handles.pop(id(tx), None)
        self._after_server(tx, peer, tx.handle_timers(self._now()))

    def _make_response(
        self, request: SipRequest, status: int, reason: str | None = None, **kwargs: Any
    ) -> SipResponse:
        return make_response(request, status, reason, server=self.config.user_agent, **kwargs)

    def _respond(
        self,
        tx: ServerTransaction,
        peer: Peer,
        request: SipRequest,
        status: int,
        reason: str | None = None,
        **kwargs: Any,
    ) -> SipResponse:
        response = self._make_response(request, status, reason, **kwargs)
        self._after_server(tx, peer, tx.respond(response, self._now()))
        return response

    # -- inbound dispatch ---------------------------------------------------------------

    def _on_message(self, message: SipMessage, peer: Peer) -> None:
        if self._closed:
            return
        if isinstance(message, SipResponse):
            self._on_response(message)
        elif isinstance(message, SipRequest):
            self._on_request(message, peer)

    def _on_response(self, response: SipResponse) -> None:
        entry = self._client_tx.get(client_key(response))
        if entry is not None:
            self._after_client(entry, entry.tx.receive(response, self._now()))
        elif response.cseq[1] == "INVITE" and 200 <= response.status < 300:
            self._resend_ack(response)

    def _resend_ack(self, response: SipResponse) -> None:
        """A retransmitted 2xx means our ACK was lost: send it again (§13.2.2.4)."""
        stored = self._acks.get((response.call_id, response.cseq[0]))
        if stored is not None:
            self._send(*stored)

    def _on_request(self, request: SipRequest, peer: Peer) -> None:
        key = server_key(request)
        known = self._server_tx.get(key)
        if request.method == "ACK":
            if known is not None and known[0].state == "completed":  # ACK for a 3xx-6xx
                tx, tx_peer = known
                self._after_server(tx, tx_peer, tx.receive(request, self._now()))
            else:  # ACK for a 2xx (a new branch, or the INVITE's for RFC 2543 peers)
                self._on_ack(request)
            return
        if known is not None:  # a retransmission
            tx, tx_peer = known
            self._after_server(tx, tx_peer, tx.receive(request, self._now()))
            return
        reliable = peer.transport == "tcp"
        tx_new: ServerTransaction
        if request.method == "INVITE":
            tx_new = ServerInviteTransaction(request, reliable=reliable, timers=self.timers)
        else:
            tx_new = ServerNonInviteTransaction(request, reliable=reliable, timers=self.timers)
        self._server_tx[key] = (tx_new, peer)
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
                self._respond(tx_new, peer, request, 503, "Not Taking Calls",
                              extra=Headers([("Retry-After", "60"), *self._capabilities()]))
        else:
            status = 481 if request.method in ("BYE", "INFO", "NOTIFY", "REFER", "UPDATE") else 405
            self._respond(tx_new, peer, request, status, extra=self._capabilities())

    def _capabilities(self) -> Headers:
        return Headers([("Allow", ALLOW), ("Accept", "application/sdp")])

    def _on_invite(self, invite: SipRequest, peer: Peer, tx: ServerInviteTransaction) -> None:
        if not self.accepting:
            self._respond(tx, peer, invite, 503, "Not Taking Calls",
                          extra=Headers([("Retry-After", "60")]))
            return
        if len(self._pending) >= self.config.max_pending_calls:
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
        too_long = self._oversized_x_headers(invite)
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
                self._respond(
                    tx,
                    peer,
                    invite,
                    488,
                    to_tag=new_tag(),
                    extra=Headers([("Warning", f'304 voicebot "{exc}"'[:200])]),
                )
                return
            except SdpError as exc:
                log.info("sip: 400 for %s: bad SDP: %s", invite.call_id, exc)
                self._respond(tx, peer, invite, 400, f"Bad SDP: {exc}"[:100], to_tag=new_tag())
                return
        try:
            caller = NameAddr.parse(invite.headers["from"])
            callee = NameAddr.parse(invite.headers["to"])
        except SipParseError as exc:
            self._respond(tx, peer, invite, 400, f"Bad address: {exc}"[:100], to_tag=new_tag())
            return
        params = {
            "sip.request_uri": invite.uri,
            "sip.from": invite.headers["from"],
            "sip.to": invite.headers["to"],
        }
        for name, value in invite.headers:
            if name.lower().startswith("x-"):
                params[name] = value
        info = CallInfo(
            call_id=invite.call_id,
            direction="inbound",
            caller=caller.user or caller.uri,
            callee=callee.user or callee.uri,
            transport="sip",
            params=params,
        )
        call = IncomingCall(self, invite, peer, tx, info, offer)
        self._pending[server_key(invite)] = call
        self._incoming.put_nowait(call)
        asyncio.get_running_loop().call_later(self.config.ring_timeout_s, self._ring_timeout, call)

    def _oversized_x_headers(self, invite: SipRequest) -> str | None:
        """`X-` headers become call variables: the caller chooses them, so they are
        bounded in number and length (the reason phrase for a 400, or None)."""
        extra = [(n, v) for n, v in invite.headers if n.lower().startswith("x-")]
        if len(extra) > self.config.max_x_headers:
            return f"Too Many X- Headers (over {self.config.max_x_headers})"
        for name, value in extra:
            if len(value) > self.config.max_x_header_chars:
                return f"Header Too Long ({name[:40]} over {self.config.max_x_header_chars})"
        return None

    def _ring_timeout(self, call: IncomingCall) -> None:
        """Nobody answered or rejected in time: 480, so the caller is not left ringing."""
        if not call._done and not self._closed and call.tx.state == "proceeding":
            call._done = True
            self._pending.pop(server_key(call.invite), None)
            self._respond(call.tx, call.peer, call.invite, 480, to_tag=call.local_tag)

    def _on_cancel(self, cancel: SipRequest, peer: Peer, tx: ServerTransaction) -> None:
        invite_key = server_key(SipRequest(method="INVITE", uri=cancel.uri, headers=cancel.headers))
        pending = self._pending.pop(invite_key, None)
        if pending is None:
            self._respond(tx, peer, cancel, 481)
            return
        self._respond(tx, peer, cancel, 200, to_tag=pending.local_tag)  # §9.2: the same tag
        pending.cancelled.set()
        if pending.tx.state == "proceeding" and not pending._done:
            pending._done = True
            self._respond(pending.tx, pending.peer, pending.invite, 487, to_tag=pending.local_tag)

    async def _answer(self, call: IncomingCall) -> SipCallLeg:
        rtp: RtpMedia = await self._rtp_factory(self.config.rtp_host or self.config.host)
        if call.cancelled.is_set() or call.tx.state != "proceeding":
            await rtp.close()
            raise CallFailed("no_answer", 487, "the caller cancelled")
        transport = call.peer.transport
        dialog = Dialog.from_incoming_invite(
            call.invite, local_tag=call.local_tag, local_contact=self.contact_uri(transport)
        )
        leg = SipCallLeg(
            self, info=call.info, dialog=dialog, rtp=rtp, peer=self._dialog_peer(dialog, call.peer)
        )
        leg.session_id = secrets.randbelow(2**31)
        host = self.advertised_host
        if call.offer is not None:
            leg.apply_media(call.offer)
            body = build_answer(call.offer, host, rtp.local_port, session_id=leg.session_id)
        else:
            leg.awaiting_answer_in_ack = True
            body = self._offer(leg)
        self._calls[(dialog.call_id, dialog.local_tag)] = leg
        self._pending.pop(server_key(call.invite), None)
        response = self._respond(
            call.tx,
            call.peer,
            call.invite,
            200,
            to_tag=call.local_tag,
            body=body,
            content_type="application/sdp",
            extra=Headers([("Contact", f"<{dialog.local_contact}>"), *self._capabilities()]),
        )
        self._start_ok_retransmission(leg, response, call.peer)
        leg.start_media()
        return leg

    def _offer(self, leg: SipCallLeg) -> bytes:
        return build_offer(
            self.advertised_host,
            leg.rtp.local_port,
            session_id=leg.session_id,
            version=leg.sdp_version,
            codecs=self.config.codecs,
            dtmf_payload_type=self.config.dtmf_payload_type,
        )

    def _start_ok_retransmission(self, leg: SipCallLeg, response: SipResponse, peer: Peer) -> None:
        if peer.transport == "tcp":
            return  # reliable transport: no 2xx retransmission (§13.3.1.4 applies to UDP)
        retransmitter = OkRetransmitter(response, self._now(), self.timers)
        leg.retransmitter = retransmitter

        def fire() -> None:
            self._handles.pop(id(retransmitter), None)
            to_send, gave_up = retransmitter.handle_timers(self._now())
            for message in to_send:
                self._send(message, peer)
            if gave_up:
                log.info("sip: no ACK for 200 OK of %s; ending the call", leg.info.call_id)
                self._spawn(self.bye(leg, cause="network_error"))
            else:
                self._arm(retransmitter, retransmitter.next_deadline(), fire)

        self._arm(retransmitter, retransmitter.next_deadline(), fire)

    def _on_ack(self, ack: SipRequest) -> None:
        to_tag = ""
        with contextlib.suppress(SipParseError):
            to_tag = NameAddr.parse(ack.headers["to"]).tag
        leg = self._calls.get((ack.call_id, to_tag))
        if leg is None:
            return
        if leg.retransmitter is not None:
            leg.retransmitter.ack()
            self._arm(leg.retransmitter, None, lambda: None)
        leg.confirmed.set()
        if leg.awaiting_answer_in_ack:
            leg.awaiting_answer_in_ack = False
            if ack.body:
                try:
                    leg.apply_media(
                        negotiate(parse_sdp(ack.body), codecs=self.config.codecs, is_offer=False)
                    )
                except SdpError as exc:
                    log.info("sip: unusable SDP answer in ACK of %s: %s", ack.call_id, exc)
                    self._spawn(self.bye(leg, cause="network_error"))

    def _on_in_dialog(
        self, request: SipRequest, peer: Peer, tx: ServerTransaction, to_tag: str
    ) -> None:
        leg = self._calls.get((request.call_id, to_tag))
        if leg is None or leg.ended:
            self._respond(tx, peer, request, 481)
            return
        if not leg.dialog.accept_remote_request(request):
            self._respond(tx, peer, request, 500, "CSeq out of order")
            return
        method = request.method
        if method == "BYE":
            self._respond(tx, peer, request, 200)
            self._forget(leg)
            self._spawn(leg.finish("caller_hangup"))
        elif method == "INVITE" or (method == "UPDATE" and request.body):
            self._on_reinvite(leg, request, peer, tx)
        elif method == "INFO":
            digit = parse_info_dtmf(request.content_type, request.body)
            self._respond(tx, peer, request, 200)
            if digit is not None:
                leg.push_dtmf(digit)
        elif method == "NOTIFY":
            self._respond(tx, peer, request, 200)
            self._on_refer_notify(leg, request)
        elif method in ("OPTIONS", "UPDATE"):
            self._respond(tx, peer, request, 200, extra=self._capabilities())
        else:
            self._respond(tx, peer, request, 405, extra=self._capabilities())

    def _on_reinvite(
        self, leg: SipCallLeg, request: SipRequest, peer: Peer, tx: ServerTransaction
    ) -> None:
        """Hold/resume, address changes and session refresh (re-INVITE or UPDATE)."""
        if request.body:
            try:
                media = negotiate(parse_sdp(request.body), codecs=self.config.codecs, is_offer=True)
            except SdpError as exc:
                self._respond(
                    tx,
                    peer,
                    request,
                    488,
                    extra=Headers([("Warning", f'304 voicebot "{exc}"'[:200])]),
                )
                return
            if media != leg.media:
                leg.sdp_version += 1
            leg.apply_media(media)
            body = build_answer(
                media,
                self.advertised_host,
                leg.rtp.local_port,
                session_id=leg.session_id,
                version=leg.sdp_version,
            )
        else:
            leg.awaiting_answer_in_ack = request.method == "INVITE"
            body = self._offer(leg)
        response = self._respond(
            tx,
            peer,
            request,
            200,
            body=body,
            content_type="application/sdp",
            extra=Headers([("Contact", f"<{leg.dialog.local_contact}>")]),
        )
        if request.method == "INVITE":
            self._start_ok_retransmission(leg, response, peer)

    def _on_refer_notify(self, leg: SipCallLeg, notify: SipRequest) -> None:
        if not notify.content_type.startswith("message/sipfrag") or leg.refer_result is None:
            return
        line = notify.body.decode("utf-8", "replace").strip().splitlines()[:1]
        parts = line[0].split() if line else []
        if len(parts) >= 2 and parts[1].isdigit():
            status = int(parts[1])
            if status >= 200 and not leg.refer_result.done():
                leg.refer_result.set_result(status)

    def _forget(self, leg: SipCallLeg) -> None:
        self._calls.pop((leg.dialog.call_id, leg.dialog.local_tag), None)
        if leg.retransmitter is not None:
            self._arm(leg.retransmitter, None, lambda: None)
        for key in [k for k in self._acks if k[0] == leg.dialog.call_id]:
            del self._acks[key]

    def _dialog_peer(self, dialog: Dialog, fallback: Peer) -> Peer:
        """Where in-dialog requests go (RFC 3261 §12.2.1.1, RFC 3263): the outbound proxy
        when one is configured, else the first Route of the route set, else the remote
        target, with the transport its URI names. The transport layer reuses a live TCP
        connection to that address (including the one the peer opened to us, RFC 5923),
        and opens a new one when it is gone: never the peer's old ephemeral port."""
        proxy = self._proxy
        if proxy is not None:
            return Peer(self.config.proxy_transport, *proxy)
        try:
            hop = dialog.next_hop()
        except SipParseError:
            return fallback
        host, port = hop.address()
        return Peer("tcp" if hop.transport == "tcp" else "udp", host, port)

    # -- in-dialog requests from us -----------------------------------------------------

    async def _in_dialog_request(
        self, leg: SipCallLeg, method: str, headers: Headers | None = None, body: bytes = b""
    ) -> SipResponse:
        leg.peer = self._dialog_peer(leg.dialog, leg.peer)  # a re-INVITE may move the target
        request = leg.dialog.create_request(
            method, via=self._via(leg.peer.transport), headers=headers, body=body
        )
        response = await self._request(request, leg.peer)
        if response.status in (401, 407):  # trunks often challenge BYE and re-INVITE too
            self._renew(request)
            leg.dialog.local_seq = request.cseq[0]
            if self._authorize(request, response):
                response = await self._request(request, leg.peer)
        if method == "INVITE" and 200 <= response.status < 300:
            ack = leg.dialog.create_request(
                "ACK", via=self._via(leg.peer.transport), cseq=request.cseq[0]
            )
            self._acks[(request.call_id, request.cseq[0])] = (ack, leg.peer)
            self._send(ack, leg.peer)
        return response

    async def reinvite(self, leg: SipCallLeg, *, hold: bool) -> bool:
        """Put the far end on hold (sendonly offer) or resume it (sendrecv); True on 2xx."""
        if leg.ended:
            return False
        leg.sdp_version += 1
        body = build_offer(
            self.advertised_host,
            leg.rtp.local_port,
            session_id=leg.session_id,
            version=leg.sdp_version,
            codecs=self.config.codecs,
            dtmf_payload_type=self.config.dtmf_payload_type,
            direction="sendonly" if hold else "sendrecv",
        )
        try:
            response = await self._in_dialog_request(
                leg, "INVITE", Headers([("Content-Type", "application/sdp")]), body
            )
        except TransactionTimeout:
            return False
        if not 200 <= response.status < 300:
            return False
        try:
            media = negotiate(parse_sdp(response.body), codecs=self.config.codecs, is_offer=False)
        except SdpError as exc:
            log.info("sip: unusable SDP in re-INVITE answer of %s: %s", leg.info.call_id, exc)
            return False
        leg.apply_media(media)
        if hold:  # we stop sending too: a held party hears the far end's music, not us
            leg.rtp.set_hold(True)
        return True

    async def bye(self, leg: SipCallLeg, cause: str = "robot_hangup") -> None:
        """End a call from our side: BYE, then stop media. Bounded by timer F."""
        if leg.ended:
            return
        self._forget(leg)
        finishing = asyncio.get_running_loop().create_task(leg.finish(cause))
        try:
            await self._in_dialog_request(leg, "BYE")
        except TransactionTimeout:
            log.info("sip: BYE of %s got no answer", leg.info.call_id)
        finally:
            await finishing

    def _refer_target(self, leg: SipCallLeg, target: str) -> SipUri | None:
        """The Refer-To URI: a SIP/tel URI as given, or a number at the far end's host
        (who places the new call). None for anything else (logged): a line break or a
        stray `>` in a target must never reach the header."""
        text = target.strip().removeprefix("<").removesuffix(">")
        try:
            if _NUMBER.match(text):
                host = SipUri.parse(leg.dialog.remote_target).host
                return SipUri.parse(f"sip:{text}@{host}")
            uri = SipUri.parse(text)
            if not _SAFE_URI_TEXT.match(str(uri)):
                raise SipParseError("characters that need escaping")
            return uri
        except SipParseError as exc:
            log.warning("sip: transfer of %s refused: bad target %r (%s)",
                        leg.info.call_id, target[:80], exc)
            return None

    async def refer(self, leg: SipCallLeg, target: str) -> bool:
        """Blind transfer: REFER, then follow the NOTIFY sipfrag to a final status."""
        uri = self._refer_target(leg, target)
        if uri is None:
            return False
        loop = asyncio.get_running_loop()
        leg.refer_result = loop.create_future()
        refer_to = f"<{uri}>"
        headers = Headers(
            [
                ("Refer-To", refer_to),
                ("Referred-By", f"<{leg.dialog.local_party.uri}>"),
            ]
        )
        try:
            response = await self._in_dialog_request(leg, "REFER", headers)
        except TransactionTimeout:
            return False
        if not 200 <= response.status < 300:
            leg.refer_result.set_result(response.status)  # the refusal's status, for reports
            return False
        try:
            status = await asyncio.wait_for(asyncio.shield(leg.refer_result), REFER_WAIT_S)
        except TimeoutError:
            return False
        if 200 <= status < 300:
            await self.bye(leg, cause="transferred")
            return True
        return False

    # -- outgoing calls -----------------------------------------------------------------

    def _out_of_dialog_peer(self, target: SipUri) -> Peer:
        proxy = self._proxy
        if proxy is not None:
            return Peer(self.config.proxy_transport, *proxy)
        host, port = target.address()
        return Peer("tcp" if target.transport == "tcp" else "udp", host, port)

    async def _resolve(self, peer: Peer) -> Peer:
        """Resolve a host name once, off the event loop (sendto would block on DNS).
        SRV/NAPTR lookups are not done: trunks are configured as HOST:PORT."""
        try:
            ipaddress.ip_address(peer.host)
            return peer
        except ValueError:
            pass
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                peer.host, peer.port, family=socket.AF_INET, type=socket.SOCK_DGRAM
            )
        except OSError as exc:
            raise CallFailed("failed", None, f"cannot resolve {peer.host}: {exc}") from None
        return Peer(peer.transport, str(infos[0][4][0]), peer.port)

    def _authorize(self, request: SipRequest, response: SipResponse) -> bool:
        """Add credentials for a 401/407 challenge; False when we cannot answer it."""
        if self.config.password is None:
            return False
        return add_credentials(
            request,
            response,
            username=self.config.auth_username or self.config.user,
            password=self.config.password,
        )

    def _renew(self, request: SipRequest) -> None:
        renew(request, self._via("tcp" if "/TCP " in request.top_via.upper() else "udp"))

    async def call(
        self,
        uri: str,
        *,
        caller: str | None = None,
        headers: dict[str, str] | None = None,
        timeout_s: float = 60,
    ) -> SipCallLeg:
        """Place a call; returns once answered, or raises CallFailed(kind, status). A
        target, caller or header that would break a SIP line is refused before sending."""
        try:
            target = SipUri.parse(uri)
            if caller is not None and not _USER.match(caller):
                raise SipParseError(f"caller {caller[:40]!r} is not a SIP user name")
            for name, value in (headers or {}).items():
                check_header_text(name, "a header name")
                check_header_text(value, f"header {name[:40]}")
        except (SipParseError, HeaderInjection) as exc:
            raise CallFailed("failed", None, str(exc)) from None
        peer = await self._resolve(self._out_of_dialog_peer(target))
        rtp: RtpMedia = await self._rtp_factory(self.config.rtp_host or self.config.host)
        try:
            return await self._invite(target, peer, rtp, caller, headers or {}, timeout_s)
        except BaseException:
            await rtp.close()
            raise

    async def _invite(
        self,
        target: SipUri,
        peer: Peer,
        rtp: RtpMedia,
        caller: str | None,
        extra: dict[str, str],
        timeout_s: float,
    ) -> SipCallLeg:
        loop = asyncio.get_running_loop()
        session_id = secrets.randbelow(2**31)
        from_addr = NameAddr(
            f"sip:{caller or self.config.user}@{self.domain}", self.config.display_name
        ).with_tag(new_tag())
        body = build_offer(
            self.advertised_host,
            rtp.local_port,
            session_id=session_id,
            codecs=self.config.codecs,
            dtmf_payload_type=self.config.dtmf_payload_type,
        )
        invite = build_request(
            "INVITE",
            str(target),
            via=self._via(peer.transport),
            from_=str(from_addr),
            to=f"<{target}>",
            call_id=new_call_id(self.advertised_host),
            cseq=1,
            contact=self.contact_uri(peer.transport),
            extra=Headers(
                [("User-Agent", self.config.user_agent), ("Allow", ALLOW), *extra.items()]
            ),
            body=body,
            content_type="application/sdp",
        )
        deadline = loop.time() + timeout_s
        abandoned = False
        outcome: list[SipCallLeg | CallFailed] = []

        def on_final(response: SipResponse) -> None:
            if not abandoned and 200 <= response.status < 300:
                try:
                    outcome.append(self._established(invite, response, peer, rtp, session_id))
                except CallFailed as failure:
                    outcome.append(failure)

        for attempt in range(MAX_AUTH_ATTEMPTS + 1):
            entry = self._start_client(invite, peer)
            entry.on_final = on_final
            try:
                response = await asyncio.wait_for(
                    asyncio.shield(entry.final), max(0.0, deadline - loop.time())
                )
            except TimeoutError:
                if outcome and isinstance(outcome[0], SipCallLeg):
                    return outcome[0]  # answered just as the timeout fired
                abandoned = True
                response = await self._cancel_and_wait(invite, entry)
                if 200 <= response.status < 300:
                    await self._ack_and_bye(invite, response, peer)
                raise CallFailed("no_answer", 487, "no answer before the timeout") from None
            except TransactionTimeout:
                raise CallFailed("failed", 408, "no response from the far end") from None
            except asyncio.CancelledError:
                abandoned = True
                if outcome and isinstance(outcome[0], SipCallLeg):
                    self._spawn(self.bye(outcome[0]))  # answered before we noticed
                else:
                    self._send_cancel(invite, entry)
                    self._spawn(self._after_cancel(invite, entry, peer))
                raise
            if response.status in (401, 407) and attempt < MAX_AUTH_ATTEMPTS:
                self._renew(invite)
                if self._authorize(invite, response):
                    continue
            if 200 <= response.status < 300:
                result = outcome[0]
                if isinstance(result, CallFailed):
                    raise result
                return result
            raise CallFailed(classify_failure(response.status), response.status, response.reason)
        raise CallFailed("failed", None, "authentication loop")

    async def _cancel_and_wait(self, invite: SipRequest, entry: _ClientEntry) -> SipResponse:
        """CANCEL a pending INVITE (§9.1) and wait for its final response (487, or a 2xx
        that crossed the CANCEL)."""
        self._send_cancel(invite, entry)
        try:
            return await asyncio.wait_for(asyncio.shield(entry.final), 64 * self.timers.t1)
        except (TimeoutError, TransactionTimeout):
            return self._make_response(invite, 487)

    async def _after_cancel(self, invite: SipRequest, entry: _ClientEntry, peer: Peer) -> None:
        """A 2xx that crossed our CANCEL is a connected call: ACK it and hang up."""
        response = await self._cancel_and_wait(invite, entry)
        if 200 <= response.status < 300:
            await self._ack_and_bye(invite, response, peer)

    def _send_cancel(self, invite: SipRequest, entry: _ClientEntry) -> None:
        """Synchronous, so it still goes out when the caller is being cancelled itself."""
        if entry.final.done():
            return
        if entry.tx.state == "calling":  # nothing heard yet: §9.1 says wait for a 1xx
            entry.cancel_after_provisional = build_cancel(invite)
        else:
            self._start_client(build_cancel(invite), entry.peer)

    def _send_ack(
        self, invite: SipRequest, response: SipResponse, dialog: Dialog, peer: Peer
    ) -> None:
        ack = dialog.create_request("ACK", via=self._via(peer.transport), cseq=invite.cseq[0])
        for name in ("authorization", "proxy-authorization"):
            value = invite.headers.get(name)
            if value is not None:
                ack.headers.add(name, value)
        self._acks[(invite.call_id, invite.cseq[0])] = (ack, peer)
        self._send(ack, peer)

    async def _ack_and_bye(self, invite: SipRequest, response: SipResponse, peer: Peer) -> None:
        dialog = Dialog.from_invite_response(
            invite, response, local_contact=self.contact_uri(peer.transport)
        )
        self._send_ack(invite, response, dialog, peer)
        request = dialog.create_request("BYE", via=self._via(peer.transport))
        with contextlib.suppress(TransactionTimeout):
            await self._request(request, peer)

    def _established(
        self, invite: SipRequest, response: SipResponse, peer: Peer, rtp: RtpMedia, session_id: int
    ) -> SipCallLeg:
        dialog = Dialog.from_invite_response(
            invite, response, local_contact=self.contact_uri(peer.transport)
        )
        to = NameAddr.parse(invite.headers["to"])
        info = CallInfo(
            call_id=invite.call_id,
            direction="outbound",
            caller=NameAddr.parse(invite.headers["from"]).user,
            callee=to.user or to.uri,
            transport="sip",
            params={"sip.request_uri": invite.uri},
        )
        leg = SipCallLeg(
            self, info=info, dialog=dialog, rtp=rtp, peer=self._dialog_peer(dialog, peer)
        )
        leg.session_id = session_id
        self._send_ack(invite, response, dialog, leg.peer)
        self._calls[(dialog.call_id, dialog.local_tag)] = leg
        leg.confirmed.set()
        try:
            leg.apply_media(
                negotiate(parse_sdp(response.body), codecs=self.config.codecs, is_offer=False)
            )
        except SdpError as exc:
            log.info("sip: unusable SDP answer for %s: %s", invite.call_id, exc)
            self._spawn(self.bye(leg, cause="network_error"))
            raise CallFailed("failed", response.status, f"unusable SDP answer: {exc}") from None
        leg.start_media()
        return leg

    # -- registration -------------------------------------------------------------------

    async def register(self, expires: int | None = None) -> int:
        """REGISTER with the proxy/registrar; keeps it refreshed until close().
        Returns the granted expiry in seconds."""
        proxy = self._proxy
        if proxy is None:
            raise RegistrationFailed(None, "no proxy/registrar configured")
        peer = Peer(self.config.proxy_transport, *proxy)
        wanted = self.config.register_expires if expires is None else expires
        if not self._register_call_id:
            self._register_call_id = new_call_id(self.advertised_host)
        aor = f"sip:{self.config.user}@{self.domain}"
        self._register_seq += 1
        request = build_request(
            "REGISTER",
            f"sip:{self.domain}",
            via=self._via(peer.transport),
            from_=f"<{aor}>;tag={new_tag()}",
            to=f"<{aor}>",
            call_id=self._register_call_id,
            cseq=self._register_seq,
            contact=self.contact_uri(peer.transport),
            extra=Headers([("Expires", str(wanted)), ("User-Agent", self.config.user_agent)]),
        )
        for attempt in range(MAX_AUTH_ATTEMPTS + 1):
            try:
                response = await self._request(request, peer)
            except TransactionTimeout:
                raise RegistrationFailed(None, "no response from the registrar") from None
            if response.status in (401, 407) and attempt < MAX_AUTH_ATTEMPTS:
                self._renew(request)
                self._register_seq = request.cseq[0]
                if self._authorize(request, response):
                    continue
            if not 200 <= response.status < 300:
                raise RegistrationFailed(response.status, response.reason)
            granted = granted_expiry(response, wanted)
            self.registrations += 1
            if wanted > 0 and self._register_task is None:
                self._register_task = asyncio.get_running_loop().create_task(
                    self._refresh_registration(granted)
                )
            return granted
        raise RegistrationFailed(None, "authentication loop")

    async def _refresh_registration(self, granted: int) -> None:
        """Re-register before expiry (at half the granted time, at least 1 s)."""
        while True:
            await asyncio.sleep(max(1.0, granted / 2))
            try:
                granted = await self.register()
            except RegistrationFailed as exc:
                log.warning("sip: registration refresh failed: %s", exc)
                granted = 60
