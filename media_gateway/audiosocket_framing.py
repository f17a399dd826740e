"""Asterisk AudioSocket framing, sans-I/O: a 1-byte type, a 2-byte big-endian length,
then the payload (docs.asterisk.org, Channel-Drivers/AudioSocket).

Types: 0x00 hangup, 0x01 the call's UUID (16 bytes), 0x03 a DTMF digit (1 ASCII byte),
0x10 signed-linear 16-bit mono PCM at 8 kHz and 0x11–0x18 the same at 12, 16, 24, 32,
44.1, 48, 96 and 192 kHz, 0xff an error (optional application-specific code). The PCM
is little-endian even though the header is big-endian.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass
from enum import IntEnum

from media_gateway.errors import GatewayError

_HEADER = struct.Struct(">BH")
HEADER_SIZE = _HEADER.size
MAX_PAYLOAD = 0xFFFF


class Kind(IntEnum):
    HANGUP = 0x00
    UUID = 0x01
    DTMF = 0x03
    SLIN_8K = 0x10
    SLIN_12K = 0x11
    SLIN_16K = 0x12
    SLIN_24K = 0x13
    SLIN_32K = 0x14
    SLIN_44K = 0x15
    SLIN_48K = 0x16
    SLIN_96K = 0x17
    SLIN_192K = 0x18
    ERROR = 0xFF


AUDIO_RATES: dict[int, int] = {
    Kind.SLIN_8K: 8000,
    Kind.SLIN_12K: 12000,
    Kind.SLIN_16K: 16000,
    Kind.SLIN_24K: 24000,
    Kind.SLIN_32K: 32000,
    Kind.SLIN_44K: 44100,
    Kind.SLIN_48K: 48000,
    Kind.SLIN_96K: 96000,
    Kind.SLIN_192K: 192000,
}
_KIND_FOR_RATE = {rate: kind for kind, rate in AUDIO_RATES.items()}

#: Error codes Asterisk itself sends in an 0xff frame.
ASTERISK_ERRORS = {
    0x01: "calling party hung up",
    0x02: "frame forwarding error",
    0x04: "memory error",
}


class AudioSocketProtocolError(GatewayError, ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Frame:
    kind: int
    """A `Kind` value; unknown types are passed up as plain ints for the caller to skip."""
    payload: bytes

    @property
    def sample_rate(self) -> int | None:
        """The PCM rate for audio frames, None for everything else."""
        return AUDIO_RATES.get(self.kind)


class FrameParser:
    """Feed it bytes as they arrive from TCP; it returns the complete frames so far."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    @property
    def pending(self) -> int:
        """Bytes of an incomplete frame waiting for the rest."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Frame]:
        self._buffer += data
        frames: list[Frame] = []
        offset = 0
        while len(self._buffer) - offset >= HEADER_SIZE:
            kind, length = _HEADER.unpack_from(self._buffer, offset)
            end = offset + HEADER_SIZE + length
            if end > len(self._buffer):
                break
            frames.append(Frame(kind, bytes(self._buffer[offset + HEADER_SIZE : end])))
            offset = end
        del self._buffer[:offset]
        return frames


def encode_frame(kind: int, payload: bytes = b"") -> bytes:
    if len(payload) > MAX_PAYLOAD:
        raise AudioSocketProtocolError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD}")
    return _HEADER.pack(kind, len(payload)) + payload


def audio_kind(sample_rate: int) -> Kind:
    try:
        return Kind(_KIND_FOR_RATE[sample_rate])
    except KeyError:
        rates = ", ".join(str(r) for r in sorted(_KIND_FOR_RATE))
        raise AudioSocketProtocolError(
            f"AudioSocket has no audio type for {sample_rate} Hz (supported: {rates})"
        ) from None


def encode_audio(pcm: bytes, sample_rate: int = 8000) -> bytes:
    return encode_frame(audio_kind(sample_rate), pcm)


def encode_uuid(call_id: uuid.UUID) -> bytes:
    return encode_frame(Kind.UUID, call_id.bytes)


def parse_uuid(payload: bytes) -> uuid.UUID:
    if len(payload) != 16:
        raise AudioSocketProtocolError(f"UUID payload of {len(payload)} bytes, expected 16")
    return uuid.UUID(bytes=payload)


def parse_dtmf(payload: bytes) -> str:
    digit = payload[:1].decode("ascii", errors="replace")
    if len(payload) != 1 or digit.upper() not in "0123456789*#ABCD":
        raise AudioSocketProtocolError(f"invalid DTMF payload {payload!r}")
    return digit.upper()


HANGUP_FRAME = encode_frame(Kind.HANGUP)
