"""Beep detection: a stable dominant tone in the voicemail range, frame by frame.

Sans-I/O: feed 20 ms frames (as float arrays) with their time; it reports a
`BeepEvent` once a tone has held `min_duration_ms`, and again with `end_ms` when the
tone stops — the moment to start speaking a voicemail message.
"""

from __future__ import annotations

import numpy as np

from bot_engine.call.amd.goertzel import FloatArray, GoertzelBank
from bot_engine.call.amd.result import BeepEvent
from bot_engine.call.amd.settings import BeepSettings


class BeepDetector:
    def __init__(self, settings: BeepSettings, rate: int = 8000, frame_ms: int = 20) -> None:
        self.settings = settings
        self.frame_ms = frame_ms
        block = rate * frame_ms // 1000
        grid = np.arange(settings.min_hz, settings.max_hz + settings.step_hz / 2, settings.step_hz)
        self._bank = GoertzelBank(grid.tolist(), block=block, rate=rate)
        self._block = block
        self._run_start_ms: int | None = None
        self._run_freqs: list[float] = []
        self._reported: BeepEvent | None = None
        self.last_tone: float | None = None
        """The dominant tone of the last frame fed, if it was tone-like."""
        self.beeps: list[BeepEvent] = []
        """Every confirmed beep that has ended, with its `end_ms`."""

    def dominant_tone(self, samples: FloatArray) -> float | None:
        """The frame's dominant candidate frequency if it is tone-like, else None."""
        s = self.settings
        energy = float(samples @ samples)
        n = self._block
        if energy <= 0.0 or (energy / n) ** 0.5 < s.min_rms:
            return None
        powers = self._bank.powers(samples)
        best = int(np.argmax(powers))
        if float(powers[best]) / (energy * n / 2.0) < s.min_tone_ratio:
            return None
        return float(self._bank.frequencies[best])

    def feed(self, samples: FloatArray, at_ms: int) -> BeepEvent | None:
        """Feed one frame starting at `at_ms`; returns an event when a beep is first
        confirmed or when a confirmed beep ends."""
        freq = self.last_tone = self.dominant_tone(samples)
        s = self.settings
        if freq is not None and self._run_freqs:
            anchor = float(np.median(self._run_freqs))
            if abs(freq - anchor) > s.max_drift_hz:
                ended = self._end_run(at_ms)
                self._start_run(freq, at_ms)
                return ended
        if freq is None:
            return self._end_run(at_ms)
        if not self._run_freqs:
            self._start_run(freq, at_ms)
        else:
            self._run_freqs.append(freq)
        assert self._run_start_ms is not None
        held = at_ms + self.frame_ms - self._run_start_ms
        if self._reported is None and held >= s.min_duration_ms:
            self._reported = BeepEvent(
                frequency_hz=round(float(np.median(self._run_freqs)), 1),
                start_ms=self._run_start_ms,
                detected_ms=at_ms + self.frame_ms,
            )
            return self._reported
        return None

    def _start_run(self, freq: float, at_ms: int) -> None:
        self._run_start_ms = at_ms
        self._run_freqs = [freq]
        self._reported = None

    def _end_run(self, at_ms: int) -> BeepEvent | None:
        reported = self._reported
        self._run_start_ms = None
        self._run_freqs = []
        self._reported = None
        if reported is None:
            return None
        ended = reported.model_copy(update={"end_ms": at_ms})
        self.beeps.append(ended)
        return ended

    @property
    def in_beep(self) -> bool:
        """True while a confirmed beep is still sounding."""
        return self._reported is not None
