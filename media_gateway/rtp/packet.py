"""RTP packets (RFC 3550 §5.1): parse and build, sans-I/O.

Parsing is strict because a media port receives whatever the network throws at it: a
packet that is not version 2, whose CSRC list, header extension or padding overruns the
datagram, or that is RTCP multiplexed on the same port (RFC 5761) raises `RtpParseError`
and the session drops it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from media_gateway.errors import GatewayError

_HEADER = struct.Struct("!BBHII")
HEADER_SIZE = _HEADER.size

#: RFC 5761 §4: second-byte values 192–223 are RTCP packet types, not RTP.
_RTCP_TYPES = range(192, 224)


class RtpParseError(GatewayError, ValueError):
    """The datagram is not a well-formed RTP packet."""


@dataclass(frozen=True, slots=True)
class RtpPacket:
    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes
    marker: bool = False
    csrcs: tuple[int, ...] = ()

    def serialize(self) -> bytes:
        return build_packet(
            self.payload_type,
            self.sequence,
            self.timestamp,
            self.ssrc,
            self.payload,
            marker=self.marker,
            csrcs=self.csrcs,
        )


def build_packet(
    payload_type: int,
    sequence: int,
    timestamp: int,
    ssrc: int,
    payload: bytes,
    *,
    marker: bool = False,
    csrcs: tuple[int, ...] = (),
) -> bytes:
    """The wire form; the hot send path calls this directly, skipping the dataclass."""
    first = 0x80 | len(csrcs)
    second = (0x80 if marker else 0) | (payload_type & 0x7F)
    header = _HEADER.pack(
        first, second, sequence & 0xFFFF, timestamp & 0xFFFFFFFF, ssrc & 0xFFFFFFFF
    )
    if csrcs:
        header += struct.pack(f"!{len(csrcs)}I", *csrcs)
    return header + payload


def parse_packet(data: bytes) -> RtpPacket:
    if len(data) < HEADER_SIZE:
        raise RtpParseError(f"datagram of {len(data)} bytes is shorter than an RTP header")
    first, second, sequence, timestamp, ssrc = _HEADER.unpack_from(data)
    if first >> 6 != 2:
        raise RtpParseError(f"RTP version {first >> 6}, expected 2")
    if second in _RTCP_TYPES:
        raise RtpParseError(f"RTCP packet type {second} on the RTP port")
    offset = HEADER_SIZE
    csrc_count = first & 0x0F
    if len(data) < offset + 4 * csrc_count:
        raise RtpParseError(f"CSRC list of {csrc_count} overruns the datagram")
    csrcs = struct.unpack_from(f"!{csrc_count}I", data, offset)
    offset += 4 * csrc_count
    if first & 0x10:  # header extension: 16-bit profile, 16-bit length in words
        if len(data) < offset + 4:
            raise RtpParseError("header extension header overruns the datagram")
        (words,) = struct.unpack_from("!H", data, offset + 2)
        offset += 4 + 4 * words
        if len(data) < offset:
            raise RtpParseError(f"header extension of {words} words overruns the datagram")
    end = len(data)
    if first & 0x20:
        padding = data[-1]
        if padding == 0 or end - padding < offset:
            raise RtpParseError(f"invalid padding length {padding}")
        end -= padding
    return RtpPacket(
        payload_type=second & 0x7F,
        sequence=sequence,
        timestamp=timestamp,
        ssrc=ssrc,
        payload=bytes(data[offset:end]),
        marker=bool(second & 0x80),
        csrcs=tuple(csrcs),
    )
