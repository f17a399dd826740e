"""G.711 tables checked against sox, an independent implementation of the same standard."""

import subprocess

import numpy as np
import pytest

from media_gateway.rtp import g711

SOX_ENCODING = {"PCMU": "u-law", "PCMA": "a-law"}


def _sox(data: bytes, src: list[str], dst: list[str]) -> bytes:
    cmd = ["sox", "-D", "-t", "raw", "-r", "8000", "-c", "1", *src, "-", "-t", "raw", *dst, "-"]
    return subprocess.run(cmd, input=data, capture_output=True, check=True).stdout


@pytest.mark.parametrize("codec", ["PCMU", "PCMA"])
def test_decode_matches_sox_for_every_code(codec: g711.Codec) -> None:
    codes = bytes(range(256))
    expected = _sox(codes, ["-e", SOX_ENCODING[codec], "-b", "8"], ["-e", "signed", "-b", "16"])
    assert g711.decode(codes, codec) == expected


@pytest.mark.parametrize("codec", ["PCMU", "PCMA"])
def test_encode_agrees_with_sox_up_to_decision_boundaries(codec: g711.Codec) -> None:
    samples = np.arange(-32768, 32768, dtype="<i2")
    ours = np.frombuffer(g711.encode(samples.tobytes(), codec), np.uint8)
    theirs = np.frombuffer(
        _sox(samples.tobytes(), ["-e", "signed", "-b", "16"], ["-e", SOX_ENCODING[codec]]),
        np.uint8,
    )
    differ = ours != theirs
    # Implementations may round differently exactly at a decision level; nowhere else.
    assert differ.mean() < 0.02
    levels = np.frombuffer(g711.decode(bytes(range(256)), codec), "<i2").astype(int)
    ours_level, theirs_level = levels[ours[differ]], levels[theirs[differ]]
    x = samples[differ].astype(int)
    lo, hi = np.minimum(ours_level, theirs_level), np.maximum(ours_level, theirs_level)
    assert np.all((lo <= x + 8) & (x - 8 <= hi)), "a differing code is not adjacent to the input"


@pytest.mark.parametrize("codec", ["PCMU", "PCMA"])
def test_every_code_survives_decode_then_encode(codec: g711.Codec) -> None:
    codes = bytes(range(256))
    again = g711.encode(g711.decode(codes, codec), codec)
    mismatched = [c for c, d in zip(codes, again, strict=True) if c != d]
    # μ-law has two zeros (0x7F is "negative zero"); it encodes back as 0xFF.
    assert mismatched == ([0x7F] if codec == "PCMU" else [])


@pytest.mark.parametrize("codec", ["PCMU", "PCMA"])
def test_quantisation_error_is_bounded_relative_to_the_signal(codec: g711.Codec) -> None:
    x = np.arange(-32768, 32768, 7, dtype="<i2")
    y = np.frombuffer(g711.decode(g711.encode(x.tobytes(), codec), codec), "<i2")
    error = np.abs(y.astype(int) - x.astype(int))
    # Logarithmic companding: the step grows with the level, at most about 1/16 of it.
    assert np.all(error <= np.maximum(np.abs(x.astype(int)) // 16, 16) + 8)


def test_silence_is_the_standard_idle_code() -> None:
    assert g711.silence("PCMU", 3) == b"\xff\xff\xff"
    assert g711.silence("PCMA", 2) == b"\xd5\xd5"
    assert g711.encode(bytes(4), "PCMU") == g711.silence("PCMU", 2)


def test_odd_length_pcm_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="16-bit"):
        g711.encode(b"\x00\x01\x02", "PCMU")
