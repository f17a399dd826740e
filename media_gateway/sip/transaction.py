"""RFC 3261 §17 transactions as sans-I/O state machines (with the RFC 6026 fixes).

Each transaction is fed messages and the current time and answers with a
`TransactionOutput`: what to put on the wire, what to hand to the transaction user, and
whether it timed out or ended. Timers (A/B/D/E/F/G/H/I/J/K, plus L/M from RFC 6026) are
plain deadlines in `timers`; the I/O edge calls `handle_timers(now)` at `next_deadline()`.
Because nothing here sleeps or sends, every timer path is tested with a fake clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from typing_extensions import override

from media_gateway.sip.message import Headers, SipMessage, SipRequest, SipResponse


@dataclass(frozen=True)
class TimerSettings:
    t1: float = 0.5
    """RTT estimate: first retransmit interval."""
    t2: float = 4.0
    """Cap on non-INVITE request and INVITE final-response retransmit interval."""
    t4: float = 5.0
    """How long a message may stay in the network."""


DEFAULT_TIMERS = TimerSettings()


@dataclass
class TransactionOutput:
    send: list[SipMessage] = field(default_factory=list)
    deliver: list[SipMessage] = field(default_factory=list)
    """Messages for the transaction user (responses for client transactions)."""
    timed_out: bool = False
    terminated: bool = False


class Transaction:
    """Shared timer bookkeeping: name -> absolute deadline."""

    kind = "transaction"

    def __init__(self, request: SipRequest, *, reliable: bool, timers: TimerSettings) -> None:
        self.request = request
        self.reliable = reliable
        self.settings = timers
        self.timers: dict[str, float] = {}
        self.intervals: dict[str, float] = {}
        self.state = "init"

    @property
    def terminated(self) -> bool:
        return self.state == "terminated"

    def next_deadline(self) -> float | None:
        return min(self.timers.values()) if self.timers else None

    def handle_timers(self, now: float) -> TransactionOutput:
        out = TransactionOutput()
        for name, deadline in sorted(self.timers.items(), key=lambda item: item[1]):
            if deadline <= now and name in self.timers and not self.terminated:
                del self.timers[name]
                self._fire(name, now, out)
        out.terminated = self.terminated
        return out

    def _fire(self, name: str, now: float, out: TransactionOutput) -> None:
        raise NotImplementedError

    def _arm(self, name: str, now: float, after: float) -> None:
        self.timers[name] = now + after

    def _terminate(self, out: TransactionOutput) -> None:
        self.state = "terminated"
        self.timers.clear()
        out.terminated = True


def build_ack_for_error(request: SipRequest, response: SipResponse) -> SipRequest:
    """The ACK a client INVITE transaction sends for a 3xx-6xx (RFC 3261 §17.1.1.3)."""
    headers = Headers()
    headers.add("Via", request.headers["via"])
    for route in request.headers.get_all("route"):
        headers.add("Route", route)
    headers.add("Max-Forwards", "70")
    headers.add("From", request.headers["from"])
    headers.add("To", response.headers["to"])
    headers.add("Call-ID", request.call_id)
    headers.add("CSeq", f"{request.cseq[0]} ACK")
    return SipRequest(method="ACK", uri=request.uri, headers=headers)


class ClientInviteTransaction(Transaction):
    """Calling -> Proceeding -> Completed | Accepted -> Terminated (timers A, B, D, M)."""

    kind = "client-invite"

    def start(self, now: float) -> TransactionOutput:
        self.state = "calling"
        if not self.reliable:
            self.intervals["A"] = self.settings.t1
            self._arm("A", now, self.settings.t1)
        self._arm("B", now, 64 * self.settings.t1)
        return TransactionOutput(send=[self.request])

    def receive(self, response: SipResponse, now: float) -> TransactionOutput:
        out = TransactionOutput()
        status = response.status
        if self.state in ("calling", "proceeding"):
            if status < 200:
                # §17.1.1.2: timer B guards "calling" only; a ringing call is bounded by the
                # TU, which CANCELs it when nobody answers (§9.1)
                self.state = "proceeding"
                self.timers.pop("A", None)
                self.timers.pop("B", None)
                out.deliver.append(response)
            elif status < 300:
                self.state = "accepted"
                self.timers.clear()
                self._arm("M", now, 64 * self.settings.t1)
                out.deliver.append(response)
            else:
                self.state = "completed"
                self.timers.clear()
                self._arm("D", now, 0 if self.reliable else 32.0)
                out.send.append(build_ack_for_error(self.request, response))
                out.deliver.append(response)
        elif self.state == "completed" and status >= 300:
            out.send.append(build_ack_for_error(self.request, response))
        elif self.state == "accepted" and 200 <= status < 300:
            out.deliver.append(response)  # the TU acknowledges every 2xx it sees
        return out

    def _fire(self, name: str, now: float, out: TransactionOutput) -> None:
        if name == "A" and self.state == "calling":
            out.send.append(self.request)
            self.intervals["A"] *= 2
            self._arm("A", now, self.intervals["A"])
        elif name == "B" and self.state == "calling":
            out.timed_out = True
            self._terminate(out)
        elif name in ("D", "M"):
            self._terminate(out)


class ClientNonInviteTransaction(Transaction):
    """Trying -> Proceeding -> Completed -> Terminated (timers E, F, K)."""

    kind = "client-non-invite"

    def start(self, now: float) -> TransactionOutput:
        self.state = "trying"
        if not self.reliable:
            self.intervals["E"] = self.settings.t1
            self._arm("E", now, self.settings.t1)
        self._arm("F", now, 64 * self.settings.t1)
        return TransactionOutput(send=[self.request])

    def receive(self, response: SipResponse, now: float) -> TransactionOutput:
        out = TransactionOutput()
        if self.state not in ("trying", "proceeding"):
            return out
        out.deliver.append(response)
        if response.status < 200:
            self.state = "proceeding"
        else:
            self.state = "completed"
            self.timers.clear()
            self._arm("K", now, 0 if self.reliable else self.settings.t4)
        return out

    def _fire(self, name: str, now: float, out: TransactionOutput) -> None:
        if name == "E" and self.state in ("trying", "proceeding"):
            out.send.append(self.request)
            if self.state == "trying":
                self.intervals["E"] = min(2 * self.intervals["E"], self.settings.t2)
            else:
                self.intervals["E"] = self.settings.t2
            self._arm("E", now, self.intervals["E"])
        elif name == "F" and self.state in ("trying", "proceeding"):
            out.timed_out = True
            self._terminate(out)
        elif name == "K":
            self._terminate(out)


class ServerInviteTransaction(Transaction):
    """Proceeding -> Completed -> Confirmed | Accepted -> Terminated (timers G, H, I, L)."""

    kind = "server-invite"

    def __init__(self, request: SipRequest, *, reliable: bool, timers: TimerSettings) -> None:
        super().__init__(request, reliable=reliable, timers=timers)
        self.state = "proceeding"
        self.last_response: SipResponse | None = None

    def respond(self, response: SipResponse, now: float) -> TransactionOutput:
        out = TransactionOutput()
        if self.state != "proceeding":
            return out
        self.last_response = response
        out.send.append(response)
        if 200 <= response.status < 300:
            # The TU retransmits the 2xx itself; we only absorb INVITE retransmissions.
            self.state = "accepted"
            self._arm("L", now, 64 * self.settings.t1)
        elif response.status >= 300:
            self.state = "completed"
            if not self.reliable:
                self.intervals["G"] = self.settings.t1
                self._arm("G", now, self.settings.t1)
            self._arm("H", now, 64 * self.settings.t1)
        return out

    def receive(self, request: SipRequest, now: float) -> TransactionOutput:
        out = TransactionOutput()
        if request.method == "INVITE":
            if self.state in ("proceeding", "completed") and self.last_response is not None:
                out.send.append(self.last_response)
        elif request.method == "ACK" and self.state == "completed":
            self.state = "confirmed"
            self.timers.pop("G", None)
            self.timers.pop("H", None)
            self._arm("I", now, 0 if self.reliable else self.settings.t4)
        return out

    def _fire(self, name: str, now: float, out: TransactionOutput) -> None:
        if name == "G" and self.state == "completed" and self.last_response is not None:
            out.send.append(self.last_response)
            self.intervals["G"] = min(2 * self.intervals["G"], self.settings.t2)
            self._arm("G", now, self.intervals["G"])
        elif name == "H" and self.state == "completed":
            out.timed_out = True
            self._terminate(out)
        elif name in ("I", "L"):
            self._terminate(out)


class ServerNonInviteTransaction(Transaction):
    """Trying -> Proceeding -> Completed -> Terminated (timer J)."""

    kind = "server-non-invite"

    def __init__(self, request: SipRequest, *, reliable: bool, timers: TimerSettings) -> None:
        super().__init__(request, reliable=reliable, timers=timers)
        self.state = "trying"
        self.last_response: SipResponse | None = None

    def respond(self, response: SipResponse, now: float) -> TransactionOutput:
        out = TransactionOutput()
        if self.state not in ("trying", "proceeding"):
            return out
        self.last_response = response
        out.send.append(response)
        if response.status < 200:
            self.state = "proceeding"
        else:
            self.state = "completed"
            self._arm("J", now, 0 if self.reliable else 64 * self.settings.t1)
        return out

    # Same call as ServerInviteTransaction.receive; a retransmitted request needs only the
    # last response again.
    def receive(self, request: SipRequest, now: float) -> TransactionOutput:  # noqa: ARG002
        out = TransactionOutput()
        if self.state in ("proceeding", "completed") and self.last_response is not None:
            out.send.append(self.last_response)
        return out

    @override
    def _fire(self, name: str, now: float, out: TransactionOutput) -> None:
        if name == "J":
            self._terminate(out)


class OkRetransmitter:
    """The UAS core's 2xx-to-INVITE retransmission (RFC 3261 §13.3.1.4): T1 doubling up
    to T2 until the ACK arrives; after 64*T1 without ACK the call must be ended."""

    def __init__(self, response: SipResponse, now: float, timers: TimerSettings) -> None:
        self.response = response
        self.settings = timers
        self.interval = timers.t1
        self.next_send: float | None = now + timers.t1
        self.give_up_at = now + 64 * timers.t1
        self.acked = False

    def next_deadline(self) -> float | None:
        return (
            None if self.acked or self.next_send is None else min(self.next_send, self.give_up_at)
        )

    def ack(self) -> None:
        self.acked = True
        self.next_send = None

    def handle_timers(self, now: float) -> tuple[list[SipResponse], bool]:
        """Return (responses to send, gave_up)."""
        if self.acked or self.next_send is None:
            return [], False
        if now >= self.give_up_at:
            self.next_send = None
            return [], True
        if now >= self.next_send:
            self.interval = min(2 * self.interval, self.settings.t2)
            self.next_send = now + self.interval
            return [self.response], False
        return [], False


ServerTransaction = ServerInviteTransaction | ServerNonInviteTransaction
ClientTransaction = ClientInviteTransaction | ClientNonInviteTransaction


def server_key(request: SipRequest) -> str:
    """RFC 3261 §17.2.3 matching: branch + sent-by + method (ACK matches its INVITE)."""
    method = "INVITE" if request.method == "ACK" else request.method
    via = request.top_via.partition(";")[0].split()[-1] if request.top_via else ""
    return f"{request.branch}|{via.lower()}|{method}"


def client_key(message: SipMessage) -> str:
    """RFC 3261 §17.1.3 matching: branch + CSeq method."""
    return f"{message.branch}|{message.cseq[1]}"
