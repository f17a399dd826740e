"""G.711 μ-law and A-law (ITU-T G.711) as numpy lookup tables.

The stdlib `audioop` is deprecated and removed in Python 3.13, so both directions are
precomputed once: encoding indexes a 65,536-entry table by the raw 16-bit sample, decoding
a 256-entry table by the code byte. A 20 ms frame then costs one numpy gather, which
matters when one clock encodes hundreds of calls every tick.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

Codec = Literal["PCMU", "PCMA"]

#: RTP static payload types of RFC 3551.
STATIC_PAYLOAD_TYPES: dict[Codec, int] = {"PCMU": 0, "PCMA": 8}

_ULAW_BIAS = 0x84
_ULAW_CLIP = 32635


def _ulaw_encode_all() -> npt.NDArray[np.uint8]:
    sample = np.arange(-32768, 32768, dtype=np.int32)
    negative = sample < 0
    magnitude = np.minimum(np.where(negative, -sample, sample), _ULAW_CLIP) + _ULAW_BIAS
    # The segment (exponent) is the position of the highest set bit above bit 7.
    exponent = np.floor(np.log2(magnitude >> 7)).astype(np.int32)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    code = (np.where(negative, 0x80, 0) | (exponent << 4) | mantissa) ^ 0xFF
    # Index by the sample's bit pattern read as unsigned, so encoding needs no offset.
    table = np.empty(65536, dtype=np.uint8)
    table[sample.astype(np.int16).view(np.uint16)] = code.astype(np.uint8)
    return table


def _ulaw_decode_all() -> npt.NDArray[np.int16]:
    code = np.arange(256, dtype=np.int32) ^ 0xFF
    exponent = (code >> 4) & 0x07
    mantissa = code & 0x0F
    magnitude = (((mantissa << 3) + _ULAW_BIAS) << exponent) - _ULAW_BIAS
    return np.where(code & 0x80, -magnitude, magnitude).astype("<i2")


_ALAW_SEGMENT_ENDS = np.array([0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF])


def _alaw_encode_all() -> npt.NDArray[np.uint8]:
    sample = np.arange(-32768, 32768, dtype=np.int32)
    value = sample >> 3  # A-law works on 13 bits
    positive = value >= 0
    mask = np.where(positive, 0xD5, 0x55)
    value = np.where(positive, value, -value - 1)
    segment = np.searchsorted(_ALAW_SEGMENT_ENDS, value, side="left")
    shift = np.where(segment < 2, 1, segment)
    code = (np.minimum(segment, 7) << 4) | ((value >> shift) & 0x0F)
    code = np.bitwise_xor(np.where(segment >= 8, 0x7F, code), mask)
    table = np.empty(65536, dtype=np.uint8)
    table[sample.astype(np.int16).view(np.uint16)] = code.astype(np.uint8)
    return table


def _alaw_decode_all() -> npt.NDArray[np.int16]:
    code = np.arange(256, dtype=np.int32) ^ 0x55
    segment = (code & 0x70) >> 4
    value = (code & 0x0F) << 4
    value = np.where(segment == 0, value + 8, value + 0x108)
    value = np.where(segment > 1, value << np.maximum(segment - 1, 0), value)
    return np.where(code & 0x80, value, -value).astype("<i2")


_ENCODE: dict[Codec, npt.NDArray[np.uint8]] = {
    "PCMU": _ulaw_encode_all(),
    "PCMA": _alaw_encode_all(),
}
_DECODE: dict[Codec, npt.NDArray[np.int16]] = {
    "PCMU": _ulaw_decode_all(),
    "PCMA": _alaw_decode_all(),
}


def encode(pcm: bytes, codec: Codec) -> bytes:
    """16-bit little-endian mono PCM → G.711 bytes (one byte per sample)."""
    if len(pcm) % 2:
        raise ValueError(f"PCM length {len(pcm)} is not a whole number of 16-bit samples")
    samples = np.frombuffer(pcm, dtype="<u2")
    return bytes(_ENCODE[codec][samples].tobytes())


def _byte_tables(table: npt.NDArray[np.int16]) -> tuple[bytes, bytes]:
    raw = table.astype("<i2").view(np.uint8)
    return raw[0::2].tobytes(), raw[1::2].tobytes()


_DECODE_BYTES: dict[Codec, tuple[bytes, bytes]] = {
    codec: _byte_tables(table) for codec, table in _DECODE.items()
}
"""Per codec, the low and the high byte of each code's sample: decoding a 20 ms frame
is then two `bytes.translate` calls and two strided copies, about twice as fast as the
numpy gather for packet-sized payloads (it runs for every packet of every call)."""


def decode(payload: bytes, codec: Codec) -> bytes:
    """G.711 bytes → 16-bit little-endian mono PCM."""
    low, high = _DECODE_BYTES[codec]
    pcm = bytearray(2 * len(payload))
    pcm[0::2] = payload.translate(low)
    pcm[1::2] = payload.translate(high)
    return bytes(pcm)


def silence(codec: Codec, samples: int) -> bytes:
    """The code for digital zero, repeated: what an idle line sends."""
    return bytes([int(_ENCODE[codec][0])]) * samples


def ulaw_encode(pcm: bytes) -> bytes:
    return encode(pcm, "PCMU")


def ulaw_decode(payload: bytes) -> bytes:
    return decode(payload, "PCMU")


def alaw_encode(pcm: bytes) -> bytes:
    return encode(pcm, "PCMA")


def alaw_decode(payload: bytes) -> bytes:
    return decode(payload, "PCMA")
