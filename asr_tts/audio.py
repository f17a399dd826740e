"""Plain audio helpers: reading files, resampling, WAV writing, framing.

The whole project passes audio as 16-bit little-endian mono PCM bytes plus a sample rate.
Resampling goes through soxr (HQ), which keeps speech clean when espeak-ng's 22.05 kHz
output is brought down to the 8 kHz of a phone call.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from asr_tts.errors import AudioInputError

CALL_RATES = (8000, 16000)
"""Rates a streaming recognizer accepts: narrowband phone audio and wideband."""

MIN_FILE_RATE = 4000
MAX_FILE_RATE = 192000
SAMPLE_WIDTH = 2


def check_call_rate(sample_rate: int) -> None:
    """Reject any streaming rate other than 8 or 16 kHz with a clear message."""
    if sample_rate not in CALL_RATES:
        raise AudioInputError(
            f"unsupported sample rate {sample_rate} Hz: streaming speech works at 8000 or 16000 Hz"
        )


def check_output_rate(sample_rate: int) -> None:
    """Reject synthesis rates that make no sense for speech."""
    if not MIN_FILE_RATE <= sample_rate <= 48000:
        raise AudioInputError(f"unsupported output rate {sample_rate} Hz (use 8000..48000)")


def check_pcm(pcm: bytes) -> None:
    """PCM16 must have an even number of bytes."""
    if len(pcm) % SAMPLE_WIDTH:
        raise AudioInputError(f"PCM16 chunk of odd length {len(pcm)} bytes")


def resample(pcm: bytes, from_rate: int, to_rate: int) -> bytes:
    """Resample PCM16 mono with soxr; returns the input unchanged when rates match."""
    if from_rate == to_rate or not pcm:
        return pcm
    samples = np.frombuffer(pcm, dtype="<i2")
    out = soxr.resample(samples, from_rate, to_rate, quality="HQ")
    return np.asarray(out, dtype="<i2").tobytes()


def samples_to_pcm(samples: np.ndarray, rate: int, target_rate: int | None) -> tuple[bytes, int]:
    """Mix float or int samples (frames x channels) to mono PCM16 at `target_rate`."""
    data = np.asarray(samples)
    if data.dtype.kind in "iu":
        data = data.astype(np.float32) / 32768.0
    if data.ndim == 2:
        data = data.mean(axis=1)
    mono = np.asarray(np.round(np.clip(data, -1.0, 32767 / 32768) * 32768.0), dtype="<i2")
    out_rate = target_rate or rate
    if out_rate != rate:
        mono = np.asarray(soxr.resample(mono, rate, out_rate, quality="HQ"), dtype="<i2")
    return mono.tobytes(), out_rate


def _validated_rate(rate: int, source: str) -> int:
    if not MIN_FILE_RATE <= rate <= MAX_FILE_RATE:
        raise AudioInputError(f"{source}: odd sample rate {rate} Hz (expected 4000..192000)")
    return rate


def read_audio_file(path: str | Path, target_rate: int | None = None) -> tuple[bytes, int]:
    """Read any soundfile-readable file (WAV, FLAC, OGG …) as mono PCM16.

    Returns (pcm, rate); with `target_rate` the audio is resampled to it.
    """
    p = Path(path)
    if not p.is_file():
        raise AudioInputError(f"audio file not found: {p}")
    try:
        data, rate = sf.read(str(p), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as exc:
        raise AudioInputError(f"cannot read audio file {p}: {exc}") from exc
    _validated_rate(int(rate), str(p))
    return samples_to_pcm(data, int(rate), target_rate)


def decode_wav_bytes(blob: bytes, target_rate: int | None = None) -> tuple[bytes, int]:
    """Decode an in-memory audio file (as espeak-ng writes to stdout) to mono PCM16."""
    try:
        data, rate = sf.read(io.BytesIO(blob), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as exc:
        raise AudioInputError(f"cannot decode audio ({len(blob)} bytes): {exc}") from exc
    _validated_rate(int(rate), "audio stream")
    return samples_to_pcm(data, int(rate), target_rate)


def write_wav(path: str | Path, pcm: bytes, sample_rate: int) -> None:
    """Write mono PCM16 as a WAV file."""
    samples = np.frombuffer(pcm, dtype="<i2")
    try:
        sf.write(str(path), samples, sample_rate, subtype="PCM_16", format="WAV")
    except sf.LibsndfileError as exc:  # libsndfile's own type: callers expect an OSError
        raise OSError(f"cannot write {path}: {exc.error_string}") from None


def duration_s(pcm: bytes, sample_rate: int) -> float:
    """Length of PCM16 mono audio in seconds."""
    return len(pcm) / (SAMPLE_WIDTH * sample_rate)


def frame_bytes(sample_rate: int, frame_ms: int) -> int:
    """Bytes in one PCM16 mono frame of `frame_ms` milliseconds."""
    return sample_rate * frame_ms // 1000 * SAMPLE_WIDTH


def split_frames(pcm: bytes, size: int) -> Iterator[bytes]:
    """Yield consecutive chunks of `size` bytes; the last one may be shorter."""
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]


def silence(sample_rate: int, seconds: float) -> bytes:
    """Digital silence of the given length."""
    return bytes(int(sample_rate * seconds) * SAMPLE_WIDTH)


def rms_dbfs(pcm: bytes) -> float:
    """RMS level in dBFS (-inf for digital silence)."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    if samples.size == 0:
        return float("-inf")
    rms = float(np.sqrt(np.mean(samples * samples)))
    return float("-inf") if rms == 0 else 20.0 * float(np.log10(rms / 32768.0))


class FrameSplitter:
    """Cuts a stream of arbitrary PCM chunks into fixed-size frames, keeping the remainder."""

    def __init__(self, frame_size: int) -> None:
        self.frame_size = frame_size
        self._pending = b""

    def push(self, pcm: bytes) -> list[bytes]:
        data = self._pending + pcm
        cut = len(data) - len(data) % self.frame_size
        self._pending = data[cut:]
        return [data[i : i + self.frame_size] for i in range(0, cut, self.frame_size)]

    def remainder(self) -> bytes:
        rest, self._pending = self._pending, b""
        return rest


class StreamResampler:
    """Chunk-by-chunk resampling without clicks at chunk boundaries (soxr keeps state)."""

    def __init__(self, from_rate: int, to_rate: int) -> None:
        self.passthrough = from_rate == to_rate
        self._stream = (
            None if self.passthrough else soxr.ResampleStream(from_rate, to_rate, 1, dtype="int16")
        )

    def push(self, pcm: bytes, last: bool = False) -> bytes:
        if self._stream is None:
            return pcm
        samples = np.frombuffer(pcm, dtype="<i2")
        return np.asarray(self._stream.resample_chunk(samples, last=last), dtype="<i2").tobytes()
