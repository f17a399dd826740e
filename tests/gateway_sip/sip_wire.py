"""SIP cores wired back to back in memory, with a fake clock.

Each `Node` is a `SipCore` at an address. `Wire.flush()` moves every datagram a core wants
to send to the core at the destination address (or, for an address no core has, into
`strays`, where a test plays a scripted peer), until nothing moves; `Wire.advance(s)` moves
the fake clock, firing each core's timers at their exact deadlines. Rules can drop chosen
messages, to test retransmissions. Nothing here touches a socket or the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from media_gateway.sip import SipConfig, SipCore
from media_gateway.sip.events import SipEvent
from media_gateway.sip.message import SipMessage, SipRequest, SipResponse, parse_message
from media_gateway.sip.peer import Peer, TransportName

E = TypeVar("E")
Address = tuple[str, int]
DropRule = Callable[[bytes], bool]

SDP_PCMU = (
    b"v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\n"
    b"m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
    b"a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
)


@dataclass(frozen=True)
class Sent:
    source: Address
    peer: Peer
    data: bytes
    at: float
    dropped: bool = False

    @property
    def message(self) -> SipMessage:
        return parse_message(self.data, stream=self.peer.transport == "tcp")

    @property
    def label(self) -> str:
        """`INVITE`, `100`, `ACK`... as in a ladder diagram."""
        message = self.message
        if isinstance(message, SipRequest):
            return message.method
        assert isinstance(message, SipResponse)
        return f"{message.status} {message.cseq[1]}"


@dataclass
class Node:
    core: SipCore
    events: list[SipEvent] = field(default_factory=list)

    @property
    def address(self) -> Address:
        return self.core.host, self.core.port

    def of(self, kind: type[E]) -> list[E]:
        """This node's events of one kind so far."""
        return [event for event in self.events if isinstance(event, kind)]

    def last(self, kind: type[E]) -> E:
        found = self.of(kind)
        assert found, f"no {kind.__name__} among {self.events}"
        return found[-1]


class Wire:
    def __init__(self) -> None:
        self.now = 0.0
        self.nodes: dict[Address, Node] = {}
        self.sent: list[Sent] = []
        self.strays: dict[Address, list[bytes]] = {}
        """What was sent to addresses no core has (scripted peers read it here)."""
        self._rules: list[DropRule] = []

    def node(self, user: str, host: str, port: int = 5060, **config: Any) -> Node:
        core = SipCore(SipConfig(user=user, port=port, **config), host=host, port=port,
                       proxy=_proxy(config.get("proxy")))
        node = Node(core)
        self.nodes[node.address] = node
        return node

    def drop_once(self, rule: DropRule) -> None:
        """Drop the next datagram that matches `rule` (one per call)."""
        self._rules.append(rule)

    # -- moving things ------------------------------------------------------------------

    def flush(self) -> None:
        moved = True
        while moved:
            moved = False
            for node in list(self.nodes.values()):
                node.events.extend(node.core.events())
                for datagram in node.core.datagrams():
                    moved = True
                    self._deliver(node, datagram.data, datagram.peer)
                node.events.extend(node.core.events())

    def _deliver(self, source: Node, data: bytes, peer: Peer) -> None:
        for rule in self._rules:
            if rule(data):
                self._rules.remove(rule)
                self.sent.append(Sent(source.address, peer, data, self.now, dropped=True))
                return
        self.sent.append(Sent(source.address, peer, data, self.now))
        target = self.nodes.get((peer.host, peer.port))
        if target is None:
            self.strays.setdefault((peer.host, peer.port), []).append(data)
            return
        host, port = source.address
        target.core.receive(data, Peer(peer.transport, host, port), self.now)

    def inject(
        self,
        node: Node,
        data: bytes,
        source: Address = ("10.0.0.9", 5060),
        transport: TransportName = "udp",
    ) -> SipMessage | None:
        """Bytes from a scripted peer at `source` (its replies land in `strays`)."""
        message = node.core.receive(data, Peer(transport, *source), self.now)
        self.flush()
        return message

    def advance(self, seconds: float) -> None:
        """Move the clock, firing every timer at its deadline in order."""
        end = self.now + seconds
        while True:
            due = [t for n in self.nodes.values() if (t := n.core.next_timer()) is not None]
            if not due or min(due) > end:
                break
            self.now = max(self.now, min(due))
            for node in list(self.nodes.values()):
                deadline = node.core.next_timer()
                if deadline is not None and deadline <= self.now:
                    node.core.handle_timer(self.now)
            self.flush()
        self.now = end

    def command(self, action: Callable[[float], E]) -> E:
        """Run a core command at the current time, then let the wire settle."""
        result = action(self.now)
        self.flush()
        return result

    # -- looking ------------------------------------------------------------------------

    def ladder(self) -> list[str]:
        """The labels of what went over the wire, in order (`x 200 INVITE`: dropped)."""
        return [("x " if s.dropped else "") + s.label for s in self.sent]

    def between(self, source: Node, target: Node | Address) -> list[Sent]:
        address = target.address if isinstance(target, Node) else target
        return [s for s in self.sent if s.source == source.address
                and (s.peer.host, s.peer.port) == address]

    def stray(self, address: Address) -> list[SipMessage]:
        return [parse_message(data) for data in self.strays.get(address, [])]


def _proxy(proxy: str | None) -> tuple[str, int] | None:
    if not proxy:
        return None
    host, _, port = proxy.rpartition(":")
    return host, int(port)


def reply(request: SipMessage, status: int, reason: str = "X", *, to_tag: str = "far",
          headers: tuple[tuple[str, str], ...] = (), body: bytes = b"") -> bytes:
    """What a scripted peer answers to `request`."""
    assert isinstance(request, SipRequest)
    lines = [f"SIP/2.0 {status} {reason}"]
    for name in ("via", "from", "call-id", "cseq"):
        for value in request.headers.get_all(name):
            lines.append(f"{name}: {value}")
    to = request.headers["to"]
    lines.append(f"To: {to}" if "tag=" in to or status == 100 else f"To: {to};tag={to_tag}")
    lines += [f"{name}: {value}" for name, value in headers]
    if body:
        lines.append("Content-Type: application/sdp")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
