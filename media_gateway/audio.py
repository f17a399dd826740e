"""Plain-PCM helpers shared by the transports: resampling and in-band DTMF tones.

Audio crosses module boundaries as 16-bit little-endian mono PCM bytes plus a rate. The
resampler is soxr (the SoX resampler; well kept and fast) rather than hand-written code.
"""

from __future__ import annotations

import numpy as np
import soxr

from media_gateway.rtp.dtmf import digit_code

#: The DTMF frequency pairs (ITU-T Q.23): low group by row, high group by column.
_LOW = (697, 770, 852, 941)
_HIGH = (1209, 1336, 1477, 1633)
_KEYPAD = ("123A", "456B", "789C", "*0#D")


def resample(pcm: bytes, from_rate: int, to_rate: int) -> bytes:
    """Resample a whole buffer (a prompt, a recording)."""
    if from_rate == to_rate or not pcm:
        return pcm
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
    out = soxr.resample(samples, from_rate, to_rate, quality="HQ")
    return np.asarray(out, dtype="<i2").tobytes()


class StreamResampler:
    """Resample a live stream 20 ms at a time, keeping filter state between chunks so
    frames join without clicks (resampling each frame alone would not).

    Measured trade-off (python-soxr 1.1, 20 ms chunks): the "HQ" stream holds its input
    until it has about 100 ms, then returns it in one burst (0, 0, 0, 0, 0, 1660, ...
    samples per chunk for 8→16 kHz), which would add 100 ms to every reply and make
    pacing bursty. The "QQ" (cubic) stream returns every chunk at once but does not
    band-limit, so when going down in rate a windowed-sinc low-pass (with its history
    carried across chunks) first removes what would alias.
    """

    _TAPS = 63

    def __init__(self, from_rate: int, to_rate: int) -> None:
        self.from_rate = from_rate
        self.to_rate = to_rate
        self._stream = (
            None
            if from_rate == to_rate
            else soxr.ResampleStream(from_rate, to_rate, 1, dtype="float32", quality="QQ")
        )
        self._lowpass: np.ndarray | None = None
        self._history = np.zeros(0, dtype=np.float32)
        if to_rate < from_rate:
            cutoff = 0.45 * to_rate / from_rate  # of the source rate; 0.5 is Nyquist
            n = np.arange(self._TAPS) - (self._TAPS - 1) / 2
            taps = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(self._TAPS)
            self._lowpass = (taps / taps.sum()).astype(np.float32)
            self._history = np.zeros(self._TAPS - 1, dtype=np.float32)

    def process(self, pcm: bytes, *, last: bool = False) -> bytes:
        if self._stream is None:
            return pcm
        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32)
        if self._lowpass is not None:
            padded = np.concatenate([self._history, samples])
            self._history = padded[len(padded) - (self._TAPS - 1) :]
            samples = np.convolve(padded, self._lowpass, mode="valid").astype(np.float32)
        out = self._stream.resample_chunk(samples, last=last)
        return bytes(np.clip(np.round(out), -32768, 32767).astype("<i2").tobytes())


def dtmf_tones(
    digits: str,
    rate: int = 8000,
    *,
    tone_ms: int = 100,
    gap_ms: int = 60,
    amplitude: int = 6000,
) -> bytes:
    """In-band DTMF as PCM, for transports with no out-of-band digit signalling."""
    pieces: list[np.ndarray] = []
    t = np.arange(rate * tone_ms // 1000) / rate
    gap = np.zeros(rate * gap_ms // 1000)
    for digit in digits:
        digit_code(digit)  # a clear error for anything that is not a key
        row = next(i for i, keys in enumerate(_KEYPAD) if digit.upper() in keys)
        col = _KEYPAD[row].index(digit.upper())
        pieces.append(
            amplitude * (np.sin(2 * np.pi * _LOW[row] * t) + np.sin(2 * np.pi * _HIGH[col] * t)) / 2
        )
        pieces.append(gap)
    if not pieces:
        return b""
    return np.concatenate(pieces).astype("<i2").tobytes()
