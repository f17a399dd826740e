"""A live call's clock: where each party's audio goes in the stereo recording, and the
timing marks of each caller turn up to the first packet of the robot's reply.

Everything is placed relative to the answer (`start`), in monotonic time. Caller audio is
anchored once, at its first frame, from the frame's media timestamp, so jitter in arrival
never moves it; robot audio goes where its first packet left (`Playback.started`).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot_engine.call.recording import StereoRecorder
from bot_engine.call.timings import TurnTimestamps, TurnTimings, compute_turn_timings
from media_gateway.call_leg import InboundFrame

log = logging.getLogger(__name__)


@dataclass
class PendingTurn:
    """Timing marks of one caller turn, filled in as the reply is produced."""

    index: int
    step: str | None
    speech_end: float
    endpoint: float
    asr_final: float
    dialogue_done: float | None = None
    first_audio: float | None = None


class CallTimeline:
    def __init__(self, sample_rate: int, call_id: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = sample_rate
        self.call_id = call_id
        self.clock = clock
        self.timings: list[TurnTimings] = []
        self.answered = 0.0
        self.recorder: StereoRecorder | None = None
        self.pending: PendingTurn | None = None
        self.caller_end = 0
        """The end sample of the caller's latest frame."""
        self._turns = 0
        self._caller_anchor: int | None = None

    def start(self, recording_path: Path | None) -> None:
        """The call is answered: the timeline's zero; open the recording if one is kept."""
        self.answered = self.clock()
        if recording_path is not None:
            recording_path.parent.mkdir(parents=True, exist_ok=True)
            self.recorder = StereoRecorder(recording_path, self.rate)

    def sample(self, mono: float) -> int:
        return max(0, round((mono - self.answered) * self.rate))

    def ms(self, mono: float) -> int:
        return max(0, round((mono - self.answered) * 1000))

    # -- the recording ---------------------------------------------------------------

    def record_caller(self, frame: InboundFrame, now: float) -> int:
        """Place caller audio on the timeline; returns the frame's end sample."""
        samples = len(frame.pcm) // 2
        if self._caller_anchor is None:
            arrival = self.sample(now) - samples
            self._caller_anchor = max(0, arrival - frame.timestamp_ms * self.rate // 1000)
        start = self._caller_anchor + frame.timestamp_ms * self.rate // 1000
        if self.recorder is not None:
            with contextlib.suppress(Exception):
                self.recorder.write_caller(frame.pcm, start)
        self.caller_end = start + samples
        return self.caller_end

    def record_robot(self, pcm: bytes, sent_at: float) -> None:
        if self.recorder is not None:
            with contextlib.suppress(Exception):
                self.recorder.write_robot(pcm, self.sample(sent_at))

    def record_operator(self, pcm: bytes) -> None:
        """The operator's voice goes on the robot's channel: the recording keeps both
        parties of a bridged call."""
        if self.recorder is not None:
            with contextlib.suppress(Exception):
                self.recorder.write_robot(pcm, max(0, self.sample(self.clock()) - len(pcm) // 2))

    def close(self) -> None:
        if self.recorder is not None:
            with contextlib.suppress(Exception):
                self.recorder.close()

    # -- one turn's response gap -----------------------------------------------------

    def turn_heard(self, step: str | None, speech_end: float, endpoint: float,
                   asr_final: float) -> None:
        """The caller's words are final: time the reply to them."""
        self.pending = PendingTurn(index=self._turns, step=step, speech_end=speech_end,
                                   endpoint=endpoint, asr_final=asr_final)
        self._turns += 1

    def dialog_replied(self, speaks: bool) -> None:
        """The Dialog answered the turn; without a spoken reply (a webhook first, or the
        end) there is no response gap to time."""
        pending = self.pending
        if pending is not None and pending.dialogue_done is None:
            if speaks:
                pending.dialogue_done = self.clock()
            else:
                self.pending = None

    def audio_queued(self) -> None:
        pending = self.pending
        if pending is not None and pending.first_audio is None:
            pending.first_audio = self.clock()

    def first_packet(self, sent_at: float) -> None:
        pending, self.pending = self.pending, None
        if pending is None:
            return
        try:
            stamps = TurnTimestamps(
                speech_end=pending.speech_end,
                endpoint=pending.endpoint,
                asr_final=pending.asr_final,
                dialogue_done=pending.dialogue_done or pending.asr_final,
                first_audio=pending.first_audio or sent_at,
                first_packet=sent_at,
            )
        except ValueError as exc:
            log.warning("call %s: inconsistent turn timing: %s", self.call_id, exc)
            return
        self.timings.append(compute_turn_timings(stamps, pending.index, pending.step))
