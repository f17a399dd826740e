"""The sans-I/O AudioSocket framing, against frames built by hand from the published spec."""

import struct
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from media_gateway.audiosocket_framing import (
    AUDIO_RATES,
    AudioSocketProtocolError,
    Frame,
    FrameParser,
    Kind,
    audio_kind,
    encode_audio,
    encode_frame,
    parse_dtmf,
    parse_uuid,
)

CALL = uuid.UUID("40325ec2-5efd-4bd3-805f-53576e581d13")


def spec_frame(kind: int, payload: bytes) -> bytes:
    return struct.pack(">BH", kind, len(payload)) + payload


def test_hangup_is_three_zero_bytes() -> None:
    assert encode_frame(Kind.HANGUP) == b"\x00\x00\x00"
    assert FrameParser().feed(b"\x00\x00\x00") == [Frame(0, b"")]


def test_a_session_split_at_every_byte_boundary_parses_the_same() -> None:
    pcm = bytes(range(256)) + bytes(64)
    stream = (
        spec_frame(0x01, CALL.bytes)
        + spec_frame(0x10, pcm)
        + spec_frame(0x03, b"5")
        + spec_frame(0x12, pcm * 2)
        + spec_frame(0xFF, b"\x04")
        + spec_frame(0x00, b"")
    )
    expected = [
        Frame(0x01, CALL.bytes),
        Frame(0x10, pcm),
        Frame(0x03, b"5"),
        Frame(0x12, pcm * 2),
        Frame(0xFF, b"\x04"),
        Frame(0x00, b""),
    ]
    for cut in range(len(stream) + 1):
        parser = FrameParser()
        assert parser.feed(stream[:cut]) + parser.feed(stream[cut:]) == expected
        assert parser.pending == 0
    byte_by_byte = FrameParser()
    assert [f for i in range(len(stream)) for f in byte_by_byte.feed(stream[i : i + 1])] == expected


def test_audio_types_map_to_the_documented_rates() -> None:
    assert AUDIO_RATES == {
        0x10: 8000,
        0x11: 12000,
        0x12: 16000,
        0x13: 24000,
        0x14: 32000,
        0x15: 44100,
        0x16: 48000,
        0x17: 96000,
        0x18: 192000,
    }
    assert Frame(0x12, b"").sample_rate == 16000
    assert Frame(0x03, b"1").sample_rate is None
    assert encode_audio(b"\x01\x00", 16000) == b"\x12\x00\x02\x01\x00"
    with pytest.raises(AudioSocketProtocolError, match="11025"):
        audio_kind(11025)


def test_payload_helpers_validate() -> None:
    assert parse_uuid(CALL.bytes) == CALL
    with pytest.raises(AudioSocketProtocolError, match="16"):
        parse_uuid(b"short")
    assert parse_dtmf(b"#") == "#"
    for bad in (b"", b"x", b"12"):
        with pytest.raises(AudioSocketProtocolError):
            parse_dtmf(bad)
    with pytest.raises(AudioSocketProtocolError):
        encode_frame(Kind.SLIN_8K, bytes(70000))


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.binary(max_size=200), max_size=20))
def test_arbitrary_bytes_never_raise_and_never_lose_data(chunks: list[bytes]) -> None:
    parser = FrameParser()
    frames = [f for chunk in chunks for f in parser.feed(chunk)]
    consumed = sum(3 + len(f.payload) for f in frames)
    assert consumed + parser.pending == sum(len(c) for c in chunks)
