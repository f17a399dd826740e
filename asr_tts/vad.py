"""Voice activity detection and endpointing with webrtcvad and a ring of cached flags.

webrtcvad classifies one frame at a time. The endpointer keeps only each frame's flag in a
ring with a running count of voiced frames, so each push costs one classification plus
O(1) bookkeeping; the ring is never re-classified. It emits:

- `SpeechStart` once the voiced share of the last `speech_start_ms` reaches a threshold.
  It carries the pre-roll audio (the `pre_roll_ms` before the window plus the window), so
  a recognizer started at that moment still hears the first syllable. A call session
  uses it for barge-in.
- `SpeechEnd` once the unvoiced share of the last `speech_end_ms` reaches a threshold: the
  end-of-utterance signal a call session uses for endpointing.

`floor_rms` counts frames quieter than that as unvoiced whatever webrtcvad says: on a
clean line webrtcvad keeps a fading word "voiced" for up to ~120 ms after it is gone
(measured on espeak-ng answers: the end came 280-400 ms after the true end of speech with
a 300 ms window; with a floor of 100 (about -50 dBFS), 270-300 ms). A noisy line is
above the floor, so there webrtcvad decides as before.

`trailing_silence_ms` tells, during speech, how long the caller has been quiet: a session
starts decoding speculatively at a pause, before the endpointing window closes, and asks
the semantic end-of-turn model (`asr_tts.turn`), which may end the speech early with
`end_now()`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import webrtcvad

from asr_tts.audio import SAMPLE_WIDTH
from asr_tts.errors import AudioInputError

VAD_RATES = (8000, 16000)
VAD_FRAME_MS = (10, 20, 30)


@dataclass(frozen=True, slots=True)
class SpeechStart:
    """Speech began. `audio` is the pre-roll plus trigger window, starting at `audio_start_s`."""

    time_s: float
    audio_start_s: float
    audio: bytes


@dataclass(frozen=True, slots=True)
class SpeechEnd:
    """Speech ended: detected at `time_s`; the last voiced frame ended at `speech_end_s`."""

    time_s: float
    speech_start_s: float
    speech_end_s: float


VadEvent = SpeechStart | SpeechEnd


class Endpointer:
    """Frame-by-frame speech start / end detector with pre-roll.

    Frames must be exactly `frame_ms` of PCM16 mono at `sample_rate`.
    """

    def __init__(
        self,
        sample_rate: int = 8000,
        frame_ms: int = 20,
        speech_start_ms: int = 200,
        speech_end_ms: int = 600,
        pre_roll_ms: int = 300,
        aggressiveness: int = 2,
        start_ratio: float = 0.8,
        end_ratio: float = 0.9,
        floor_rms: float = 0.0,
    ) -> None:
        if sample_rate not in VAD_RATES:
            raise AudioInputError(f"VAD works at 8000 or 16000 Hz, not {sample_rate}")
        if frame_ms not in VAD_FRAME_MS:
            raise AudioInputError(f"VAD frames are 10, 20 or 30 ms, not {frame_ms}")
        if not 0 <= aggressiveness <= 3:
            raise ValueError(f"aggressiveness must be 0..3, not {aggressiveness}")
        for name, value in (("speech_start_ms", speech_start_ms), ("speech_end_ms", speech_end_ms)):
            if value < frame_ms:
                raise ValueError(f"{name} ({value}) must be at least one frame ({frame_ms} ms)")
        if pre_roll_ms < 0:
            raise ValueError("pre_roll_ms must not be negative")
        self.sample_rate = sample_rate
        self.frame_ms = frame_ms
        self.frame_size = sample_rate * frame_ms // 1000 * SAMPLE_WIDTH
        self._frame_s = frame_ms / 1000.0
        self._vad = webrtcvad.Vad(aggressiveness)
        if floor_rms < 0:
            raise ValueError("floor_rms must not be negative")
        self._floor_sq = floor_rms * floor_rms
        self._start_frames = speech_start_ms // frame_ms
        self._end_frames = speech_end_ms // frame_ms
        self._start_needed = max(1, round(start_ratio * self._start_frames))
        self._end_needed = max(1, round(end_ratio * self._end_frames))
        self._flags: deque[bool] = deque()
        self._voiced = 0
        self._audio: deque[bytes] = deque(maxlen=self._start_frames + pre_roll_ms // frame_ms)
        self._frames_seen = 0
        self.in_speech = False
        self._speech_start_s = 0.0
        self._last_voiced_end_s = 0.0
        self._unvoiced_run = 0
        self.last_voiced = False
        """Whether the last pushed frame counted as voiced (webrtcvad and the floor)."""

    @property
    def time_s(self) -> float:
        """Stream time at the end of the last pushed frame."""
        return self._frames_seen * self._frame_s

    @property
    def trailing_silence_ms(self) -> int:
        """In speech: how long the frames since the last voiced one last (0 right after a
        voiced frame). Outside speech: 0."""
        return self._unvoiced_run * self.frame_ms if self.in_speech else 0

    @property
    def unvoiced_run_ms(self) -> int:
        """How long the frames since the last voiced one last, in speech or not."""
        return self._unvoiced_run * self.frame_ms

    def reset(self) -> None:
        """Forget all state (a new utterance, a new call)."""
        self._flags.clear()
        self._audio.clear()
        self._voiced = 0
        self._unvoiced_run = 0
        self.in_speech = False

    def is_speech(self, frame: bytes) -> bool:
        """Classify one frame (raises AudioInputError on a wrong frame size)."""
        if len(frame) != self.frame_size:
            raise AudioInputError(
                f"VAD frame must be {self.frame_size} bytes ({self.frame_ms} ms at "
                f"{self.sample_rate} Hz), got {len(frame)}"
            )
        return bool(self._vad.is_speech(frame, self.sample_rate))

    def _loud(self, frame: bytes) -> bool:
        samples = np.frombuffer(frame, dtype="<i2").astype(np.float64)
        return float(np.dot(samples, samples)) >= self._floor_sq * samples.size

    def push(self, frame: bytes) -> list[VadEvent]:
        """Feed one frame; returns the events it caused (usually none)."""
        voiced = self.is_speech(frame) and (not self._floor_sq or self._loud(frame))
        self.last_voiced = voiced
        self._frames_seen += 1
        now = self._frames_seen * self._frame_s
        if voiced:
            self._last_voiced_end_s = now
            self._unvoiced_run = 0
        else:
            self._unvoiced_run += 1
        flags = self._flags
        if not self.in_speech:
            self._audio.append(frame)
            flags.append(voiced)
            self._voiced += voiced
            if len(flags) > self._start_frames:
                self._voiced -= flags.popleft()
            if self._voiced >= self._start_needed:
                return [self._begin(now)]
            return []
        # in speech: the ring counts unvoiced frames over the end window
        flags.append(not voiced)
        self._voiced += not voiced
        if len(flags) > self._end_frames:
            self._voiced -= flags.popleft()
        if self._voiced >= self._end_needed:
            return [self._finish(now)]
        return []

    def end_now(self) -> SpeechEnd:
        """End the current speech at once, as if the window had closed (a semantic
        end-of-turn decided before the silence window ran out)."""
        if not self.in_speech:
            raise RuntimeError("end_now() outside speech")
        return self._finish(self.time_s)

    def _begin(self, now: float) -> SpeechStart:
        audio = b"".join(self._audio)
        audio_start = now - len(self._audio) * self._frame_s
        self._speech_start_s = now - len(self._flags) * self._frame_s
        self.in_speech = True
        self._unvoiced_run = 0
        self._flags.clear()
        self._voiced = 0
        self._audio.clear()
        return SpeechStart(time_s=now, audio_start_s=audio_start, audio=audio)

    def _finish(self, now: float) -> SpeechEnd:
        self.in_speech = False
        self._flags.clear()
        self._voiced = 0
        return SpeechEnd(
            time_s=now, speech_start_s=self._speech_start_s, speech_end_s=self._last_voiced_end_s
        )
