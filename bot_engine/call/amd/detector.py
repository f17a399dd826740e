"""The answering-machine detector: timing, beeps and phrases combined, sans-I/O.

Feed it the first seconds after answer as 20 ms frames of 8 kHz s16le PCM
(`feed_audio`) and, when an ASR runs, recognized text with its audio time
(`feed_text`). The first verdict is final: later evidence never flips it, so the
session can act on it at once. After the verdict the detector still watches for a
beep, so a script that chose "wait for the beep, then leave a message" can use
`beep_ended`.

Evidence order within one frame: a beep or a carrier phrase is proof of a machine and
wins over the timing heuristics; timing gives `human`, `machine` or `not_sure`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import webrtcvad

from bot_engine.call.amd.beep import BeepDetector
from bot_engine.call.amd.noise_floor import NoiseFloor
from bot_engine.call.amd.phrases import DEFAULT_PHRASES, PhraseMatcher
from bot_engine.call.amd.result import AmdDecision, AmdReason, AmdResult, BeepEvent
from bot_engine.call.amd.settings import AmdSettings
from bot_engine.call.amd.timing import GreetingTimer, TimingVerdict
from bot_engine.call.errors import CallError
from media_gateway.call_leg import FRAME_MS, TELEPHONE_RATE

RATE = TELEPHONE_RATE
FRAME_BYTES = RATE * FRAME_MS // 1000 * 2


class AmdInputError(CallError, ValueError):
    """The audio handed to the detector is not 20 ms of 8 kHz s16le mono."""


class AnsweringMachineDetector:
    def __init__(
        self,
        settings: AmdSettings | None = None,
        phrases: Iterable[str] = DEFAULT_PHRASES,
    ) -> None:
        self.settings = settings or AmdSettings()
        self._vad = webrtcvad.Vad(self.settings.vad_mode)
        self._timer = GreetingTimer(self.settings, FRAME_MS)
        self._beeps = BeepDetector(self.settings.beep, RATE, FRAME_MS)
        self._floor = NoiseFloor(self.settings.speech_over_noise)
        self._phrases = PhraseMatcher(phrases, self.settings.phrase_min_score)
        self._pending_human: TimingVerdict | None = None
        self._pending_since_ms = 0
        self._speech_now = False
        self._text_after_speech = False
        self._pending_bytes = b""
        self.result: AmdResult | None = None
        self.beep: BeepEvent | None = None
        """The latest confirmed beep (its `end_ms` is set once it stopped)."""
        self.elapsed_ms = 0

    # -- input ---------------------------------------------------------------------

    def feed_audio(self, pcm: bytes) -> AmdResult | None:
        """Feed PCM (any whole number of samples; buffered into 20 ms frames).

        Returns the verdict on the call where it is made, else None; `result` keeps it.
        """
        if len(pcm) % 2:
            raise AmdInputError("s16le audio must have an even number of bytes")
        data = self._pending_bytes + pcm
        whole = len(data) - len(data) % FRAME_BYTES
        self._pending_bytes = data[whole:]
        decided: AmdResult | None = None
        for off in range(0, whole, FRAME_BYTES):
            verdict = self._feed_frame(data[off : off + FRAME_BYTES])
            if verdict is not None:
                decided = verdict
        return decided

    def feed_text(
        self, text: str, at_ms: int | None = None, final: bool = True
    ) -> AmdResult | None:
        """Feed recognized text heard up to audio time `at_ms` (default: now).

        Any text may prove a machine (a carrier phrase). A final text that proves nothing
        releases a `human` verdict held for `text_grace_ms`: the ASR has spoken about the
        greeting and found no phrase, so there is nothing left to wait for.
        """
        when = self.elapsed_ms if at_ms is None else max(0, int(at_ms))
        if self.result is not None:
            return None
        match = self._phrases.match(text)
        if match is not None:
            return self._decide(
                AmdDecision.MACHINE,
                AmdReason.PHRASE,
                f"'{match.phrase}' (score {match.score:.0f})",
                max(when, self.elapsed_ms),
            )
        if final:
            if self._pending_human is not None:
                return self._release_pending()
            # Heard during the silence after the greeting: it covers the greeting, so a
            # human verdict need not wait for more text.
            self._text_after_speech = not self._speech_now
        return None

    def finish(self) -> AmdResult:
        """The verdict when the audio ends before one was reached (caller hung up)."""
        if self.result is None:
            if self._pending_human is not None:
                return self._release_pending()
            return self._decide(
                AmdDecision.NOT_SURE, AmdReason.TOO_LONG, "audio ended before a verdict"
            )
        return self.result

    # -- state ---------------------------------------------------------------------

    @property
    def decided(self) -> bool:
        return self.result is not None

    @property
    def awaiting_text(self) -> bool:
        """Timing says `human` and the verdict waits (`text_grace_ms`) for ASR text:
        the moment for an utterance-level ASR to transcribe the greeting."""
        return self.result is None and self._pending_human is not None

    @property
    def greeting_start_ms(self) -> int | None:
        """Where the greeting's first word began: hand an utterance-level ASR the audio
        from here (Whisper invents words over leading silence)."""
        return self._timer.greeting_start_ms

    @property
    def beep_ended(self) -> bool:
        """A beep was heard and has stopped: the moment to leave a message."""
        return self.beep is not None and self.beep.end_ms is not None

    # -- internals -----------------------------------------------------------------

    def _feed_frame(self, frame: bytes) -> AmdResult | None:
        at_ms = self.elapsed_ms
        self.elapsed_ms += FRAME_MS
        samples = np.frombuffer(frame, dtype="<i2").astype(np.float64)
        beep = self._beeps.feed(samples, at_ms)
        if beep is not None:
            self.beep = beep
            if self.result is None:
                return self._decide(
                    AmdDecision.MACHINE,
                    AmdReason.BEEP,
                    f"{beep.frequency_hz:.0f} Hz tone from {beep.start_ms} ms",
                )
        if self.result is not None:
            return None
        if self._pending_human is not None:
            waited = self.elapsed_ms - self._pending_since_ms
            if (
                waited >= self.settings.text_grace_ms
                or self.elapsed_ms >= self.settings.total_analysis_ms
            ):
                return self._release_pending()
            return None
        # A tone frame is not speech: a beep after a greeting must not read as words.
        tonal = self._beeps.in_beep or self._beeps.last_tone is not None
        rms = float(np.sqrt(np.mean(samples * samples)))
        loud = self._floor.above(rms)
        speech = (
            not tonal
            and loud
            and rms >= self.settings.min_speech_rms
            and self._vad.is_speech(frame, RATE)
        )
        self._speech_now = speech
        if speech:
            self._text_after_speech = False
        verdict = self._timer.feed(speech)
        if verdict is None:
            return None
        if (
            verdict.decision is AmdDecision.HUMAN
            and self.settings.text_grace_ms > 0
            and not self._text_after_speech
        ):
            self._pending_human = verdict
            self._pending_since_ms = self.elapsed_ms
            return None
        return self._decide(verdict.decision, verdict.reason, verdict.detail)

    def _release_pending(self) -> AmdResult:
        pending = self._pending_human
        assert pending is not None
        self._pending_human = None
        return self._decide(pending.decision, pending.reason, pending.detail)

    def _decide(
        self, decision: AmdDecision, reason: AmdReason, detail: str, at_ms: int | None = None
    ) -> AmdResult:
        if self.result is None:
            self._pending_human = None
            self.result = AmdResult(
                decision=decision,
                reason=reason,
                at_ms=self.elapsed_ms if at_ms is None else at_ms,
                detail=detail,
                words=self._timer.words,
                speech_ms=self._timer.speech_ms,
            )
        return self.result
