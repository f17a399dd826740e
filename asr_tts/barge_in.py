"""Barge-in from the caller's audio, frame by frame and without I/O: when to pause a prompt
at a speech onset, when to play on, and whether what the caller made was a word.

Beside `vad.py`, whose per-frame verdicts it reads: a run of loud voiced frames as long as
`onset_ms` over a prompt is an onset (the prompt pauses at once, before the VAD's longer
speech-start window can tell a word from a cough); a paused prompt resumes after
`resume_after_ms` of unvoiced audio, or after `max_pause_ms` at most. A word is a window
in which at least `min_word_ms` of frames are loud: webrtcvad's hangover stretches an
80 ms click into a "voiced" window, while a word keeps its energy up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

Decision = Literal["pause", "resume"]


@dataclass(frozen=True)
class BargeInSettings:
    onset_ms: int | None = 60
    """Loud voiced audio over an interruptible prompt that pauses it; None: never pause
    (the prompt stops at the VAD's speech start only)."""
    min_speech_rms: float = 300.0
    """s16 RMS (about -40 dBFS) of a frame that carries speech rather than line noise."""
    resume_after_ms: int = 60
    """A paused prompt resumes after this much unvoiced audio, unless speech has started."""
    max_pause_ms: int = 400
    """A paused prompt resumes after this long if no speech start came (on-off noise)."""
    min_word_ms: int = 120
    """Of a speech-start window, this much must be loud for it to be a word."""


def rms(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.dot(samples, samples) / samples.size)) if samples.size else 0.0


class BargeInDetector:
    def __init__(self, settings: BargeInSettings | None = None, frame_ms: int = 20) -> None:
        self.settings = settings or BargeInSettings()
        self.frame_ms = frame_ms
        self.loud_run = 0
        """Loud voiced frames in a row, up to the current one."""
        self.loud_since = 0.0
        """When the current loud run began (the time of its first frame)."""

    def push(
        self,
        pcm: bytes,
        *,
        voiced: bool,
        in_speech: bool,
        unvoiced_run_ms: int,
        now: float,
        playing: bool,
        paused_at: float | None,
        may_pause: Callable[[], bool],
    ) -> Decision | None:
        """One caller frame while the robot may be talking. `voiced`, `in_speech` and
        `unvoiced_run_ms` are the VAD's for this frame; `paused_at` is when the prompt
        paused (None: it plays); `may_pause` is asked only at an onset."""
        onset_ms = self.settings.onset_ms
        if onset_ms is None or not playing:
            self.loud_run = 0  # nothing playing: nothing to pause (and no energy to compute)
            return None
        if voiced and rms(pcm) >= self.settings.min_speech_rms:
            self.loud_run += 1
            if self.loud_run == 1:
                self.loud_since = now
        else:
            self.loud_run = 0
        if paused_at is None:
            if self.loud_run * self.frame_ms >= onset_ms and may_pause():
                return "pause"
        elif not in_speech and (
            unvoiced_run_ms >= self.settings.resume_after_ms
            or (now - paused_at) * 1000 >= self.settings.max_pause_ms
        ):
            return "resume"
        return None

    def word_like(self, audio: bytes, sample_rate: int, window_ms: int) -> bool:
        """Whether the last `window_ms` of `audio` (the VAD's speech-start window) hold
        at least `min_word_ms` of loud frames."""
        frame_bytes = sample_rate * self.frame_ms // 1000 * 2
        window = window_ms * sample_rate // 1000 * 2
        tail = np.frombuffer(audio[-window:][: window - window % frame_bytes], dtype="<i2")
        if not tail.size:
            return False
        frames = tail.reshape(-1, frame_bytes // 2).astype(np.float64)
        levels = np.sqrt(np.mean(frames * frames, axis=1))
        loud_ms = int(np.count_nonzero(levels >= self.settings.min_speech_rms)) * self.frame_ms
        return loud_ms >= self.settings.min_word_ms
