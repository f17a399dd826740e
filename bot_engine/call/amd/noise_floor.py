"""A line-noise floor, so steady noise is not taken for speech.

webrtcvad adapts to noise over its first frames and, until it has, calls a noisy line
"speech"; on a noisy line that looks like a first word right at answer, which app_amd
logic would then read as a short greeting. The floor is the quietest frame heard so
far: line noise is always there, speech is not, so the minimum tracks the noise.
"""

from __future__ import annotations


class NoiseFloor:
    def __init__(self, ratio: float) -> None:
        if ratio < 1.0:
            raise ValueError("ratio must be at least 1")
        self.ratio = ratio
        self.floor: float | None = None

    def above(self, rms: float) -> bool:
        """Record one frame's RMS; True if it stands `ratio` times above the floor."""
        self.floor = rms if self.floor is None else min(self.floor, rms)
        return rms > self.floor * self.ratio
