import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from media_gateway.rtp.packet import RtpPacket, RtpParseError, build_packet, parse_packet

# A PCMU packet as a softphone sends it: V=2, M=1, PT=0, seq 0x1234, ts 0x000003c0,
# SSRC 0xdeadbeef, then 160 bytes of μ-law silence.
CAPTURED = bytes.fromhex("80801234000003c0deadbeef") + b"\xff" * 160


def test_parses_a_captured_packet() -> None:
    packet = parse_packet(CAPTURED)
    assert packet == RtpPacket(0, 0x1234, 0x3C0, 0xDEADBEEF, b"\xff" * 160, marker=True)
    assert packet.serialize() == CAPTURED


def test_skips_csrcs_extension_and_padding() -> None:
    header = bytes([0x80 | 0x20 | 0x10 | 2, 8]) + struct.pack("!HII", 7, 160, 1)
    csrcs = struct.pack("!II", 11, 22)
    extension = struct.pack("!HH", 0xBEDE, 2) + b"\x01" * 8
    payload = b"\xd5" * 10
    padding = b"\x00\x00\x03"
    packet = parse_packet(header + csrcs + extension + payload + padding)
    assert packet.payload == payload
    assert packet.csrcs == (11, 22)
    assert packet.payload_type == 8


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x80\x00\x00", "shorter"),
        (bytes.fromhex("40001234000003c0deadbeef"), "version 1"),
        (bytes.fromhex("80c80006deadbeef00000000"), "RTCP"),
        (bytes.fromhex("83001234000003c0deadbeef") + b"\x00" * 8, "CSRC"),
        (bytes.fromhex("90001234000003c0deadbeef") + b"\xbe\xde\x00\x05", "extension"),
        (bytes.fromhex("a0001234000003c0deadbeef") + b"\xff\x20", "padding"),
        (bytes.fromhex("a0001234000003c0deadbeef") + b"\xff\x00", "padding"),
    ],
)
def test_malformed_packets_raise_a_precise_error(data: bytes, message: str) -> None:
    with pytest.raises(RtpParseError, match=message):
        parse_packet(data)


@given(
    pt=st.integers(0, 127),
    seq=st.integers(0, 0xFFFF),
    ts=st.integers(0, 0xFFFFFFFF),
    ssrc=st.integers(0, 0xFFFFFFFF),
    payload=st.binary(max_size=400),
    marker=st.booleans(),
    csrcs=st.lists(st.integers(0, 0xFFFFFFFF), max_size=15).map(tuple),
)
def test_build_then_parse_round_trips(
    pt: int, seq: int, ts: int, ssrc: int, payload: bytes, marker: bool, csrcs: tuple[int, ...]
) -> None:
    if 64 <= pt <= 95 and marker:
        return  # RFC 5761: these look like RTCP and are rejected on purpose
    wire = build_packet(pt, seq, ts, ssrc, payload, marker=marker, csrcs=csrcs)
    assert parse_packet(wire) == RtpPacket(pt, seq, ts, ssrc, payload, marker, csrcs)
