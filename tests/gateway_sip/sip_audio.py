"""Tones and their detection (numpy FFT), for 'a known tone arrives at the far end'."""

from __future__ import annotations

import numpy as np


def tone(freq_hz: float, seconds: float, rate: int = 8000, amplitude: float = 0.5) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * freq_hz * t) * amplitude * 32767).astype("<i2").tobytes()


def dominant_frequency(pcm: bytes, rate: int = 8000) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    if len(samples) < rate // 10:
        return 0.0
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    spectrum[:5] = 0  # ignore DC
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


def rms(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0
