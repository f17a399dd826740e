"""Where a SIP message comes from or goes to: a transport and an address. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

TransportName = Literal["udp", "tcp"]


@dataclass(frozen=True)
class Peer:
    transport: TransportName
    host: str
    port: int


class Datagram(NamedTuple):
    """Bytes to put on the wire: one UDP datagram, or one whole message on a TCP stream."""

    data: bytes
    peer: Peer
