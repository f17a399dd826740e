"""The SIP user agent: answers calls (UAS), places calls (UAC), registers and transfers.

This is the thin asyncio adapter around the sans-I/O `SipCore`: it owns the sockets
(`transport.SipNetwork`), one loop timer set from `core.next_timer()`, and the RTP
sessions; it turns commands into core calls and core events into futures, `IncomingCall`s
and `SipCallLeg`s. Every protocol decision is the core's.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from media_gateway.call_leg import CallInfo
from media_gateway.rtp.session import RtpSession
from media_gateway.sdp import NegotiatedMedia
from media_gateway.sip.checks import dial_target
from media_gateway.sip.config import SipConfig
from media_gateway.sip.core import SipCore
from media_gateway.sip.events import (
    CallAnswered,
    CallCancelled,
    CallOffered,
    DialogEnded,
    DtmfReceived,
    MediaChanged,
    OutgoingCallFailed,
    RegistrationDone,
    RequestDone,
    SipEvent,
    TransferDone,
    TransferRequested,
)
from media_gateway.sip.message import Headers, SipMessage, SipRequest, SipResponse
from media_gateway.sip.outcomes import CallFailed, RegistrationFailed
from media_gateway.sip.peer import Peer
from media_gateway.sip.sip_call_leg import RtpMedia, SipCallLeg
from media_gateway.sip.transport import SipNetwork

log = logging.getLogger(__name__)

RtpFactory = Callable[[str], Any]
"""async (host) -> RtpMedia; the default opens `media_gateway.rtp.session.RtpSession`."""
CLOSE_BOUND_S = 2.0
"""How long `close()` waits for the unregister, then for the BYEs."""


async def _open_rtp_session(host: str) -> RtpMedia:
    session: RtpMedia = await RtpSession.open(host, 0)
    return session


@dataclass
class _Dialing:
    """A `call()` waiting for its INVITE's outcome."""

    answered: asyncio.Future[SipCallLeg]
    rtp: RtpMedia


class IncomingCall:
    """An INVITE waiting for the application: ring it, answer it or reject it."""

    def __init__(self, ua: SipUserAgent, offered: CallOffered) -> None:
        self._ua = ua
        self.ref = offered.ref
        self.invite: SipRequest = offered.invite
        self.peer: Peer = offered.peer
        self.info: CallInfo = offered.info
        self.offer: NegotiatedMedia | None = offered.offer
        self.local_tag = offered.local_tag
        self.cancelled = asyncio.Event()
        """Set when the caller went away (CANCEL) or nobody answered in time (480)."""
        self._done = False

    def ring(self) -> None:
        """180 Ringing (with our Contact: it creates an early dialog)."""
        if not self._done:
            self._ua._command(lambda core, now: core.ring(self.ref, now))

    async def reject(self, code: int = 486, reason: str | None = None) -> None:
        if not 300 <= code <= 699:
            raise ValueError(f"a rejection needs a final status 300-699, not {code}")
        if self._done:
            return
        self._done = True
        self._ua._offers.pop(self.ref, None)
        self._ua._command(lambda core, now: core.reject(self.ref, code, reason, now))

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
        self._core: SipCore | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at: float | None = None
        self._legs: dict[int, SipCallLeg] = {}
        self._offers: dict[int, IncomingCall] = {}
        self._dialing: dict[int, _Dialing] = {}
        self._waiting: dict[int, asyncio.Future[SipEvent]] = {}
        """Futures of the requests we started, by the core's token."""
        self._incoming: asyncio.Queue[IncomingCall | None] = asyncio.Queue()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False
        self._closing = False
        self._advertised = "127.0.0.1"
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
            ua._on_data,
            tcp=config.tcp,
            recv_buffer_bytes=config.recv_buffer_bytes,
        )
        ua._core = SipCore(config, host=ua._advertised, port=ua._network.port, proxy=ua._proxy)
        return ua

    @property
    def core(self) -> SipCore:
        """The protocol state machine this adapter drives."""
        assert self._core is not None, "SipUserAgent.start() first"
        return self._core

    @property
    def local_port(self) -> int:
        assert self._network is not None
        return self._network.port

    @property
    def dropped_messages(self) -> int:
        return self._core.dropped if self._core else 0

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
        return self._core.active_calls if self._core else 0

    @property
    def registrations(self) -> int:
        """Successful REGISTER transactions so far (refreshes included)."""
        return self._core.registrations if self._core else 0

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
        return self.core.domain

    def contact_uri(self, transport: str = "udp") -> str:
        return self.core.contact_uri(transport)

    def incoming(self) -> AsyncIterator[IncomingCall]:
        return self._iterate_incoming()

    def stop_accepting(self) -> None:
        """Take no more calls: new INVITEs get 503, and so do OPTIONS probes, so a proxy
        (Kamailio's dispatcher) stops sending calls here. Calls in progress go on."""
        self.core.stop_accepting()

    @property
    def accepting(self) -> bool:
        return self.core.accepting and not self._closing

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
        core = self._core
        if core is not None:
            core.stop_accepting()
            if core.refreshing:
                core.stop_refreshing()
                with contextlib.suppress(Exception):  # unregister, bounded; best effort
                    await asyncio.wait_for(self.register(expires=0), CLOSE_BOUND_S)
        if self._legs:  # hang up every call at once, bounded: closing must not hang
            byes = [self.bye(leg) for leg in list(self._legs.values())]
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    asyncio.gather(*byes, return_exceptions=True), CLOSE_BOUND_S
                )
        if core is not None:  # whatever still waits ends now, as unanswered
            core.shutdown(self._now())
            self._service()
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for task in list(self._tasks):
            task.cancel()
        self._incoming.put_nowait(None)
        if self._network is not None:
            await self._network.close()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- driving the core ---------------------------------------------------------------

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _on_data(self, data: bytes, peer: Peer) -> SipMessage | None:
        """Everything the network receives goes to the core, then its output goes out."""
        if self._closed or self._core is None:
            return None
        try:
            return self._core.receive(data, peer, self._now())
        finally:
            self._service()

    def _command(self, command: Callable[[SipCore, float], Any]) -> Any:
        """Run one core command now, then send and dispatch what it produced."""
        try:
            return command(self.core, self._now())
        finally:
            self._service()

    def _service(self) -> None:
        """Put the core's datagrams on the wire, dispatch its events, re-arm the timer."""
        core = self._core
        network = self._network
        if core is None:
            return
        while True:
            datagrams = core.datagrams()
            events = core.events()
            if not datagrams and not events:
                break
            if network is not None and not self._closed:
                for datagram in datagrams:
                    network.send(datagram.data, datagram.peer)
            for event in events:
                self._dispatch(event)
        deadline = None if self._closed else core.next_timer()
        if deadline == self._timer_at:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._timer_at = deadline
        if deadline is not None:
            self._timer = asyncio.get_running_loop().call_at(deadline, self._on_timer)

    def _on_timer(self) -> None:
        due = self._timer_at if self._timer_at is not None else self._now()
        self._timer = None
        self._timer_at = None
        if self._core is None or self._closed:
            return
        # the loop may run a handle up to its clock resolution early: it is due now
        self._core.handle_timer(max(self._now(), due))
        self._service()

    def _dispatch(self, event: SipEvent) -> None:
        if isinstance(event, CallOffered):
            call = IncomingCall(self, event)
            self._offers[event.ref] = call
            self._incoming.put_nowait(call)
        elif isinstance(event, CallCancelled):
            offer = self._offers.pop(event.ref, None)
            if offer is not None:
                offer.cancelled.set()
        elif isinstance(event, CallAnswered):
            self._connected(event)
        elif isinstance(event, OutgoingCallFailed):
            dialing = self._dialing.pop(event.ref, None)
            if dialing is not None and not dialing.answered.done():
                dialing.answered.set_exception(event.error())
        elif isinstance(event, DialogEnded):
            leg = self._legs.pop(event.ref, None)
            if leg is not None:
                self._spawn(leg.finish(event.cause))
        elif isinstance(event, DtmfReceived):
            leg = self._legs.get(event.ref)
            if leg is not None:
                leg.push_dtmf(event.digit)
        elif isinstance(event, TransferRequested):
            leg = self._legs.get(event.ref)
            if leg is not None:
                leg.push_referral(event.target)
        elif isinstance(event, MediaChanged):
            leg = self._legs.get(event.ref)
            if leg is not None:
                leg.apply_media(event.media)
                if event.hold:  # we stop sending too: a held party hears its music, not us
                    leg.rtp.set_hold(True)
        elif isinstance(event, RequestDone | TransferDone | RegistrationDone):
            waiting = self._waiting.pop(event.token, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(event)

    def _connected(self, event: CallAnswered) -> None:
        """Our INVITE was answered: the leg exists at once, so a BYE right behind the 200
        (one TCP read) finds it."""
        dialing = self._dialing.pop(event.ref, None)
        call = self.core.call(event.ref)
        if dialing is None or call is None:
            return
        leg = SipCallLeg(self, call=call, rtp=dialing.rtp)
        leg.apply_media(event.media)
        leg.start_media()
        self._legs[event.ref] = leg
        if not dialing.answered.done():
            dialing.answered.set_result(leg)

    def _expect(self, token: int) -> asyncio.Future[SipEvent]:
        future: asyncio.Future[SipEvent] = asyncio.get_running_loop().create_future()
        self._waiting[token] = future
        return future

    async def _outcome(self, command: Callable[[SipCore, float], int | None]) -> SipEvent | None:
        """Start a request in the core and wait for its outcome (None: not started)."""
        try:
            token = command(self.core, self._now())
            future = self._expect(token) if token is not None else None
        finally:
            self._service()
        if future is None:
            return None
        try:
            return await future
        finally:
            if token is not None:
                self._waiting.pop(token, None)

    # -- incoming calls -----------------------------------------------------------------

    async def _answer(self, call: IncomingCall) -> SipCallLeg:
        if not self.core.can_answer(call.ref):
            raise CallFailed("no_answer", 487, "the caller cancelled")
        rtp: RtpMedia = await self._rtp_factory(self.config.rtp_host or self.config.host)
        try:
            state = self._command(
                lambda core, now: core.answer(call.ref, media_port=rtp.local_port, now=now)
            )
        except CallFailed:
            await rtp.close()
            raise
        self._offers.pop(call.ref, None)
        leg = SipCallLeg(self, call=state, rtp=rtp)
        if state.media is not None:
            leg.apply_media(state.media)
        self._legs[call.ref] = leg
        leg.start_media()
        return leg

    # -- in-dialog requests from us -----------------------------------------------------

    async def request(
        self, leg: SipCallLeg, method: str, *, headers: Headers | None = None, body: bytes = b""
    ) -> SipResponse | None:
        """Any in-dialog request (INFO, OPTIONS, UPDATE...): its final response, or None
        when none came (timer F) or the call has no dialog."""
        done = await self._outcome(
            lambda core, now: core.request(leg.ref, method, now, headers=headers, body=body)
        )
        return done.response if isinstance(done, RequestDone) else None

    async def reinvite(self, leg: SipCallLeg, *, hold: bool) -> bool:
        """Put the far end on hold (sendonly offer) or resume it (sendrecv); True on 2xx."""
        if leg.ended:
            return False
        done = await self._outcome(lambda core, now: core.reinvite(leg.ref, hold=hold, now=now))
        return isinstance(done, RequestDone) and done.accepted

    async def bye(self, leg: SipCallLeg, cause: str = "robot_hangup") -> None:
        """End a call from our side: BYE, then stop media. Bounded by timer F."""
        if leg.ended:
            return
        self._legs.pop(leg.ref, None)
        token = self._command(lambda core, now: core.bye(leg.ref, now))
        future = self._expect(token) if token is not None else None
        finishing = asyncio.get_running_loop().create_task(leg.finish(cause))
        try:
            if future is not None:
                done = await future
                if isinstance(done, RequestDone) and done.status is None:
                    log.info("sip: BYE of %s got no answer", leg.info.call_id)
        finally:
            if token is not None:
                self._waiting.pop(token, None)
            await finishing

    async def refer(self, leg: SipCallLeg, target: str, *, wait_s: float | None = None
                    ) -> bool:
        """Blind transfer: REFER, then follow the NOTIFY sipfrag to a final status (for at
        most `wait_s` after the REFER's 2xx; None: `REFER_WAIT_S`); on success the far end
        is gone, so we hang up (cause `transferred`)."""
        if leg.ended:
            return False
        done = await self._outcome(
            lambda core, now: core.refer(leg.ref, target, now, wait_s=wait_s))
        if isinstance(done, TransferDone) and done.accepted:
            await self.bye(leg, cause="transferred")
            return True
        return False

    async def notify_transfer(self, leg: SipCallLeg, status: int, reason: str) -> None:
        """The final NOTIFY of a REFER we followed: the new call's status as a sipfrag
        (RFC 3515), ending the implicit subscription."""
        headers = Headers([
            ("Event", "refer"),
            ("Subscription-State", "terminated;reason=noresource"),
            ("Content-Type", "message/sipfrag;version=2.0"),
        ])
        await self.request(leg, "NOTIFY", headers=headers,
                           body=f"SIP/2.0 {status} {reason}".encode())

    # -- outgoing calls -----------------------------------------------------------------

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

    async def call(
        self,
        uri: str,
        *,
        caller: str | None = None,
        headers: dict[str, str] | None = None,
        timeout_s: float = 60,
        sending: Callable[[], Awaitable[None]] | None = None,
    ) -> SipCallLeg:
        """Place a call; returns once answered, or raises CallFailed(kind, status). A
        target, caller or header that would break a SIP line is refused before sending.
        `sending` runs once everything is ready, right before the INVITE is written: the
        moment a caller may record that the call has left (a crash before it means no
        call reached the wire)."""
        target = dial_target(uri, caller, headers)
        peer = await self._resolve(self.core.out_of_dialog_peer(target))
        rtp: RtpMedia = await self._rtp_factory(self.config.rtp_host or self.config.host)
        try:
            if sending is not None:
                await sending()
            answered: asyncio.Future[SipCallLeg] = asyncio.get_running_loop().create_future()
            ref = self._command(
                lambda core, now: core.invite(
                    uri,
                    media_port=rtp.local_port,
                    now=now,
                    peer=peer,
                    caller=caller,
                    headers=headers,
                    timeout_s=timeout_s,
                )
            )
            self._dialing[ref] = _Dialing(answered, rtp)
            try:
                return await answered
            except asyncio.CancelledError:
                self._abandon(ref)
                raise
        except BaseException:
            await rtp.close()
            raise

    def _abandon(self, ref: int) -> None:
        """`call()` was cancelled: CANCEL the INVITE, or hang up if it was answered."""
        self._dialing.pop(ref, None)
        leg = self._legs.get(ref)
        if leg is not None:
            self._spawn(self.bye(leg))
        else:
            self._command(lambda core, now: core.cancel(ref, now))

    # -- registration -------------------------------------------------------------------

    async def register(self, expires: int | None = None) -> int:
        """REGISTER with the proxy/registrar; keeps it refreshed until close().
        Returns the granted expiry in seconds."""
        done = await self._outcome(lambda core, now: core.register(expires, now))
        assert isinstance(done, RegistrationDone)
        if done.granted is None:
            raise RegistrationFailed(done.status, done.reason)
        return done.granted
